package syndication

import (
	"context"
	"strings"

	"github.com/yinling-cms/yinling/content"
)

// Lifecycle is the content.EventSink that delivers lifecycle webhooks:
// each event becomes a job per endpoint that wants it, keyed by the
// item, the event and its key, so telling it twice writes it once.
type Lifecycle struct {
	Outbox   *Outbox
	Webhooks *Webhooks
	BaseURL  string
}

// EventData is a lifecycle webhook's data.
type EventData struct {
	Kind     string `json:"kind"`
	ID       string `json:"id"`
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Revision int64  `json:"revision"`
	URL      string `json:"url"`
}

// Emit implements content.EventSink.
func (l *Lifecycle) Emit(ctx context.Context, e content.Event) error {
	if l.Webhooks == nil || len(l.Webhooks.Endpoints) == 0 {
		return nil
	}
	data := EventData{Kind: e.Kind, ID: e.ID, Slug: e.Slug, Title: e.Title, Revision: e.Revision,
		URL: strings.TrimSuffix(l.BaseURL, "/") + "/" + e.Kind + "/" + e.Slug}
	jobs, err := l.Webhooks.For(e.Kind, e.ID, e.Title, e.Revision, e.Key, Event{Type: e.Type, Timestamp: e.At, Data: data})
	if err != nil {
		return err
	}
	_, err = l.Outbox.Enqueue(ctx, jobs...)
	return err
}
