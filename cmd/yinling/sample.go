package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/config"
)

const sampleUsage = `usage (server stopped; server flags choose the database):
  yinling sample load [flags]     load the sample content (【示例】 stories, lectures, a page), published
  yinling sample remove [flags]   delete what the sample load made, in one step`

// sampleCommand runs `yinling sample load|remove`: what the admin UI's
// dashboard offers, for a site without a browser at hand. The server
// must be stopped (its read cache would not hear of the change); the
// search index catches up when it starts.
func sampleCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "load" && args[0] != "remove") {
		return errors.New(sampleUsage)
	}
	verb := args[0]
	fs := flag.NewFlagSet("sample "+verb, flag.ContinueOnError)
	fs.SetOutput(stdout)
	serverFlags := config.AddFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return errors.New(sampleUsage)
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
	by := content.Actor{Name: "command line", Publisher: true}
	if verb == "load" {
		r, err := s.Sample.Load(ctx, by)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "loaded the sample content: %d items, %d lecture series, %d media files (photos and a video); remove it with `yinling sample remove`\n",
			len(r.Items), len(r.Series), len(r.Assets))
		return nil
	}
	out, err := s.Sample.Remove(ctx, by)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "removed the sample content: %d items, %d lecture series, %d media files\n", out.Items, out.Series, out.Assets)
	if len(out.Kept) > 0 {
		fmt.Fprintf(stdout, "kept, as something else uses them:\n  %s\n", strings.Join(out.Kept, "\n  "))
	}
	return nil
}
