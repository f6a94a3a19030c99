package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/yinling-cms/yinling/content/docstore"
	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/mongostore"
	"github.com/yinling-cms/yinling/internal/sqlstore"
	"github.com/yinling-cms/yinling/internal/telemetry"
)

// database is what the site needs of its document store: the interfaces
// the domain declares, the shared change counter and secrets, leases, and
// a readiness probe. internal/sqlstore and internal/mongostore both give
// it, held to one suite (content/storetest); the store of each kind opens
// on it (the assembly's itemsOf).
type database = docstore.Store

// opened is an open document store: the database, what export and
// import use of it, and how to close it.
type opened struct {
	db     database
	source backup.Source
	target backup.Target
	name   string // "sqlite" or "mongodb"
	close  func() error
}

// openDatabase opens the SQLite database in the data folder when no
// MongoDB URI is configured, MongoDB otherwise; calls, when set, times
// every statement or command.
func openDatabase(ctx context.Context, cfg config.Config, logger *slog.Logger, calls *telemetry.Stores) (opened, error) {
	if cfg.Embedded() {
		var opts []sqlstore.Option
		if calls != nil {
			opts = append(opts, sqlstore.WithObserver(calls.SQL))
		}
		s, err := sqlstore.Open(ctx, filepath.Join(cfg.DataDir, "db"), opts...)
		if err != nil {
			return opened{}, fmt.Errorf("open the embedded database: %w", err)
		}
		return opened{db: s, source: s, target: backup.TargetOf(s), name: "sqlite", close: s.Close}, nil
	}
	var monitor []*event.CommandMonitor
	if calls != nil {
		monitor = append(monitor, calls.MongoMonitor())
	}
	client, err := mongostore.Connect(cfg.MongoURI, monitor...)
	if err != nil {
		return opened{}, err
	}
	closeClient := func() error { return client.Disconnect(context.Background()) }
	if err := waitForDatabase(ctx, client, logger); err != nil {
		_ = closeClient()
		return opened{}, err
	}
	s := mongostore.New(client.Database(cfg.MongoDB))
	if err := prepareDatabase(ctx, s, logger); err != nil {
		_ = closeClient()
		return opened{}, err
	}
	if err := s.CheckImport(ctx); err != nil {
		_ = closeClient()
		return opened{}, err
	}
	return opened{db: s, source: s, target: backup.TargetOf(s), name: "mongodb", close: closeClient}, nil
}

// prepareDatabase makes the indexes, trying again up to four times (0.5,
// 1, 2 and 4 s apart): instances started together on a new database
// create the same indexes at once, and a server may drop a connection
// over it (FerretDB v1 does; it is idempotent, so trying again is safe).
func prepareDatabase(ctx context.Context, s *mongostore.Store, logger *slog.Logger) error {
	wait := 500 * time.Millisecond
	for try := 1; ; try++ {
		err := s.EnsureIndexes(ctx)
		if err == nil {
			return nil
		}
		if try == 5 || ctx.Err() != nil {
			return fmt.Errorf("prepare the database: %w", err)
		}
		logger.Warn("preparing the database failed; trying again", "try", try, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// waitForDatabase pings until MongoDB answers, for up to 30 seconds (a
// database starting beside us, as in a compose file, takes a moment).
func waitForDatabase(ctx context.Context, client *mongo.Client, logger *slog.Logger) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := client.Ping(pctx, nil)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("the database does not answer: %w", err)
		}
		logger.Info("waiting for the database", "err", err)
		time.Sleep(time.Second)
	}
}
