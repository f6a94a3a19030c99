package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/sqlstore"
)

const backupUsage = `usage (server flags choose the database and object store):
  yinling export [flags] PATH   write everything to a new folder, or to PATH.tar / PATH.tar.gz
  yinling import [flags] PATH   load an export into an empty database and object store, and verify it`

// backupCommand runs `yinling export` and `yinling import`. On the
// embedded database an export reads a snapshot beside a running server;
// an import needs the server stopped (the data folder is locked).
func backupCommand(ctx context.Context, verb string, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	fs.SetOutput(stdout)
	serverFlags := config.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(backupUsage)
	}
	path := fs.Arg(0)
	cfg, err := serverFlags.Config(getenv)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, io.Discard)
	var db opened
	if verb == "export" && cfg.Embedded() {
		// A snapshot, read beside a running server (WAL allows it).
		snap, err := sqlstore.OpenSnapshot(ctx, filepath.Join(cfg.DataDir, "db"))
		if err != nil {
			return err
		}
		db = opened{source: snap, name: "sqlite", close: snap.Close}
	} else if db, err = openDatabase(ctx, cfg, logger, nil); err != nil {
		return err
	}
	defer db.close()
	blobs, closeBlobs, err := openBlobs(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeBlobs()
	src, dst, name := db.source, db.target, db.name
	progress := backup.NewProgress(stdout)
	if verb == "export" {
		m, err := backup.Export(ctx, src, name, blobs, path, progress)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		fmt.Fprintf(stdout, "exported %s: %s to %s\n", name, summary(m), path)
		return nil
	}
	m, err := backup.Import(ctx, dst, blobs, path, progress)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(stdout, "imported %s into %s and checked it\n", summary(m), name)
	return nil
}

func summary(m backup.Manifest) string {
	var records int64
	for _, c := range m.Collections {
		records += c.Count
	}
	var bytes int64
	for _, e := range m.Media {
		bytes += e.Bytes
	}
	return fmt.Sprintf("%d records in %d collections, %d media objects (%d bytes)", records, len(m.Collections), len(m.Media), bytes)
}
