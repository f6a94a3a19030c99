// Package storetest is the conformance suite every document store of
// Yinling passes: the embedded SQLite store and the MongoDB store run the
// same behaviours, concurrency included, so the code above them may rely
// on exactly what this suite checks and nothing more. Each store's own
// tests call Run with a constructor that gives every test a fresh, empty
// store (its own database file, or its own MongoDB database).
package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/docstore"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/pages"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/videos"
)

// Store is everything the domain asks of a document store but the stores
// of each kind.
type Store = docstore.Store

// Stores is a document store under test: the store of each kind, and
// the rest.
type Stores struct {
	Store
	Kinds
}

// Kinds are the stores of each kind of item the suite tests, each opened
// by the store's ItemsOf with the kind's record.Kind.
type Kinds struct {
	Stories  stories.Store
	Lectures lectures.Store
	Videos   videos.Store
	Pages    pages.Store
}

// Run runs the suite. open returns an empty store for one test; the
// subtests run in parallel.
func Run(t *testing.T, open func(t *testing.T) Stores) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"stories", storyTests},
		{"story lists", listTests},
		{"lectures", lectureTests},
		{"registrations", registrationTests},
		{"series", seriesTests},
		{"columns", columnTests},
		{"featured stories", featuredTests},
		{"sample content", sampleTests},
		{"videos", videoTests},
		{"pages", pageTests},
		{"site settings", siteTests},
		{"outbox", jobTests},
		{"revisions and locks", editorialTests},
		{"accounts", accountTests},
		{"audit and assets", recordTests},
		{"media library", libraryTests},
		{"coordination", coordinationTests},
		{"read counts", readTests},
		{"change feed", changeTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, open(t))
				})
			}
		})
	}
}

type test struct {
	name string
	run  func(t *testing.T, s Stores)
}

func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// race runs f n times at once and returns how many calls reported true
// (errors fail the test).
func race(t *testing.T, n int, f func(i int) (bool, error)) int {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		wins  int
		start = make(chan struct{})
		errs  []error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := f(i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				wins++
			}
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		t.Errorf("racer: %v", err)
	}
	return wins
}

// ms is a time at the millisecond precision both stores keep.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
