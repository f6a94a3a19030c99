package syndication_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// clock is a test's time, moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// script is a channel whose runs follow a list: each run calls the next
// function (the last repeats).
type script struct {
	mu   sync.Mutex
	runs []func(ctx context.Context, r *syndication.Run) (syndication.Outcome, error)
	n    int
}

func (s *script) Deliver(ctx context.Context, r *syndication.Run) (syndication.Outcome, error) {
	s.mu.Lock()
	f := s.runs[min(s.n, len(s.runs)-1)]
	s.n++
	s.mu.Unlock()
	return f(ctx, r)
}

func (s *script) count() int { s.mu.Lock(); defer s.mu.Unlock(); return s.n }

func done(context.Context, *syndication.Run) (syndication.Outcome, error) {
	return syndication.Outcome{State: syndication.Done, PostURL: "https://example.org/p/1"}, nil
}

func failing(msg string) func(context.Context, *syndication.Run) (syndication.Outcome, error) {
	return func(context.Context, *syndication.Run) (syndication.Outcome, error) {
		return syndication.Outcome{}, errors.New(msg)
	}
}

func newOutbox(t *testing.T, ch syndication.Channel, c *clock) (*syndication.Outbox, *teststore.Store) {
	t.Helper()
	store := teststore.Open(t)
	return syndication.New(syndication.Config{Store: store, Channels: map[string]syndication.Channel{"test": ch},
		Holder: "a", Clock: c.Now, Backoff: time.Minute, MaxAttempts: 4, Lease: 30 * time.Second}), store
}

func job(entry string, rev int64) syndication.Job {
	return syndication.Job{Key: fmt.Sprintf("videos/%s/test/post/%d", entry, rev), Kind: "videos", EntryID: entry, Title: "重阳登高",
		Channel: "test", Action: syndication.ActionPost, Revision: rev}
}

func only(t *testing.T, o *syndication.Outbox, entry string) syndication.Job {
	t.Helper()
	jobs, err := o.List(context.Background(), syndication.JobQuery{EntryID: entry})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs of %s: %d, %v", entry, len(jobs), err)
	}
	return jobs[0]
}

func TestAJobIsWrittenOncePerKey(t *testing.T) {
	c := &clock{now: time.Now()}
	o, _ := newOutbox(t, &script{runs: nil}, c)
	ctx := context.Background()
	for range 3 {
		if _, err := o.Enqueue(ctx, job("e1", 3)); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := o.Enqueue(ctx, job("e1", 4)); n != 1 {
		t.Fatalf("a new revision made %d jobs, want 1", n)
	}
	if jobs, _ := o.List(ctx, syndication.JobQuery{EntryID: "e1"}); len(jobs) != 2 {
		t.Fatalf("%d jobs, want one per revision", len(jobs))
	}
	bad := job("e2", 1)
	bad.Channel = "nowhere"
	if _, err := o.Enqueue(ctx, bad); err == nil {
		t.Fatal("a job for an unknown channel was written")
	}
}

func TestFailuresBackOffThenSucceed(t *testing.T) {
	c := &clock{now: time.Now()}
	ch := &script{runs: []func(context.Context, *syndication.Run) (syndication.Outcome, error){failing("503 from the API"), failing("time-out"), done}}
	o, _ := newOutbox(t, ch, c)
	ctx := context.Background()
	if _, err := o.Enqueue(ctx, job("e1", 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := o.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	j := only(t, o, "e1")
	if j.State != syndication.Queued || j.Attempts != 1 || j.LastError != "503 from the API" || j.LeaseHolder != "" {
		t.Fatalf("after one failure: %+v", j)
	}
	wait := j.NextAt.Sub(c.Now())
	if wait < 30*time.Second || wait > time.Minute {
		t.Fatalf("first backoff %v, want between half and all of a minute", wait)
	}
	if _, _ = o.RunDue(ctx); ch.count() != 1 {
		t.Fatalf("ran %d times before the backoff ended", ch.count())
	}
	c.Add(time.Minute)
	_, _ = o.RunDue(ctx)
	j = only(t, o, "e1")
	if wait := j.NextAt.Sub(c.Now()); j.Attempts != 2 || wait < time.Minute || wait > 2*time.Minute {
		t.Fatalf("after two failures: attempts %d, backoff %v (want 1-2 min)", j.Attempts, wait)
	}
	c.Add(2 * time.Minute)
	_, _ = o.RunDue(ctx)
	j = only(t, o, "e1")
	if j.State != syndication.Done || j.PostURL != "https://example.org/p/1" || j.LastError != "" || ch.count() != 3 {
		t.Fatalf("after the success: %+v (runs %d)", j, ch.count())
	}
	c.Add(time.Hour)
	if _, _ = o.RunDue(ctx); ch.count() != 3 {
		t.Fatal("a done job ran again")
	}
	if _, err := o.Retry(ctx, j.ID, "u"); !fault.Is(err, fault.Conflict) {
		t.Fatalf("retrying a done job: %v", err)
	}
}

func TestAttemptsRunOutAndAFinalErrorStopsAtOnce(t *testing.T) {
	c := &clock{now: time.Now()}
	ch := &script{runs: []func(context.Context, *syndication.Run) (syndication.Outcome, error){failing("busy")}}
	o, _ := newOutbox(t, ch, c)
	ctx := context.Background()
	_, _ = o.Enqueue(ctx, job("e1", 1))
	for range 10 {
		_, _ = o.RunDue(ctx)
		c.Add(2 * time.Hour)
	}
	j := only(t, o, "e1")
	if j.State != syndication.Failed || j.Attempts != 4 || j.LastError != "busy" || ch.count() != 4 {
		t.Fatalf("after the attempts ran out: %+v (runs %d)", j, ch.count())
	}
	// An editor retries: the attempts count afresh.
	ch.runs = []func(context.Context, *syndication.Run) (syndication.Outcome, error){done}
	if j, err := o.Retry(ctx, j.ID, "editor"); err != nil || j.State != syndication.Queued || j.Attempts != 0 || j.DoneBy != "editor" {
		t.Fatalf("retry: %+v, %v", j, err)
	}
	_, _ = o.RunDue(ctx)
	if j := only(t, o, "e1"); j.State != syndication.Done {
		t.Fatalf("after the retry: %+v", j)
	}

	final := &script{runs: []func(context.Context, *syndication.Run) (syndication.Outcome, error){
		func(context.Context, *syndication.Run) (syndication.Outcome, error) {
			return syndication.Outcome{}, syndication.Final(errors.New("the caption has 1,200 characters; Douyin takes 1,000"))
		}}}
	o2, _ := newOutbox(t, final, c)
	_, _ = o2.Enqueue(ctx, job("e2", 1))
	_, _ = o2.RunDue(ctx)
	if j := only(t, o2, "e2"); j.State != syndication.Failed || j.Attempts != 1 {
		t.Fatalf("a final error: %+v", j)
	}
}

// TestARetryResumesAfterTheLastRecordedStep: a delivery that records
// "uploaded" and then fails does not upload again on the next run.
func TestARetryResumesAfterTheLastRecordedStep(t *testing.T) {
	c := &clock{now: time.Now()}
	var uploads, creates atomic.Int32
	deliver := func(ctx context.Context, r *syndication.Run) (syndication.Outcome, error) {
		j := r.Job()
		if _, ok := j.StepValue("uploaded"); !ok {
			uploads.Add(1)
			if err := r.Record(ctx, "uploaded", "v0200f"); err != nil {
				return syndication.Outcome{}, err
			}
			return syndication.Outcome{}, errors.New("the connection dropped before create")
		}
		creates.Add(1)
		if err := r.Record(ctx, "item_id", "@9VwK"); err != nil {
			return syndication.Outcome{}, err
		}
		return syndication.Outcome{State: syndication.Done}, nil
	}
	o, _ := newOutbox(t, &script{runs: []func(context.Context, *syndication.Run) (syndication.Outcome, error){deliver}}, c)
	ctx := context.Background()
	_, _ = o.Enqueue(ctx, job("e1", 1))
	_, _ = o.RunDue(ctx)
	c.Add(time.Hour)
	_, _ = o.RunDue(ctx)
	j := only(t, o, "e1")
	if j.State != syndication.Done || uploads.Load() != 1 || creates.Load() != 1 {
		t.Fatalf("state %s, %d uploads, %d creates; want done, 1, 1", j.State, uploads.Load(), creates.Load())
	}
	if v, _ := j.StepValue("uploaded"); v != "v0200f" {
		t.Fatalf("steps %+v", j.Steps)
	}
}

// TestACancelledJobStopsAtItsNextStep: an editor cancels while the
// delivery runs; its next Record fails with ErrLost and nothing more is
// done.
func TestACancelledJobStopsAtItsNextStep(t *testing.T) {
	c := &clock{now: time.Now()}
	started, cancelled := make(chan string), make(chan struct{})
	var afterCancel atomic.Bool
	deliver := func(ctx context.Context, r *syndication.Run) (syndication.Outcome, error) {
		started <- r.Job().ID
		<-cancelled
		if err := r.Record(ctx, "uploaded", "v"); err != nil {
			return syndication.Outcome{}, err
		}
		afterCancel.Store(true)
		return syndication.Outcome{State: syndication.Done}, nil
	}
	o, _ := newOutbox(t, &script{runs: []func(context.Context, *syndication.Run) (syndication.Outcome, error){deliver}}, c)
	ctx := context.Background()
	_, _ = o.Enqueue(ctx, job("e1", 1))
	ran := make(chan struct{})
	go func() { _, _ = o.RunDue(ctx); close(ran) }()
	id := <-started
	if _, err := o.Retry(ctx, id, "u"); !fault.Is(err, fault.Conflict) {
		t.Errorf("retrying a running job: %v", err)
	}
	if _, err := o.Cancel(ctx, id, "editor"); err != nil {
		t.Fatal(err)
	}
	close(cancelled)
	<-ran
	j := only(t, o, "e1")
	if j.State != syndication.Cancelled || afterCancel.Load() || len(j.Steps) != 0 {
		t.Fatalf("after cancelling: %+v (went on: %v)", j, afterCancel.Load())
	}
	if _, err := o.Cancel(ctx, id, "editor"); !fault.Is(err, fault.Conflict) {
		t.Fatalf("cancelling twice: %v", err)
	}
}

// TestTwoRunnersDeliverEachJobOnce: two instances run the same outbox at
// once; every job is delivered exactly once.
func TestTwoRunnersDeliverEachJobOnce(t *testing.T) {
	store := teststore.Open(t)
	var mu sync.Mutex
	delivered := map[string]int{}
	ch := &script{runs: []func(context.Context, *syndication.Run) (syndication.Outcome, error){
		func(ctx context.Context, r *syndication.Run) (syndication.Outcome, error) {
			mu.Lock()
			delivered[r.Job().EntryID]++
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			return syndication.Outcome{State: syndication.Done}, nil
		}}}
	var outboxes []*syndication.Outbox
	for _, holder := range []string{"a", "b"} {
		outboxes = append(outboxes, syndication.New(syndication.Config{Store: store, Channels: map[string]syndication.Channel{"test": ch}, Holder: holder}))
	}
	ctx := context.Background()
	for i := range 30 {
		if _, err := outboxes[0].Enqueue(ctx, job(fmt.Sprint("e", i), 1)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for _, o := range outboxes {
		wg.Go(func() {
			for range 20 {
				if _, err := o.RunDue(ctx); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if len(delivered) != 30 {
		t.Fatalf("%d of 30 jobs delivered", len(delivered))
	}
	for e, n := range delivered {
		if n != 1 {
			t.Errorf("%s delivered %d times", e, n)
		}
	}
}

func TestMarkDoneNeedsTheWaitingStateAndAPostURL(t *testing.T) {
	c := &clock{now: time.Now()}
	waiting := func(context.Context, *syndication.Run) (syndication.Outcome, error) {
		return syndication.Outcome{State: syndication.WaitingPerson, Note: "下载发布包，在视频号发布后填写链接"}, nil
	}
	o, _ := newOutbox(t, &script{runs: []func(context.Context, *syndication.Run) (syndication.Outcome, error){waiting}}, c)
	ctx := context.Background()
	_, _ = o.Enqueue(ctx, job("e1", 1))
	_, _ = o.RunDue(ctx)
	j := only(t, o, "e1")
	if j.State != syndication.WaitingPerson || j.Note == "" {
		t.Fatalf("%+v", j)
	}
	for _, bad := range []string{"", "javascript:alert(1)", "http://channels.weixin.qq.com/x"} {
		if _, err := o.MarkDone(ctx, j.ID, bad, "", "editor"); !fault.Is(err, fault.Invalid) {
			t.Errorf("post URL %q: %v", bad, err)
		}
	}
	j, err := o.MarkDone(ctx, j.ID, "https://channels.weixin.qq.com/web/pages/feed?eid=abc", "已发布", "editor")
	if err != nil || j.State != syndication.Done || j.DoneBy != "editor" || j.Note != "已发布" {
		t.Fatalf("mark done: %+v, %v", j, err)
	}
	if _, err := o.MarkDone(ctx, j.ID, "https://channels.weixin.qq.com/x", "", "editor"); !fault.Is(err, fault.Conflict) {
		t.Fatalf("marking twice: %v", err)
	}
}

// TestEachRunIsObserved: Config.Observe hears of every run, by channel,
// with how it ended (the metrics count them).
func TestEachRunIsObserved(t *testing.T) {
	c := &clock{now: time.Now()}
	ch := &script{runs: []func(context.Context, *syndication.Run) (syndication.Outcome, error){
		failing("503 from the API"), done,
		func(context.Context, *syndication.Run) (syndication.Outcome, error) {
			return syndication.Outcome{}, syndication.Final(errors.New("refused"))
		}}}
	var mu sync.Mutex
	var seen []string
	o := syndication.New(syndication.Config{Store: teststore.Open(t), Channels: map[string]syndication.Channel{"test": ch},
		Holder: "a", Clock: c.Now, Backoff: time.Minute, MaxAttempts: 4, Lease: 30 * time.Second,
		Observe: func(channel, outcome string, took time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, channel+":"+outcome)
		}})
	ctx := context.Background()
	if _, err := o.Enqueue(ctx, job("e1", 1)); err != nil {
		t.Fatal(err)
	}
	_, _ = o.RunDue(ctx)
	c.Add(time.Minute)
	_, _ = o.RunDue(ctx)
	if _, err := o.Enqueue(ctx, job("e2", 1)); err != nil {
		t.Fatal(err)
	}
	_, _ = o.RunDue(ctx)
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"test:retry", "test:done", "test:failed"}; fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Fatalf("observed %v, want %v", seen, want)
	}
}
