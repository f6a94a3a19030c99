package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// profilePhase starts taking the server's CPU profile for a load phase
// when the run takes profiles (-profile); the function it returns waits
// for the profile and writes it as <size>-<phase>.pprof in the folder.
// Without -profile it does nothing.
func (s *server) profilePhase(ctx context.Context, o options, size int, phase string) func() error {
	if o.profile == "" || s.pprof == "" {
		return func() error { return nil }
	}
	seconds := max(1, int(o.duration/time.Second)-1)
	name := fmt.Sprintf("%d-%s.pprof", size, regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(phase, "-"))
	done := make(chan error, 1)
	go func() {
		url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", s.pprof, seconds)
		req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
		if err != nil {
			done <- err
			return
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- fmt.Errorf("profile %s: %w", phase, err)
			return
		}
		defer r.Body.Close()
		f, err := os.Create(filepath.Join(o.profile, name))
		if err != nil {
			done <- err
			return
		}
		if _, err := io.Copy(f, r.Body); err != nil {
			f.Close()
			done <- err
			return
		}
		done <- f.Close()
	}()
	return func() error { return <-done }
}
