package worker_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
	"github.com/yinling-cms/yinling/internal/worker"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestLeaseHasOneHolder(t *testing.T) {
	store := teststore.Open(t)
	ctx := context.Background()
	var got atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := store.AcquireLease(ctx, "job", string(rune('a'+i)), time.Minute)
			if err != nil {
				t.Errorf("acquire: %v", err)
			}
			if ok {
				got.Add(1)
			}
		}()
	}
	wg.Wait()
	if got.Load() != 1 {
		t.Fatalf("%d holders of one lease, want 1", got.Load())
	}
	if ok, _ := store.AcquireLease(ctx, "other", "a", -time.Second); !ok {
		t.Fatal("a free lease was not taken")
	}
	if ok, _ := store.AcquireLease(ctx, "other", "b", time.Minute); !ok {
		t.Fatal("an expired lease was not taken over")
	}
	if err := store.ReleaseLease(ctx, "other", "a"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := store.AcquireLease(ctx, "other", "c", time.Minute); ok {
		t.Fatal("a lease released by a non-holder was taken")
	}
}

// TestOneWorkerRunsAndAnotherTakesOver runs three workers of one job: runs
// never overlap, and when the running one stops, another carries on.
func TestOneWorkerRunsAndAnotherTakesOver(t *testing.T) {
	store := teststore.Open(t)
	var running, overlaps atomic.Int32
	runsBy := make([]atomic.Int32, 3)
	cancels := make([]context.CancelFunc, 3)
	var wg sync.WaitGroup
	for i := range cancels {
		ctx, cancel := context.WithCancel(context.Background())
		cancels[i] = cancel
		w := &worker.Worker{Name: "job", Holder: string(rune('a' + i)), Every: 200 * time.Millisecond, Leases: store,
			Job: func(ctx context.Context) (time.Time, error) {
				if running.Add(1) > 1 {
					overlaps.Add(1)
				}
				runsBy[i].Add(1)
				time.Sleep(5 * time.Millisecond)
				running.Add(-1)
				return time.Time{}, nil
			}}
		wg.Add(1)
		go func() { defer wg.Done(); w.Run(ctx) }()
	}
	time.Sleep(time.Second)
	first := -1
	for i := range runsBy {
		if runsBy[i].Load() > 0 {
			if first >= 0 {
				t.Fatalf("workers %d and %d both ran while the first held the lease", first, i)
			}
			first = i
		}
	}
	if first < 0 {
		t.Fatal("no worker ran")
	}
	cancels[first]()
	before := runsBy[first].Load()
	time.Sleep(time.Second)
	others := 0
	for i := range runsBy {
		if i != first {
			others += int(runsBy[i].Load())
		}
	}
	if others == 0 {
		t.Fatal("no other worker took over after the first stopped")
	}
	if runsBy[first].Load() != before {
		t.Fatal("the stopped worker kept running")
	}
	for _, c := range cancels {
		c()
	}
	wg.Wait()
	if overlaps.Load() != 0 {
		t.Fatalf("runs overlapped %d times", overlaps.Load())
	}
}

// TestRunsAreObservedWithTheirLateness: Observe hears of each run, with
// how late it began after its work was due. A job that says its next
// work is due in 10 ms is woken no sooner than a tenth of a tick (100
// ms) after its run, so that run is at least 80 ms late.
func TestRunsAreObservedWithTheirLateness(t *testing.T) {
	store := teststore.Open(t)
	type run struct {
		late time.Duration
		err  error
	}
	runs := make(chan run, 4)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	w := &worker.Worker{Name: "observed", Holder: "a", Every: time.Second, Leases: store,
		Job: func(ctx context.Context) (time.Time, error) {
			n++
			if n == 1 {
				return time.Now().Add(10 * time.Millisecond), nil
			}
			return time.Time{}, errors.New("the database went away")
		},
		Observe: func(late, took time.Duration, err error) {
			select {
			case runs <- run{late, err}:
			default:
			}
		}}
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	first, second := <-runs, <-runs
	cancel()
	<-done
	if first.err != nil || second.err == nil {
		t.Fatalf("errors observed: %v, %v", first.err, second.err)
	}
	if second.late < 80*time.Millisecond {
		t.Fatalf("the second run was %v late, want at least 80ms (due 10 ms after the first, woken 100 ms after)", second.late)
	}
}
