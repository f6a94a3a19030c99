package sitetest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/yinling-cms/yinling/content/syndication"
)

// RunOutbox runs the outbox until no job is due (a Douyin review polls a
// few times).
func (s *Site) RunOutbox() {
	s.T.Helper()
	for range 50 {
		if _, err := s.Outbox.RunDue(context.Background()); err != nil {
			s.T.Fatal(err)
		}
		jobs, err := s.Outbox.List(context.Background(), syndication.JobQuery{State: syndication.Queued})
		if err != nil {
			s.T.Fatal(err)
		}
		if len(jobs) == 0 {
			return
		}
	}
	s.T.Fatal("jobs are still queued")
}

// HookReceiver is a webhook endpoint that checks each delivery with the
// Standard Webhooks reference verifier and keeps the event types.
type HookReceiver struct {
	*httptest.Server
	Secret string
	mu     sync.Mutex
	events []string
	ids    []string
}

func NewHookReceiver(t *testing.T) *HookReceiver {
	h := &HookReceiver{Secret: "whsec_" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("k"), 32))}
	verifier, err := standardwebhooks.NewWebhook(h.Secret)
	if err != nil {
		t.Fatal(err)
	}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := verifier.Verify(body, r.Header); err != nil {
			t.Errorf("a webhook fails the reference verifier: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev struct{ Type string }
		_ = json.Unmarshal(body, &ev)
		h.mu.Lock()
		h.events, h.ids = append(h.events, ev.Type), append(h.ids, r.Header.Get("webhook-id"))
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *HookReceiver) Got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.events...)
}
