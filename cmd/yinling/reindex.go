package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/bleveindex"
	"github.com/yinling-cms/yinling/internal/config"
)

// reindexCommand is `yinling reindex`: the search index rebuilt from the
// store. The server must be stopped (it holds the index); a server also
// rebuilds it at start when its folder is missing.
func reindexCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	fs.SetOutput(stdout)
	serverFlags := config.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return errors.New("usage: yinling reindex [flags]")
	}
	cfg, err := serverFlags.Config(getenv)
	if err != nil {
		return err
	}
	s, err := openSite(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		return err
	}
	defer s.close()
	began := time.Now()
	if err := bleveindex.Remove(s.SearchDir); err != nil {
		return fmt.Errorf("remove the old index: %w", err)
	}
	x, _, err := bleveindex.Open(s.SearchDir)
	if err != nil {
		return err
	}
	defer x.Close()
	loaded := time.Since(began)
	put, _, err := (&search.Syncer{Index: x, Sources: s.SearchSources()}).Sync(ctx)
	if err != nil {
		return err
	}
	// One segment instead of the several the build leaves: cheaper searches.
	if err := x.Compact(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "indexed %d items in %s (the dictionary took %s to load) into %s\n", put,
		time.Since(began).Round(time.Millisecond), loaded.Round(time.Millisecond), s.SearchDir)
	return nil
}
