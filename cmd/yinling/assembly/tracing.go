package assembly

import (
	"context"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/telemetry"
	"github.com/yinling-cms/yinling/internal/tracing"
)

// wireTracing starts the tracer when an OTLP endpoint is configured (nil
// otherwise: nothing traces, no middleware is installed) and hands it
// the database's calls.
func (s *Site) wireTracing(cfg config.Config, calls *telemetry.Stores, tune tracing.Config) error {
	if cfg.OTLPEndpoint == "" {
		return nil
	}
	t, err := tracing.New(tracing.Config{Endpoint: cfg.OTLPEndpoint, Headers: cfg.OTLPHeaders, SampleRatio: cfg.TraceSample,
		Instance: s.Holder, Metrics: s.Metrics, Logger: s.logger,
		Interval: tune.Interval, BatchSpans: tune.BatchSpans, MaxQueueSpans: tune.MaxQueueSpans, MaxQueueBytes: tune.MaxQueueBytes,
		ExportTimeout: tune.ExportTimeout, RetryWait: tune.RetryWait})
	if err != nil {
		return err
	}
	s.tracer = t
	calls.TraceCalls(t.DBCall)
	return nil
}

// traceRequests is the request middleware's maker api.Deps takes (nil
// with tracing off).
func (s *Site) traceRequests(baseURL string) func(route func(*fiber.Ctx) string) fiber.Handler {
	if s.tracer == nil {
		return nil
	}
	host := ""
	if u, err := url.Parse(baseURL); err == nil {
		host = u.Hostname()
	}
	return func(route func(*fiber.Ctx) string) fiber.Handler { return s.tracer.Requests(host, route) }
}

// traceJobs is the outbox's Trace hook (nil with tracing off): each run
// of a job is a CONSUMER span, the root of a trace of its own, named
// "process {channel}" as the messaging conventions name a process span
// by its operation and destination, with the job's database calls under
// it. Its attributes: messaging.operation.type "process",
// messaging.destination.name and yinling.channel (the channel),
// messaging.message.id and yinling.job.id (the job), yinling.job.kind,
// yinling.job.action, yinling.job.attempt (this run's number) and
// yinling.job.outcome (done, retry, failed, later, waiting_person,
// lost); retry and failed are errors.
func (s *Site) traceJobs() func(ctx context.Context, j syndication.Job) (context.Context, func(string)) {
	t := s.tracer
	if t == nil {
		return nil
	}
	return func(ctx context.Context, j syndication.Job) (context.Context, func(string)) {
		ctx, span := t.Start(ctx, "process "+j.Channel, tracing.Consumer,
			tracing.String("messaging.operation.type", "process"), tracing.String("messaging.operation.name", "process"),
			tracing.String("messaging.destination.name", j.Channel), tracing.String("messaging.message.id", j.ID),
			tracing.String("yinling.channel", j.Channel), tracing.String("yinling.job.id", j.ID),
			tracing.String("yinling.job.kind", j.Kind), tracing.String("yinling.job.action", j.Action),
			tracing.Int("yinling.job.attempt", int64(j.Attempts+1)))
		return ctx, func(outcome string) {
			span.Set(tracing.String("yinling.job.outcome", outcome))
			if outcome == "retry" || outcome == "failed" {
				span.Set(tracing.String("error.type", outcome))
				span.Fail("the delivery failed (" + outcome + ", attempt " + strconv.Itoa(j.Attempts+1) + ")")
			}
			span.End()
		}
	}
}
