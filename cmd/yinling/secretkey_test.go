package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/internal/config"
)

// TestTheSecretKeyIsSetOrKeptInTheDataFolder: a key given in the
// configuration is used; on the embedded database without one, a key is
// made in the data folder once, readable by its owner only, and read
// again on the next start; with MongoDB, Douyin needs one set.
func TestTheSecretKeyIsSetOrKeptInTheDataFolder(t *testing.T) {
	given := bytes.Repeat([]byte{7}, 32)
	if k, err := secretKey(config.Config{SecretKey: given, MongoURI: "mongodb://db"}); err != nil || !bytes.Equal(k, given) {
		t.Fatalf("the given key: %x, %v", k, err)
	}
	if _, err := secretKey(config.Config{MongoURI: "mongodb://db"}); err == nil || !strings.Contains(err.Error(), "YINLING_SECRET_KEY") {
		t.Fatalf("MongoDB without a key: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "yinling-data")
	first, err := secretKey(config.Config{DataDir: dir})
	if err != nil || len(first) != 32 {
		t.Fatalf("made: %x, %v", first, err)
	}
	fi, err := os.Stat(filepath.Join(dir, secretKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the key file: %v, %v", fi, err)
	}
	again, err := secretKey(config.Config{DataDir: dir})
	if err != nil || !bytes.Equal(again, first) {
		t.Fatalf("read again: %x, %v; want %x", again, err, first)
	}
	if err := os.WriteFile(filepath.Join(dir, secretKeyFile), []byte("not base64!"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := secretKey(config.Config{DataDir: dir}); err == nil {
		t.Fatal("a damaged key file was taken")
	}
}
