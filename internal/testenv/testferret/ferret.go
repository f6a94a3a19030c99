// Package testferret is the tests' MongoDB-protocol server: FerretDB v1
// on its SQLite backend, inside the test process, behind a write gate
// that makes single-document writes atomic (as MongoDB's are, and as the
// Mongo store relies on). It is for tests only (testenv starts it, and
// internal/testenv/ferretdb runs it alone for benchmarks): it is not in
// the yinling binary, whose embedded default is SQLite used directly
// (internal/sqlstore), and production runs a real MongoDB.
package testferret

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Server is a running test FerretDB.
type Server struct {
	// URI is the MongoDB connection string clients use (it points at the
	// write gate, never at FerretDB directly).
	URI string

	gate   *Gate
	cancel context.CancelFunc
	done   chan struct{}
}

// Start runs FerretDB with its SQLite files in dir (created if missing) and a
// write gate in front of it, both on loopback ports. The server runs until
// Close is called.
func Start(dir string, logger *slog.Logger) (*Server, error) {
	return StartOn(dir, "127.0.0.1:0", logger)
}

// StartOn is Start with the gate listening on addr (a server restarted on
// the address its clients know is found again by their drivers).
func StartOn(dir, addr string, logger *slog.Logger) (*Server, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("test FerretDB: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("test FerretDB: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// FerretDB reports every connection at info level, and dumps whole wire
	// messages as warnings for commands it lacks (endSessions, listIndexes
	// of a new collection): keep its errors only. Failures reach our own
	// logs through the driver's errors.
	logger = slog.New(minLevel{logger.Handler(), slog.LevelError})
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:  "sqlite",
		// WAL with synchronous=NORMAL, as PocketBase runs SQLite: a commit
		// survives the process being killed; only a power cut can take the
		// last commits (never corrupting the files). With FULL, each
		// serialized write waited for its own fsync (measured: scheduled
		// publishing fell behind at 50 items a second).
		SQLiteURL: (&url.URL{Scheme: "file", Path: abs + "/", OmitHost: true,
			RawQuery: url.Values{"_pragma": {"synchronous(normal)"}}.Encode()}).String(),
		Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("test FerretDB: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	u, err := url.Parse(f.MongoDBURI())
	if err != nil {
		cancel()
		<-done
		return nil, fmt.Errorf("test FerretDB: %w", err)
	}
	gate, err := NewGate(addr, u.Host)
	if err != nil {
		cancel()
		<-done
		return nil, err
	}
	return &Server{
		URI:    "mongodb://" + gate.Addr() + "/",
		gate:   gate,
		cancel: cancel,
		done:   done,
	}, nil
}

// Close stops the gate and the database and waits up to ten seconds for
// FerretDB to close its files.
func (s *Server) Close() error {
	err := s.gate.Close()
	s.cancel()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		err = errors.Join(err, errors.New("test FerretDB: did not stop within 10s"))
	}
	return err
}

// minLevel drops records below a level.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.Handler.Enabled(ctx, l)
}

func (m minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{m.Handler.WithAttrs(attrs), m.min}
}

func (m minLevel) WithGroup(name string) slog.Handler {
	return minLevel{m.Handler.WithGroup(name), m.min}
}
