package syndication

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/redact"
)

// Endpoint is a receiver of webhooks.
type Endpoint struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// Secret signs the deliveries: "whsec_" and the base64 of at least 24
	// random bytes, as Standard Webhooks writes it.
	Secret string `json:"secret"`
	// Events it receives: exact types ("story.published"), prefixes
	// ("lecture.*") or "*"; none means every event.
	Events []string `json:"events"`
}

// Wants reports whether the endpoint receives events of this type.
func (e Endpoint) Wants(event string) bool {
	if len(e.Events) == 0 {
		return true
	}
	for _, w := range e.Events {
		if w == "*" || w == event || (strings.HasSuffix(w, ".*") && strings.HasPrefix(event, strings.TrimSuffix(w, "*"))) {
			return true
		}
	}
	return false
}

// ParseEndpoints reads endpoints from JSON (YINLING_WEBHOOKS) and checks
// each: a unique name, an http(s) URL, a secret of the Standard Webhooks
// form.
func ParseEndpoints(text string) ([]Endpoint, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var eps []Endpoint
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&eps); err != nil {
		return nil, fmt.Errorf("webhooks: not a JSON list of {name, url, secret, events}: %w", err)
	}
	seen := map[string]bool{}
	for _, e := range eps {
		u, err := url.Parse(e.URL)
		switch {
		case e.Name == "" || seen[e.Name]:
			return nil, fmt.Errorf("webhooks: each endpoint needs a name of its own (%q)", e.Name)
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			return nil, fmt.Errorf("webhooks: endpoint %q: %q is not an http(s) URL", e.Name, e.URL)
		}
		if key, err := secretKey(e.Secret); err != nil || len(key) < 24 {
			return nil, fmt.Errorf("webhooks: endpoint %q: the secret must be whsec_ and the base64 of at least 24 random bytes", e.Name)
		}
		seen[e.Name] = true
	}
	return eps, nil
}

func secretKey(secret string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
}

// Event is a webhook's body (the Standard Webhooks payload shape).
type Event struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// Webhooks is the webhook channel: it POSTs a job's payload, as JSON, to
// the job's endpoint, signed as Standard Webhooks specifies: headers
// webhook-id (the job's id: the idempotency key a receiver deduplicates
// on, the same on every retry), webhook-timestamp (Unix seconds) and
// webhook-signature ("v1," and the base64 HMAC-SHA256 of
// "id.timestamp.body" under the endpoint's secret). A 2xx answer is
// delivered; 408, 429 and 5xx are retried; any other answer is final.
// Redirects are not followed.
type Webhooks struct {
	Endpoints []Endpoint
	Client    *http.Client // nil: 30-second time-out, no redirects
	Clock     func() time.Time
}

// For returns a job per endpoint that wants the event, for the entry.
func (w *Webhooks) For(kind, entryID, title string, revision int64, keySuffix string, ev Event) ([]Job, error) {
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("syndication: encode the %s event: %w", ev.Type, err)
	}
	var jobs []Job
	for _, e := range w.Endpoints {
		if !e.Wants(ev.Type) {
			continue
		}
		jobs = append(jobs, Job{Key: fmt.Sprintf("%s/%s/webhook:%s/%s/%s", kind, entryID, e.Name, ev.Type, keySuffix), Kind: kind,
			EntryID: entryID, Title: title, Channel: ChannelWebhook, Endpoint: e.Name, Action: ActionNotify, Event: ev.Type,
			Revision: revision, Payload: body})
	}
	return jobs, nil
}

// ChannelWebhook is the webhook channel's name.
const ChannelWebhook = "webhook"

// Sign returns the webhook-signature of a delivery.
func Sign(secret, id string, ts int64, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", fmt.Errorf("syndication: the webhook secret is not base64: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, ts)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// Deliver implements Channel.
func (w *Webhooks) Deliver(ctx context.Context, run *Run) (Outcome, error) {
	j := run.Job()
	var ep *Endpoint
	for i := range w.Endpoints {
		if w.Endpoints[i].Name == j.Endpoint {
			ep = &w.Endpoints[i]
		}
	}
	if ep == nil {
		return Outcome{}, Final(fmt.Errorf("the webhook endpoint %q is no longer configured", j.Endpoint))
	}
	now := time.Now
	if w.Clock != nil {
		now = w.Clock
	}
	ts := now().Unix()
	sig, err := Sign(ep.Secret, j.ID, ts, j.Payload)
	if err != nil {
		return Outcome{}, Final(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(j.Payload))
	if err != nil {
		return Outcome{}, Final(fmt.Errorf("webhook %q: %w", ep.Name, redact.Error(err)))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Yinling-Webhooks/1")
	req.Header.Set("webhook-id", j.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	req.Header.Set("Idempotency-Key", j.ID)
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := client.Do(req)
	if err != nil {
		return Outcome{}, fmt.Errorf("webhook %q: %w", ep.Name, redact.Error(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return Outcome{State: Done}, nil
	case c == http.StatusRequestTimeout || c == http.StatusTooManyRequests || c >= 500:
		return Outcome{}, fmt.Errorf("webhook %q answered %s", ep.Name, resp.Status)
	default:
		return Outcome{}, Final(fmt.Errorf("webhook %q answered %s", ep.Name, resp.Status))
	}
}
