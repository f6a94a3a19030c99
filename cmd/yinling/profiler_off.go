//go:build !pprof

package main

import (
	"context"
	"io"
)

// startProfiler does nothing in a release build; a binary built with
// -tags pprof serves Go's profiles on YINLING_PPROF_ADDR (profiler.go).
func startProfiler(context.Context, func(string) string, io.Writer) error { return nil }
