package admin

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/douyin"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/ground/redact"
)

// jobOut is a syndication job as staff see it (its payload is not shown).
type jobOut struct {
	ID          string             `json:"id"`
	Kind        string             `json:"kind"`
	EntryID     string             `json:"entry_id"`
	Title       string             `json:"title"`
	Channel     string             `json:"channel"`
	Endpoint    string             `json:"endpoint,omitempty"`
	Action      string             `json:"action"`
	Event       string             `json:"event,omitempty"`
	Revision    int64              `json:"revision"`
	State       string             `json:"state"`
	Attempts    int                `json:"attempts"`
	MaxAttempts int                `json:"max_attempts"`
	NextAt      *time.Time         `json:"next_at,omitempty"`
	LastError   string             `json:"last_error,omitempty"`
	Steps       []syndication.Step `json:"steps"`
	PostURL     string             `json:"post_url,omitempty"`
	Note        string             `json:"note,omitempty"`
	DoneBy      string             `json:"done_by,omitempty"`
	Running     bool               `json:"running"`
	PackageURL  string             `json:"package_url,omitempty"`
	CreatedAt   time.Time          `json:"created_at"`
	UpdatedAt   time.Time          `json:"updated_at"`
}

func toJobOut(j syndication.Job) jobOut {
	out := jobOut{ID: j.ID, Kind: j.Kind, EntryID: j.EntryID, Title: j.Title, Channel: j.Channel, Endpoint: j.Endpoint, Action: j.Action,
		Event: j.Event, Revision: j.Revision, State: string(j.State), Attempts: j.Attempts, MaxAttempts: j.MaxAttempts,
		LastError: redact.URLs(j.LastError), Steps: j.Steps, PostURL: j.PostURL, Note: j.Note, DoneBy: j.DoneBy,
		Running: j.State == syndication.Queued && j.LeaseUntil.After(time.Now()), CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt}
	if out.Steps == nil {
		out.Steps = []syndication.Step{}
	}
	if j.State == syndication.Queued {
		out.NextAt = &j.NextAt
	}
	if syndication.ByHand(j) {
		out.PackageURL = "/api/admin/v1/jobs/" + j.ID + "/package"
	}
	return out
}

func (h *handlers) outbox() (*syndication.Outbox, error) {
	if h.d.Outbox == nil {
		return nil, errNoOutbox
	}
	return h.d.Outbox, nil
}

// listJobs is GET /jobs (?state=, ?kind=, ?entry=): newest first, at most
// 200 (the dashboard's failed jobs: ?state=failed).
func (h *handlers) listJobs(c *fiber.Ctx) error {
	o, err := h.outbox()
	if err != nil {
		return err
	}
	q, err := httpx.QueryParams(c, "state", "kind", "entry")
	if err != nil {
		return err
	}
	st := syndication.State(q["state"])
	switch st {
	case "", syndication.Queued, syndication.WaitingPerson, syndication.Done, syndication.Failed, syndication.Cancelled:
	default:
		return fault.Fields(fault.FieldError{Field: "state", Message: "one of queued, waiting_person, done, failed, cancelled"})
	}
	jobs, err := o.List(c.UserContext(), syndication.JobQuery{State: st, Kind: q["kind"], EntryID: q["entry"]})
	if err != nil {
		return err
	}
	jobs = withoutSMS(jobs)
	out := httpx.List[jobOut]{Items: make([]jobOut, len(jobs))}
	for i, j := range jobs {
		out.Items[i] = toJobOut(j)
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

func (h *handlers) getJob(c *fiber.Ctx) error {
	o, err := h.outbox()
	if err != nil {
		return err
	}
	j, err := jobOutsideSMS(c.UserContext(), o, c.Params("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toJobOut(j))
}

// jobAction is POST /jobs/{id}/{retry|cancel|done}; done takes
// {"post_url", "note"}.
func (h *handlers) jobAction(c *fiber.Ctx) error {
	o, err := h.outbox()
	if err != nil {
		return err
	}
	var body jobActionIn
	if c.Get(fiber.HeaderContentType) != "" { // retry and cancel need no body
		if err := httpx.DecodeJSON(c, &body); err != nil {
			return err
		}
	}
	ctx, id, by := c.UserContext(), c.Params("id"), currentUser(c).Username
	if _, err := jobOutsideSMS(ctx, o, id); err != nil {
		return err
	}
	var j syndication.Job
	action := c.Params("action")
	switch action {
	case "retry":
		j, err = o.Retry(ctx, id, by)
	case "cancel":
		j, err = o.Cancel(ctx, id, by)
	case "done":
		j, err = o.MarkDone(ctx, id, body.PostURL, body.Note, by)
	case "confirm": // a step the job waits for a person to confirm (the 公众号's 群发)
		j, err = o.Confirm(ctx, id, by)
	default:
		return fault.New(fault.NotFound, "no such action; one of retry, cancel, done, confirm")
	}
	if err != nil {
		return err
	}
	if err := h.audited(c, audit.JobChanged, "jobs:"+j.ID, action+" "+j.Channel+" "+j.Kind+":"+j.EntryID); err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toJobOut(j))
}

// jobPackage is GET /jobs/{id}/package: the publishing package of a post
// made by hand (视频号; Douyin without its app), a zip streamed from the
// object store.
func (h *handlers) jobPackage(c *fiber.Ctx) error {
	o, err := h.outbox()
	if err != nil {
		return err
	}
	j, err := jobOutsideSMS(c.UserContext(), o, c.Params("id"))
	if err != nil {
		return err
	}
	if h.d.Packages == nil {
		return errNoOutbox
	}
	pkg, err := h.d.Packages.Prepare(c.UserContext(), j)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+strings.ReplaceAll(j.Channel, "_", "-")+`-`+j.EntryID+`.zip"`)
	timeout := h.d.UploadTimeout
	if timeout <= 0 {
		timeout = time.Hour
	}
	httpx.StreamBody(c, func(w *bufio.Writer) {
		// The handler has returned: the stream has its own deadline.
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := pkg.Write(ctx, w); err != nil {
			slog.Default().Warn("a publishing package was cut short", "job", j.ID, "err", err)
		}
		_ = w.Flush()
	})
	return nil
}

// channelsOut is what administrators see of the channels.
type channelsOut struct {
	Douyin   *douyinOut    `json:"douyin"`
	Webhooks []endpointOut `json:"webhooks"`
}

type douyinOut struct {
	Authorized   bool           `json:"authorized"`
	AuthorizeURL string         `json:"authorize_url"`
	Expiry       *douyin.Expiry `json:"expiry,omitempty"`
	OpenID       string         `json:"open_id,omitempty"`
}

type endpointOut struct {
	Name   string   `json:"name"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// listChannels is GET /channels: the Douyin account's expiry (warn:
// within 14 days a person must authorise again) and the webhook
// endpoints, secrets never shown.
func (h *handlers) listChannels(c *fiber.Ctx) error {
	out := channelsOut{Webhooks: []endpointOut{}}
	if h.d.Douyin != nil {
		d := &douyinOut{AuthorizeURL: h.d.Douyin.AuthorizeURL(h.d.BaseURL+"/admin/channels/douyin", oauthState(currentSession(c), time.Now()))}
		a, err := h.d.Douyin.Account(c.UserContext())
		switch {
		case err == nil:
			e := douyin.ExpiryOf(a, time.Now())
			d.Authorized, d.Expiry, d.OpenID = true, &e, a.OpenID
		case !fault.Is(err, fault.NotFound):
			return err
		}
		out.Douyin = d
	}
	if h.d.Webhooks != nil {
		for _, e := range h.d.Webhooks.Endpoints {
			ev := e.Events
			if ev == nil {
				ev = []string{"*"}
			}
			out.Webhooks = append(out.Webhooks, endpointOut{Name: e.Name, URL: e.URL, Events: ev})
		}
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

// oauthStateLife is how long an authorisation started from the channels
// page may take.
const oauthStateLife = time.Hour

// oauthState is the OAuth state of an authorisation the session starts:
// its expiry, a random nonce (each state is new, so using one leaves the
// next free) and an HMAC of both keyed by the session's CSRF secret, so a
// code arriving with it was asked for by this session (a link someone
// else sends, carrying their own code, is refused: OAuth's login CSRF).
func oauthState(s account.Session, now time.Time) string {
	exp := strconv.FormatInt(now.Add(oauthStateLife).Unix(), 10) + "." + ident.New()
	return exp + "." + oauthMAC(s, exp)
}

func oauthMAC(s account.Session, exp string) string {
	m := hmac.New(sha256.New, []byte(s.CSRF))
	fmt.Fprintf(m, "douyin-oauth\n%s\n%s", s.ID, exp)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validOAuthState checks a state oauthState made for this session and
// returns when it expires.
func validOAuthState(s account.Session, state string, now time.Time) (time.Time, bool) {
	i := strings.LastIndexByte(state, '.')
	if i < 0 {
		return time.Time{}, false
	}
	exp, mac := state[:i], state[i+1:]
	secs, _, _ := strings.Cut(exp, ".")
	n, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || now.Unix() > n || s.CSRF == "" {
		return time.Time{}, false
	}
	return time.Unix(n, 0), hmac.Equal([]byte(mac), []byte(oauthMAC(s, exp)))
}

// authorizeDouyin is POST /channels/douyin/authorize {"code", "state"}:
// the code Douyin's authorisation page gave, exchanged for the account's
// tokens, when the state is the one this session's channels page put in
// the authorisation link.
func (h *handlers) authorizeDouyin(c *fiber.Ctx) error {
	if h.d.Douyin == nil {
		return fault.New(fault.NotFound, "Douyin is not set up on this server (YINLING_DOUYIN_CLIENT_KEY)")
	}
	var body douyinAuthIn
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	until, ok := validOAuthState(currentSession(c), body.State, time.Now())
	if !ok {
		return fault.Fields(fault.FieldError{Field: "state", Message: "this authorisation was not started from this session (or over an hour ago); start it again from the channels page"})
	}
	// One authorisation per state, taken before the code is sent on: a
	// replay, or the same request twice at once, is refused.
	if err := h.d.Douyin.UseState(c.UserContext(), body.State, until); err != nil {
		return err
	}
	a, err := h.d.Douyin.Authorize(c.UserContext(), body.Code)
	if err != nil {
		if fe := fault.As(err); fe != nil && fe.Kind != fault.Internal {
			return err
		}
		if syndication.IsFinal(err) {
			return fault.Wrap(fault.Invalid, err, "Douyin refused the code; open the authorisation page again")
		}
		return fault.Wrap(fault.Unavailable, err, "Douyin did not answer; try again")
	}
	if err := h.audited(c, audit.ChannelAuthorized, "channels:douyin", "open_id "+a.OpenID); err != nil {
		return err
	}
	e := douyin.ExpiryOf(a, time.Now())
	return httpx.WriteJSON(c, fiber.StatusOK, douyinOut{Authorized: true, Expiry: &e, OpenID: a.OpenID})
}

// audited records what the signed-in user did in the audit log.
func (h *handlers) audited(c *fiber.Ctx, action audit.Action, target, detail string) error {
	a := actor(c)
	return h.d.Audit.Append(c.UserContext(), audit.Entry{ID: ident.New(), At: time.Now().UTC(), ActorID: a.ID, Actor: a.Name,
		Address: a.Address, Action: action, Target: target, Detail: detail})
}

// jobActionIn is a job step's optional body (done: the post's URL).
type jobActionIn struct {
	PostURL string `json:"post_url"`
	Note    string `json:"note"`
}

// douyinAuthIn is what Douyin's authorisation page handed back.
type douyinAuthIn struct {
	Code  string `json:"code"`
	State string `json:"state"`
}
