package wechattest

import (
	"crypto/sha1" //nolint:gosec // the JS-SDK's signature is SHA-1 by the platform's protocol
	"encoding/hex"
)

func sha1hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
