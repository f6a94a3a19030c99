package syndication

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/ground/redact"
)

// Channel delivers jobs to one place.
type Channel interface {
	// Deliver does what remains of the job, reading the steps already
	// recorded on run.Job and recording each step it finishes with
	// run.Record before starting the next. An error marked Final stops
	// the job; any other is retried with backoff.
	Deliver(ctx context.Context, run *Run) (Outcome, error)
}

// Outcome is how a delivery ended without error.
type Outcome struct {
	// State is Done, WaitingPerson, or Queued with Later set (look again
	// then: a post under review).
	State   State
	Later   time.Time
	PostURL string
	Note    string
}

// Final marks an error that no retry can mend (a refused caption, an
// expired authorisation): the job fails at once with it.
func Final(err error) error { return &finalError{err} }

type finalError struct{ err error }

func (e *finalError) Error() string { return e.err.Error() }
func (e *finalError) Unwrap() error { return e.err }

// IsFinal reports whether err was marked Final.
func IsFinal(err error) bool {
	var f *finalError
	return errors.As(err, &f)
}

// Config is what an Outbox is built from.
type Config struct {
	Store    Store
	Channels map[string]Channel
	// Holder names this instance in leases, unique among instances.
	Holder string
	// Lease is how long a runner holds a job between renewals (renewed
	// every third of it while it runs); 2 minutes when zero. A runner
	// that dies is replaced when its lease ends.
	Lease time.Duration
	// MaxAttempts is how many failed runs a job has before it fails (8
	// when zero).
	MaxAttempts int
	// Backoff is the wait after the first failure, doubled after each
	// further one up to an hour, with jitter (30 s when zero).
	Backoff time.Duration
	// Workers is how many jobs run at once (2 when zero).
	Workers int
	Clock   func() time.Time
	Logger  *slog.Logger
	// Observe, when set, is told of every run of a job this instance
	// made: its channel, how it ended ("done", "waiting_person",
	// "later": the channel asked to be run again, "retry": failed and
	// will be retried, "failed", "lost": taken by someone else) and how
	// long the delivery took (the metrics count them).
	Observe func(channel, outcome string, took time.Duration)
	// Trace, when set, is told when a run of a job begins: it returns
	// the context the run goes on in (carrying its trace span) and what
	// to call with its outcome (as Observe has it) when it ends.
	Trace func(ctx context.Context, j Job) (context.Context, func(outcome string))
}

// Outbox writes jobs and runs them.
type Outbox struct {
	cfg Config
}

// New makes an outbox with cfg's defaults filled in.
func New(cfg Config) *Outbox {
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 30 * time.Second
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Holder == "" {
		cfg.Holder = ident.New()
	}
	return &Outbox{cfg: cfg}
}

func (o *Outbox) now() time.Time { return o.cfg.Clock().UTC().Truncate(time.Millisecond) }

// Enqueue writes jobs, each unless its key is already written; it returns
// how many were new. A job's ID, state, times and attempts are set here.
func (o *Outbox) Enqueue(ctx context.Context, jobs ...Job) (int, error) {
	n := 0
	for _, j := range jobs {
		now := o.now()
		j.ID, j.State, j.NextAt, j.CreatedAt, j.UpdatedAt, j.Version = ident.New(), Queued, now, now, now, 1
		if j.MaxAttempts == 0 {
			j.MaxAttempts = o.cfg.MaxAttempts
		}
		if _, ok := o.cfg.Channels[j.Channel]; !ok {
			return n, fmt.Errorf("syndication: no channel %q", j.Channel)
		}
		created, err := o.cfg.Store.InsertJob(ctx, j)
		if err != nil {
			return n, fmt.Errorf("syndication: write the %s job of %s: %w", j.Channel, j.EntryID, err)
		}
		if created {
			n++
		}
	}
	return n, nil
}

// Run runs due jobs every tick until ctx ends.
func (o *Outbox) Run(ctx context.Context, every time.Duration) {
	failing := false
	for {
		next, err := o.RunDue(ctx)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			o.cfg.Logger.Error("the outbox cannot read its jobs; will retry", "err", err)
			failing = true
		case err == nil:
			failing = false
		}
		wait := every
		if !next.IsZero() {
			wait = min(wait, max(time.Until(next), every/10))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// RunDue runs the jobs due now, Workers at a time, and returns when they
// have ended (zero next: no hint when more are due).
func (o *Outbox) RunDue(ctx context.Context) (next time.Time, err error) {
	due, err := o.cfg.Store.DueJobs(ctx, o.now(), 4*o.cfg.Workers)
	if err != nil {
		return time.Time{}, err
	}
	sem := make(chan struct{}, o.cfg.Workers)
	var wg sync.WaitGroup
	for _, j := range due {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			o.runOne(ctx, j)
		})
	}
	wg.Wait()
	if len(due) == 4*o.cfg.Workers {
		next = o.now() // more may be due
	}
	return next, nil
}

// Run is a job being delivered by its lease holder.
type Run struct {
	o   *Outbox
	mu  sync.Mutex
	job Job
}

// Job returns the job as it stands, steps included.
func (r *Run) Job() Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.job
	j.Steps = append([]Step(nil), r.job.Steps...)
	return j
}

// ErrLost is returned by Record when the job was changed by someone else
// (cancelled by an editor, or its lease taken after this runner stalled):
// the delivery must stop.
var ErrLost = errors.New("syndication: the job was changed by someone else")

// Record saves a finished step (a step of the same name is replaced) and
// renews the lease. After it returns nil, a crash resumes after the step.
func (r *Run) Record(ctx context.Context, name, value string) error {
	return r.save(ctx, func(j *Job) {
		for i, s := range j.Steps {
			if s.Name == name {
				j.Steps = append(j.Steps[:i:i], j.Steps[i+1:]...)
				break
			}
		}
		j.Steps = append(j.Steps, Step{Name: name, Value: value, At: r.o.now()})
	})
}

// Forget removes recorded steps (an upload whose id expired).
func (r *Run) Forget(ctx context.Context, names ...string) error {
	return r.save(ctx, func(j *Job) {
		j.Steps = dropSteps(j.Steps, func(name string) bool { return slices.Contains(names, name) })
	})
}

// dropSteps returns steps without those whose name drop reports.
func dropSteps(steps []Step, drop func(name string) bool) []Step {
	kept := steps[:0:0]
	for _, s := range steps {
		if !drop(s.Name) {
			kept = append(kept, s)
		}
	}
	return kept
}

func (r *Run) save(ctx context.Context, change func(*Job)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.job
	j.Steps = append([]Step(nil), r.job.Steps...)
	now := r.o.now()
	j.LeaseUntil = now.Add(r.o.cfg.Lease)
	change(&j)
	j.UpdatedAt, j.Version = now, r.job.Version+1
	if err := r.o.cfg.Store.UpdateJob(ctx, j, r.job.Version); err != nil {
		if fault.Is(err, fault.Conflict) || fault.Is(err, fault.NotFound) {
			return ErrLost
		}
		return fmt.Errorf("syndication: record a step: %w", err)
	}
	r.job = j
	return nil
}

// runOne claims a job with its lease, delivers it and records the end.
func (o *Outbox) runOne(ctx context.Context, j Job) {
	outcome := "lost"
	if o.cfg.Trace != nil {
		var end func(string)
		ctx, end = o.cfg.Trace(ctx, j)
		defer func() { end(outcome) }()
	}
	now := o.now()
	expect := j.Version
	j.LeaseHolder, j.LeaseUntil, j.UpdatedAt, j.Version = o.cfg.Holder, now.Add(o.cfg.Lease), now, j.Version+1
	if err := o.cfg.Store.UpdateJob(ctx, j, expect); err != nil {
		return // another runner took it, or it changed: either way not ours
	}
	run := &Run{o: o, job: j}
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // renew the lease while the delivery runs
		t := time.NewTicker(o.cfg.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-dctx.Done():
				return
			case <-t.C:
				if err := run.save(dctx, func(*Job) {}); errors.Is(err, ErrLost) {
					cancel()
					return
				}
			}
		}
	}()
	began := time.Now()
	out, err := o.deliver(dctx, run)
	if o.cfg.Observe != nil {
		defer func() { o.cfg.Observe(j.Channel, outcome, time.Since(began)) }()
	}
	// A client's error holds the URL it dialled, keys in its query
	// included; editors read the last error, and the log is kept.
	err = redact.Error(err)
	if errors.Is(err, ErrLost) || (err != nil && ctx.Err() != nil) {
		return // someone else has it now, or we are stopping: the lease ends by itself
	}
	cancel()
	logger := o.cfg.Logger.With("job", j.ID, "kind", j.Kind, "entry", j.EntryID, "channel", j.Channel, "action", j.Action)
	serr := run.save(context.WithoutCancel(ctx), func(j *Job) {
		j.LeaseHolder, j.LeaseUntil = "", time.Time{}
		switch {
		case err != nil:
			j.Attempts++
			j.LastError = err.Error()
			if IsFinal(err) || j.Attempts >= j.MaxAttempts {
				j.State, outcome = Failed, "failed"
				logger.Warn("a syndication job failed", "attempts", j.Attempts, "err", err)
				return
			}
			j.NextAt, outcome = o.now().Add(o.backoff(j.Attempts)), "retry"
			logger.Info("a syndication job will be retried", "attempts", j.Attempts, "at", j.NextAt, "err", err)
		case out.State == Queued:
			j.NextAt, outcome = out.Later, "later"
			if out.Note != "" { // why it waits (a daily quota used up)
				j.Note = out.Note
			}
		default:
			j.State, j.LastError, outcome = out.State, "", string(out.State)
			if out.PostURL != "" {
				j.PostURL = out.PostURL
			}
			if out.Note != "" {
				j.Note = out.Note
			}
			logger.Info("a syndication job ended", "state", out.State, "post", out.PostURL)
		}
	})
	if serr != nil {
		outcome = "lost"
	}
	if serr != nil && !errors.Is(serr, ErrLost) {
		logger.Error("the end of a syndication job could not be recorded; it will run again", "err", serr)
	}
}

func (o *Outbox) deliver(ctx context.Context, run *Run) (out Outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("syndication: the %s channel panicked: %v", run.job.Channel, p)
		}
	}()
	ch := o.cfg.Channels[run.job.Channel]
	if ch == nil {
		return Outcome{}, Final(fmt.Errorf("no channel %q is configured", run.job.Channel))
	}
	out, err = ch.Deliver(ctx, run)
	if err == nil && out.State == Queued && out.Later.IsZero() {
		out.Later = o.now().Add(o.cfg.Backoff)
	}
	return out, err
}

// backoff is the wait after the nth failure: Backoff doubled per failure
// up to an hour, the last half of it random so retries spread out.
func (o *Outbox) backoff(n int) time.Duration {
	d := o.cfg.Backoff << min(n-1, 20)
	d = min(d, time.Hour)
	return d/2 + rand.N(d/2+1)
}
