//go:build pprof

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// startProfiler serves Go's profiles (/debug/pprof/) on the loopback
// address YINLING_PPROF_ADDR names, in a binary built with -tags pprof
// (yinling-bench -profile builds one); release builds leave it out (see
// profiler_off.go). It stops with ctx.
func startProfiler(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	addr := getenv("YINLING_PPROF_ADDR")
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		return fmt.Errorf("YINLING_PPROF_ADDR %q: want a loopback address and port, such as 127.0.0.1:6060", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("YINLING_PPROF_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() { <-ctx.Done(); _ = srv.Close() }()
	fmt.Fprintf(stdout, "profiles on http://%s/debug/pprof/\n", ln.Addr())
	return nil
}
