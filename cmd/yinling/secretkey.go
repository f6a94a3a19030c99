package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/yinling-cms/yinling/internal/config"
)

// secretKeyFile is the embedded mode's secret key, in the data folder.
const secretKeyFile = "secret.key"

// secretKey is the key that seals the Douyin tokens: YINLING_SECRET_KEY,
// or, on the embedded database, the data folder's secret.key, made (32
// random bytes, base64, readable by its owner only) the first time. With
// MongoDB it must be set: every instance needs the same key, and a key
// kept beside the data it protects would protect nothing.
func secretKey(cfg config.Config) ([]byte, error) {
	if cfg.SecretKey != nil {
		return cfg.SecretKey, nil
	}
	if !cfg.Embedded() {
		return nil, errors.New("YINLING_SECRET_KEY: required with YINLING_MONGO_URI when Douyin is set up: it seals the Douyin tokens, " +
			"and every instance needs the same one; make one with: openssl rand -base64 32")
	}
	path := filepath.Join(cfg.DataDir, secretKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) < 32 {
			return nil, fmt.Errorf("%s is not the base64 of 32 or more bytes: restore it from a backup, or delete it and authorise Douyin again", path)
		}
		return key, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read the secret key: %w", err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("make the data folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write the secret key: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("write the secret key: %w", err)
	}
	return key, nil
}
