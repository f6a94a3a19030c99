// Command yinling is the Yinling server and its administration commands.
//
//	yinling [serve] [flags]        run the server (the default)
//	yinling user add [flags] NAME  create a user; the password is read from stdin
//	yinling export [flags] PATH    write everything to a folder or archive
//	yinling import [flags] PATH    load an export into an empty site
//	yinling version                print the version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/yinling-cms/yinling/internal/ground/redact"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "yinling:", redact.URLs(err.Error()))
		os.Exit(1)
	}
}

// run is the whole program: main only calls it, and tests call it too.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return runWith(ctx, args, getenv, os.Stdin, stdout)
}

func runWith(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	self := "yinling"
	if len(args) > 0 {
		self, args = commandName(args[0]), args[1:]
	}
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, self, args, getenv, stdout)
	case "user":
		return userCommand(ctx, args, getenv, stdin, stdout)
	case "export", "import":
		return backupCommand(ctx, cmd, args, getenv, stdout)
	case "sample":
		return sampleCommand(ctx, args, getenv, stdout)
	case "reindex":
		return reindexCommand(ctx, args, getenv, stdout)
	case "version":
		fmt.Fprintln(stdout, "yinling", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

// commandName is how a person runs this program again, from its
// argv[0]: "go run ./cmd/yinling" when `go run` built it into a
// temporary folder (the README's way to start), else the path it was
// started by.
func commandName(arg0 string) string {
	if strings.Contains(arg0, "go-build") {
		return "go run ./cmd/yinling"
	}
	if arg0 == "" {
		return "yinling"
	}
	return arg0
}

const usage = `usage:
  yinling [serve] [flags]                       run the server (flags: yinling serve -h)
  yinling user add [--role R]... [flags] NAME   create a user; password from stdin
  yinling export [flags] PATH                   everything to a folder or PATH.tar[.gz]
  yinling import [flags] PATH                   an export into an empty database and object store
  yinling sample load|remove [flags]            load or remove the sample content (server stopped)
  yinling reindex [flags]                       rebuild the search index from the store (server stopped)
  yinling version                               print the version
`
