package telemetry

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/syndication"
)

// Registrations counts registrations by how they ended; its Observe is
// lectures.Config.Observe.
type Registrations struct{ c *prometheus.CounterVec }

// NewRegistrations registers yinling_registrations_total in reg.
func NewRegistrations(reg prometheus.Registerer) *Registrations {
	r := &Registrations{c: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yinling_registrations_total",
		Help: "Registrations for sessions sent through the content API or the website, by outcome (confirmed, waitlisted, refused: closed or full, invalid, not_found, error).",
	}, []string{"outcome"})}
	for _, o := range []string{"confirmed", "waitlisted", "refused"} {
		r.c.WithLabelValues(o) // shown at 0 from the start, so rate() sees the first one
	}
	reg.MustRegister(r.c)
	return r
}

// Observe counts one registration.
func (r *Registrations) Observe(outcome string) { r.c.WithLabelValues(outcome).Inc() }

// Workers times the background jobs' runs; Observe(name) is a
// worker.Worker's Observe.
type Workers struct {
	late, took *prometheus.HistogramVec
	last       *prometheus.GaugeVec
	runs       *prometheus.CounterVec
}

// NewWorkers registers yinling_worker_lateness_seconds,
// yinling_worker_run_duration_seconds, yinling_worker_runs_total and
// yinling_worker_last_success_timestamp_seconds (each by worker: the
// label is not "job", which Prometheus gives every target) in reg.
func NewWorkers(reg prometheus.Registerer) *Workers {
	w := &Workers{
		late: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "yinling_worker_lateness_seconds",
			Help:    "How late a background job's run began after its work was due (worker=\"scheduler\": scheduled publishing), on the instance holding its lease.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300},
		}, []string{"worker"}),
		took: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "yinling_worker_run_duration_seconds",
			Help:    "Time of a background job's run, by worker.",
			Buckets: []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 120, 600},
		}, []string{"worker"}),
		last: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "yinling_worker_last_success_timestamp_seconds",
			Help: "When a background job last ran without error on this instance (unix seconds); take the max over instances, one holds the lease.",
		}, []string{"worker"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yinling_worker_runs_total",
			Help: "Runs of a background job on this instance, by worker and outcome (ok, error).",
		}, []string{"worker", "outcome"}),
	}
	reg.MustRegister(w.late, w.took, w.last, w.runs)
	return w
}

// Observe is the hook of the job named name.
func (w *Workers) Observe(name string) func(late, took time.Duration, err error) {
	return func(late, took time.Duration, err error) {
		w.late.WithLabelValues(name).Observe(late.Seconds())
		w.took.WithLabelValues(name).Observe(took.Seconds())
		w.runs.WithLabelValues(name, outcome(err)).Inc()
		if err == nil {
			w.last.WithLabelValues(name).SetToCurrentTime()
		}
	}
}

// Search times searches and tells the index's lag.
type Search struct {
	took  *prometheus.HistogramVec
	lagOf func() time.Duration
}

// NewSearch registers yinling_search_duration_seconds (by outcome) and
// yinling_search_index_lag_seconds in reg; lag tells how far the index is
// behind the store (nil or not yet running: 0).
func NewSearch(reg prometheus.Registerer, lag func() time.Duration) *Search {
	s := &Search{took: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "yinling_search_duration_seconds",
		Help:    "Time to answer a search (the answer cache's hits included), by outcome (ok, error).",
		Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
	}, []string{"outcome"}), lagOf: lag}
	reg.MustRegister(s.took, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "yinling_search_index_lag_seconds",
		Help: "How long the search index has been behind the store's changes on this instance (0: caught up).",
	}, func() float64 {
		if s.lagOf == nil {
			return 0
		}
		return s.lagOf().Seconds()
	}))
	return s
}

// Index wraps x so its searches are timed; the rest goes to x as it is.
func (s *Search) Index(x search.Index) search.Index { return timedIndex{Index: x, took: s.took} }

type timedIndex struct {
	search.Index
	took *prometheus.HistogramVec
}

func (t timedIndex) Search(ctx context.Context, q search.Query) (search.Results, error) {
	began := time.Now()
	r, err := t.Index.Search(ctx, q)
	t.took.WithLabelValues(outcome(err)).Observe(time.Since(began).Seconds())
	return r, err
}

// Compact compacts the index underneath (search.Compact looks through
// the wrappers it knows, not this one).
func (t timedIndex) Compact(ctx context.Context) error { return search.Compact(ctx, t.Index) }

// Outbox reports the syndication outbox: the runs of jobs this instance
// made (Observe, syndication.Config.Observe), and at each scrape the open
// jobs and the age of the longest-due one, read from the store.
type Outbox struct {
	runs    *prometheus.CounterVec
	took    *prometheus.HistogramVec
	store   syndication.Store
	now     func() time.Time
	open    *prometheus.Desc
	oldest  *prometheus.Desc
	timeout time.Duration
}

// openCountLimit bounds the jobs a scrape counts per state: a count of
// this many means "at least".
const openCountLimit = 1000

// NewOutbox registers the outbox's figures in reg:
// yinling_outbox_job_runs_total (by channel and outcome),
// yinling_outbox_delivery_duration_seconds (by channel), and, read from
// store at each scrape, yinling_outbox_jobs (open jobs by channel and
// state: queued, waiting_person; up to 1000 each) and
// yinling_outbox_oldest_due_job_age_seconds (0: none due).
func NewOutbox(reg prometheus.Registerer, store syndication.Store, now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	o := &Outbox{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yinling_outbox_job_runs_total",
			Help: "Runs of outbox jobs on this instance, by channel and outcome (done, waiting_person, later, retry, failed, lost).",
		}, []string{"channel", "outcome"}),
		took: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "yinling_outbox_delivery_duration_seconds",
			Help:    "Time of one run of an outbox job's delivery, by channel.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900},
		}, []string{"channel"}),
		store:   store,
		now:     now,
		open:    prometheus.NewDesc("yinling_outbox_jobs", "Open outbox jobs in the store, by channel and state (queued, waiting_person); counted up to 1000 per state.", []string{"channel", "state"}, nil),
		oldest:  prometheus.NewDesc("yinling_outbox_oldest_due_job_age_seconds", "How long the longest-due queued job has been due and not run (0: none due).", nil, nil),
		timeout: 5 * time.Second,
	}
	reg.MustRegister(o.runs, o.took, o)
	return o
}

// Channels shows the runs of each channel named at 0 from the start (a
// first failure is then an increase an alert sees).
func (o *Outbox) Channels(names ...string) {
	for _, n := range names {
		for _, outcome := range []string{"done", "failed"} {
			o.runs.WithLabelValues(n, outcome)
		}
	}
}

// Observe counts one run of a job.
func (o *Outbox) Observe(channel, outcome string, took time.Duration) {
	o.runs.WithLabelValues(channel, outcome).Inc()
	o.took.WithLabelValues(channel).Observe(took.Seconds())
}

// Describe implements prometheus.Collector.
func (o *Outbox) Describe(ch chan<- *prometheus.Desc) {
	ch <- o.open
	ch <- o.oldest
}

// Collect implements prometheus.Collector: it reads the store (a store
// that does not answer within 5 s leaves the figures out and says so).
func (o *Outbox) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	now := o.now()
	due, err := o.store.DueJobs(ctx, now, 1)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(o.oldest, err)
		return
	}
	age := 0.0
	if len(due) > 0 {
		age = max(now.Sub(due[0].NextAt).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(o.oldest, prometheus.GaugeValue, age)
	for _, state := range []syndication.State{syndication.Queued, syndication.WaitingPerson} {
		jobs, err := o.store.ListJobs(ctx, syndication.JobQuery{State: state, Limit: openCountLimit})
		if err != nil {
			ch <- prometheus.NewInvalidMetric(o.open, err)
			return
		}
		by := map[string]int{}
		for _, j := range jobs {
			by[j.Channel]++
		}
		for channel, n := range by {
			ch <- prometheus.MustNewConstMetric(o.open, prometheus.GaugeValue, float64(n), channel, string(state))
		}
	}
}

// Backups reports the scheduled backups at each scrape, read from where
// their outcomes are recorded (the same on every instance).
type Backups struct {
	last         func(ctx context.Context) (made, failed time.Time, err error)
	made, failed *prometheus.Desc
	timeout      time.Duration
}

// NewBackups registers yinling_backup_last_success_timestamp_seconds and
// yinling_backup_last_failure_timestamp_seconds (unix seconds; 0: none
// yet) in reg; last answers when the newest backup was made and when the
// newest one failed.
func NewBackups(reg prometheus.Registerer, last func(ctx context.Context) (made, failed time.Time, err error)) {
	reg.MustRegister(&Backups{last: last, timeout: 5 * time.Second,
		made:   prometheus.NewDesc("yinling_backup_last_success_timestamp_seconds", "When the newest scheduled backup was made, written and checked (unix seconds; 0: none yet).", nil, nil),
		failed: prometheus.NewDesc("yinling_backup_last_failure_timestamp_seconds", "When the newest scheduled backup failed (unix seconds; 0: none has).", nil, nil)})
}

// Describe implements prometheus.Collector.
func (b *Backups) Describe(ch chan<- *prometheus.Desc) {
	ch <- b.made
	ch <- b.failed
}

// Collect implements prometheus.Collector.
func (b *Backups) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	made, failed, err := b.last(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(b.made, err)
		return
	}
	unix := func(t time.Time) float64 {
		if t.IsZero() {
			return 0
		}
		return float64(t.UnixMilli()) / 1000
	}
	ch <- prometheus.MustNewConstMetric(b.made, prometheus.GaugeValue, unix(made))
	ch <- prometheus.MustNewConstMetric(b.failed, prometheus.GaugeValue, unix(failed))
}
