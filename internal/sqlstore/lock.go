package sqlstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockName is the file in the data folder that the running process holds
// an exclusive lock on.
const lockName = "yinling.lock"

// ErrInUse is returned (wrapped) by Open when another process has the
// data folder open.
var ErrInUse = errors.New("the data folder is in use by another Yinling process")

// lockDir takes an exclusive, non-blocking lock on the folder (flock on a
// lock file; released by the kernel if the process dies). SQLite would let
// two processes share the file, but the embedded mode is a single node: a
// second one would run its own caches and background jobs beside the
// first's.
func lockDir(dir string) (unlock func() error, err error) {
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("sqlstore: %s: %w (stop it first, or give this one another YINLING_DATA_DIR)", dir, ErrInUse)
		}
		return nil, fmt.Errorf("sqlstore: lock %s: %w", path, err)
	}
	return func() error {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return f.Close()
	}, nil
}
