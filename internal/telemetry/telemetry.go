// Package telemetry is what GET /metrics reports beside the HTTP
// surfaces' own figures: the registry (Go runtime and process
// collectors on it), the timing of calls to the database and the
// object store, search, the outbox, the background jobs and
// registrations. The domain tells of its events through plain hooks
// (funcs in its Config); this package turns them into Prometheus
// metrics, so the domain does not import the client library. One
// registry per site, passed through the assembly: no global default
// registry.
package telemetry

import (
	"cmp"
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.mongodb.org/mongo-driver/v2/event"
)

// NewRegistry makes a registry with the Go runtime's figures (heap, GC,
// goroutines, the memory limit in force: go_gc_gomemlimit_bytes) and
// the process's (resident memory, CPU, open files).
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(collectors.MetricsGC, collectors.MetricsMemory, collectors.MetricsScheduler)),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// callBuckets are the bounds of the store call histograms, in seconds: a
// cached SQLite read takes tens of microseconds, a MongoDB round trip a
// millisecond or more, an object-store transfer up to minutes.
var callBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60}

// Stores times the calls to the database and the object store, and
// hands each database call, with its context, to a tracer when one is
// set (TraceCalls).
type Stores struct {
	db, objects *prometheus.HistogramVec
	trace       atomic.Pointer[CallTracer]
}

// CallTracer is told of each database call with its context: the store
// ("sqlite", "mongodb"), the operation, how long it took and its error.
// tracing.Tracer.DBCall is one.
type CallTracer func(ctx context.Context, store, op string, took time.Duration, err error)

// TraceCalls hands every database call from now on to f as well.
func (s *Stores) TraceCalls(f CallTracer) { s.trace.Store(&f) }

func (s *Stores) traced(ctx context.Context, store, op string, took time.Duration, err error) {
	if f := s.trace.Load(); f != nil && ctx != nil {
		(*f)(ctx, store, op, took, err)
	}
}

// NewStores registers yinling_db_call_duration_seconds (by store,
// operation and outcome) and yinling_object_store_call_duration_seconds
// (by operation and outcome) in reg.
func NewStores(reg prometheus.Registerer) *Stores {
	s := &Stores{
		db: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "yinling_db_call_duration_seconds",
			Help:    "Time of a call to the database, by store (sqlite, mongodb), operation (the statement's first word, or the command's name) and outcome (ok, error).",
			Buckets: callBuckets,
		}, []string{"store", "op", "outcome"}),
		objects: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "yinling_object_store_call_duration_seconds",
			Help:    "Time of a call to the object store, by operation and outcome (ok, error); a get is timed until its reader is handed over.",
			Buckets: callBuckets,
		}, []string{"op", "outcome"}),
	}
	reg.MustRegister(s.db, s.objects)
	return s
}

func outcome(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

// SQL is the observer sqlstore.WithObserver takes.
func (s *Stores) SQL(ctx context.Context, op string, took time.Duration, err error) {
	s.db.WithLabelValues("sqlite", op, outcome(err)).Observe(took.Seconds())
	s.traced(ctx, "sqlite", op, took, err)
}

// mongoCommands are the commands Yinling sends, named as they are; any
// other (the handshake's, the driver's own) is "other".
var mongoCommands = map[string]bool{"find": true, "insert": true, "update": true, "delete": true, "aggregate": true,
	"findAndModify": true, "count": true, "distinct": true, "getMore": true, "createIndexes": true, "ping": true,
	"commitTransaction": true, "abortTransaction": true, "listCollections": true, "drop": true, "killCursors": true}

// errFailed stands for a failed command's missing failure.
var errFailed = errors.New("the command failed")

// MongoMonitor is the command monitor mongostore.Connect takes.
func (s *Stores) MongoMonitor() *event.CommandMonitor {
	name := func(n string) string {
		if mongoCommands[n] {
			return n
		}
		return "other"
	}
	return &event.CommandMonitor{
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
			op := name(e.CommandName)
			s.db.WithLabelValues("mongodb", op, "ok").Observe(e.Duration.Seconds())
			s.traced(ctx, "mongodb", op, e.Duration, nil)
		},
		Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
			op := name(e.CommandName)
			s.db.WithLabelValues("mongodb", op, "error").Observe(e.Duration.Seconds())
			s.traced(ctx, "mongodb", op, e.Duration, cmp.Or(e.Failure, errFailed))
		},
	}
}
