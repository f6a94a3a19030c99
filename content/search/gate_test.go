package search_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// held is an index whose searches run until released, recording the
// order they began in and how many ran at once.
type held struct {
	search.Index
	mu      sync.Mutex
	began   []string
	running int
	most    int
	release map[string]chan struct{}
}

func newHeld() *held { return &held{release: map[string]chan struct{}{}} }

func (h *held) gate(text string) chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.release[text] == nil {
		h.release[text] = make(chan struct{})
	}
	return h.release[text]
}

func (h *held) Search(ctx context.Context, q search.Query) (search.Results, error) {
	release := h.gate(q.Text)
	h.mu.Lock()
	h.began = append(h.began, q.Text)
	h.running++
	h.most = max(h.most, h.running)
	h.mu.Unlock()
	<-release
	h.mu.Lock()
	h.running--
	h.mu.Unlock()
	return search.Results{Total: 1}, nil
}

// TestGatedRunsAtMostSlotsInArrivalOrder: with two slots, two searches
// run and the rest wait; as each ends the longest-waiting begins.
func TestGatedRunsAtMostSlotsInArrivalOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHeld()
		g := search.NewGated(h, 2, 0)
		queries := []string{"西迁", "讲坛", "王老师", "防诈骗", "太极拳", "书法"}
		errs := make(chan error, len(queries))
		for _, q := range queries {
			go func() {
				_, err := g.Search(t.Context(), search.Query{Text: q})
				errs <- err
			}()
			synctest.Wait() // each has begun or is queued before the next arrives
		}
		if len(h.began) != 2 || h.running != 2 {
			t.Fatalf("with two slots, began %v (%d running)", h.began, h.running)
		}
		for _, q := range queries {
			close(h.gate(q))
			synctest.Wait()
		}
		for range queries {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if h.most != 2 {
			t.Fatalf("at most %d ran at once, want 2", h.most)
		}
		for i, q := range queries {
			if h.began[i] != q {
				t.Fatalf("began in the order %v, want %v", h.began, queries)
			}
		}
	})
}

// TestGatedSearchBusyAfterMaxWait: a search that cannot begin within
// the wait is answered Unavailable with Retry-After, and takes no slot;
// one whose caller gave up returns the caller's error.
func TestGatedSearchBusyAfterMaxWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHeld()
		g := search.NewGated(h, 1, 2*time.Second)
		done := make(chan error, 1)
		go func() {
			_, err := g.Search(t.Context(), search.Query{Text: "慢"})
			done <- err
		}()
		synctest.Wait()
		began := time.Now()
		_, err := g.Search(t.Context(), search.Query{Text: "等"})
		f := fault.As(err)
		if f == nil || f.Kind != fault.Unavailable || f.RetryAfter != 1 {
			t.Fatalf("a search kept waiting answered %v", err)
		}
		if waited := time.Since(began); waited != 2*time.Second {
			t.Fatalf("it waited %v", waited)
		}
		ctx, cancel := context.WithCancel(t.Context())
		go func() { time.Sleep(time.Second); cancel() }()
		if _, err := g.Search(ctx, search.Query{Text: "走"}); !errors.Is(err, context.Canceled) {
			t.Fatalf("a search whose caller left answered %v", err)
		}
		close(h.gate("慢"))
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		// Neither took the slot: the next search begins at once.
		close(h.gate("下一个"))
		if r, err := g.Search(t.Context(), search.Query{Text: "下一个"}); err != nil || r.Total != 1 {
			t.Fatalf("the next search: %v %v", r, err)
		}
		if len(h.began) != 2 {
			t.Fatalf("searches that reached the index: %v", h.began)
		}
	})
}
