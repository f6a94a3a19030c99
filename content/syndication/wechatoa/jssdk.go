package wechatoa

import (
	"context"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // the JS-SDK's signature is SHA-1 by the platform's protocol
	"encoding/hex"
	"fmt"
	"strings"
)

// JSConfig is what a page gives wx.config to use the JS-SDK's share
// calls: the AppID, a timestamp, a nonce and the signature of the page's
// address.
type JSConfig struct {
	AppID     string `json:"app_id"`
	Timestamp int64  `json:"timestamp"`
	NonceStr  string `json:"nonce_str"`
	Signature string `json:"signature"`
}

// Sign is the JS-SDK signature: the SHA-1, in hex, of jsapi_ticket,
// noncestr, timestamp and url (the page's address without its
// #fragment) joined as a query string in that order, unescaped.
func Sign(ticket, nonce string, timestamp int64, pageURL string) string {
	if i := strings.IndexByte(pageURL, '#'); i >= 0 {
		pageURL = pageURL[:i]
	}
	sum := sha1.Sum(fmt.Appendf(nil, "jsapi_ticket=%s&noncestr=%s&timestamp=%d&url=%s", ticket, nonce, timestamp, pageURL)) //nolint:gosec // the protocol's
	return hex.EncodeToString(sum[:])
}

// JSSDK signs a page's address for the JS-SDK with the jsapi_ticket,
// which is kept in the database like the access token (one for every
// instance, fetched again five minutes before its end). The caller
// checks that the address is one of the site's.
func (o *OA) JSSDK(ctx context.Context, pageURL string) (JSConfig, error) {
	ticket, err := o.tokens.get(ctx, ticketKey, "", func(ctx context.Context, _ bool) (Token, error) {
		var t Token
		c := &call{oa: o}
		err := c.do(ctx, func(tok string) (err error) {
			t, err = o.cfg.Platform.Ticket(ctx, tok)
			return err
		})
		return t, err
	})
	if err != nil {
		return JSConfig{}, fmt.Errorf("wechatoa: the JS-SDK ticket: %w", err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	nonce := hex.EncodeToString(b)
	ts := o.cfg.Clock().Unix()
	return JSConfig{AppID: o.cfg.Platform.AppID(), Timestamp: ts, NonceStr: nonce, Signature: Sign(ticket, nonce, ts, pageURL)}, nil
}
