// Command yinling-bench measures what readers and editors meet: the real
// yinling binary on loopback under concurrent load, at growing corpus
// sizes, rotating over every slug, page and filter, with the same bytes
// served from memory by a minimal Fiber server in the same run as the
// ceiling each figure is compared with.
//
//	go run ./cmd/yinling-bench -stories 1000,10000 -conns 50 -duration 10s
//
// It builds the binary (or takes -binary), starts it on a fresh data folder
// (embedded SQLite; -mongo-uri for the Mongo store), seeds stories through
// the admin API with 8 clients (create, then publish), and after each size
// runs every load phase against the server and against the ceiling. Cold
// figures are one client's first reads after a publish (which drops the
// lists and pages it touches; a story's own answers stay). Then the reads
// of a story, the first list page and the home page are measured again
// while 8 clients publish stories, beside the same ceiling. Results are
// Markdown tables on stdout. -only runs the load phases whose names match
// a regular expression; -profile DIR builds the server with -tags pprof
// and writes its CPU profile of each phase into DIR (of the seeding, its
// first seconds, as long as a phase).
//
//	go run ./cmd/yinling-bench registrations -n 500 -capacity 300
//
// measures a burst of registrations for one session instead, and
//
//	go run ./cmd/yinling-bench search -stories 10000
//
// the search index (build, size, memory, query latency), and
//
//	go run ./cmd/yinling-bench flood -stories 50 -queries 300
//
// the server's memory and an ordinary search's latency under issue 18's
// anonymous searches (fifty hits of long stories, a new date each time),
// and
//
//	go run ./cmd/yinling-bench reads -stories 1000
//
// the story page's throughput with read counting on and off, beside the
// memory ceiling.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "ceiling" {
		if err := runCeiling(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "ceiling:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == "search" {
		if err := runSearch(ctx, os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "yinling-bench search:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "flood" {
		if err := runFlood(ctx, os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "yinling-bench flood:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "reads" {
		if err := runReads(ctx, os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "yinling-bench reads:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "registrations" {
		if err := runRegistrations(ctx, os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "yinling-bench registrations:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "yinling-bench:", err)
		os.Exit(1)
	}
}

type options struct {
	binary   string
	sizes    []int
	conns    int
	duration time.Duration
	mongoURI string
	cold     int
	extraEnv []string       // beside the server's usual settings
	only     *regexp.Regexp // the load phases to run (all when nil)
	profile  string         // a folder for each phase's CPU profile of the server
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("yinling-bench", flag.ContinueOnError)
	var o options
	sizes := fs.String("stories", "1000,10000", "comma-separated corpus sizes, ascending (the corpus grows between them)")
	fs.StringVar(&o.binary, "binary", "", "the yinling binary (default: go build ./cmd/yinling)")
	fs.IntVar(&o.conns, "conns", 50, "concurrent connections of each load phase")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each load phase")
	fs.StringVar(&o.mongoURI, "mongo-uri", "", "run the server on this MongoDB instead of the embedded SQLite")
	fs.IntVar(&o.cold, "cold", 200, "cold reads measured per phase")
	only := fs.String("only", "", "run only the load phases whose names match this regular expression")
	fs.StringVar(&o.profile, "profile", "", "build the server with -tags pprof and write its CPU profile of each phase (the seeding's first seconds too) into this folder")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return fmt.Errorf("-only: %w", err)
		}
		o.only = re
	}
	if o.profile != "" {
		if err := os.MkdirAll(o.profile, 0o755); err != nil {
			return fmt.Errorf("-profile: %w", err)
		}
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || (len(o.sizes) > 0 && n <= o.sizes[len(o.sizes)-1]) {
			return fmt.Errorf("-stories %q: want ascending whole numbers", *sizes)
		}
		o.sizes = append(o.sizes, n)
	}
	tmp, cleanup, err := workspace(ctx, &o, "yinling-bench-*")
	if err != nil {
		return err
	}
	defer cleanup()
	srv, err := startServer(ctx, o, tmp)
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Printf("# yinling-bench: %s, %d connections, %s a phase, store %s\n\n", time.Now().UTC().Format(time.RFC3339), o.conns, o.duration, srv.store)
	var seeded []story
	for _, n := range o.sizes {
		// The bursts of publishing measured at the last size count
		// towards this one.
		from := len(seeded)
		profiled := srv.profilePhase(ctx, o, n, "create and publish")
		rate, more, err := seed(ctx, srv, from, max(0, n-from))
		if err != nil {
			return err
		}
		if err := profiled(); err != nil {
			return err
		}
		seeded = append(seeded, more...)
		fmt.Printf("## %d published stories\n\n", len(seeded))
		if len(more) > 0 {
			fmt.Printf("create + publish (8 clients), stories %d-%d: %.0f stories/s\n\n", from+1, len(seeded), rate)
		}
		more, err = measure(ctx, o, srv, seeded, tmp)
		if err != nil {
			return err
		}
		seeded = append(seeded, more...)
	}
	return nil
}
