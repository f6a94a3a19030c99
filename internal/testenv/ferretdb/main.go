// Command ferretdb runs the test environment's MongoDB-protocol server
// (FerretDB v1 on SQLite behind the write gate, internal/testenv/testferret)
// on its own, for measuring the Mongo store with cmd/yinling-bench:
//
//	go run ./internal/testenv/ferretdb -dir /tmp/ferret -addr 127.0.0.1:27018
//	go run ./cmd/yinling-bench -mongo-uri mongodb://127.0.0.1:27018/ -stories 1000
//
// It is not part of the yinling binary: production uses a real MongoDB.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/yinling-cms/yinling/internal/testenv/testferret"
)

func main() {
	dir := flag.String("dir", "", "folder of FerretDB's SQLite files")
	addr := flag.String("addr", "127.0.0.1:27018", "loopback address to listen on")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb: -dir is required")
		os.Exit(2)
	}
	srv, err := testferret.StartOn(*dir, *addr, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
	fmt.Println("listening:", srv.URI)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	<-ctx.Done()
	_ = srv.Close()
}
