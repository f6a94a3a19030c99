package api

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/fault"
)

type revisionOut struct {
	Number     int64           `json:"number"`
	AuthorID   string          `json:"author_id"`
	AuthorName string          `json:"author_name"`
	At         time.Time       `json:"at"`
	Note       string          `json:"note"`
	Published  bool            `json:"published"`
	Fields     json.RawMessage `json:"fields,omitempty"`
}

func toRevisionOut(r content.Revision, withFields bool) revisionOut {
	out := revisionOut{Number: r.Number, AuthorID: r.AuthorID, AuthorName: r.AuthorName, At: r.At, Note: r.Note, Published: r.Published}
	if withFields {
		out.Fields = r.Snapshot
	}
	return out
}

func revisionNumber(c *fiber.Ctx, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || n < 1 {
		return 0, fault.New(fault.NotFound, "no such revision")
	}
	return n, nil
}

func (h *handlers) listStoryRevisions(c *fiber.Ctx) error {
	revs, err := h.d.Stories.Revisions(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	out := listOut[revisionOut]{Items: make([]revisionOut, len(revs))}
	for i, r := range revs {
		out.Items[i] = toRevisionOut(r, false)
	}
	return writeJSON(c, fiber.StatusOK, out)
}

func (h *handlers) getStoryRevision(c *fiber.Ctx) error {
	n, err := revisionNumber(c, "n")
	if err != nil {
		return err
	}
	r, err := h.d.Stories.Revision(c.UserContext(), c.Params("id"), n)
	if err != nil {
		return err
	}
	return writeJSON(c, fiber.StatusOK, toRevisionOut(r, true))
}

type fieldChangeOut struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

type diffLineOut struct {
	Op   string `json:"op"` // " ", "+" or "-"
	Text string `json:"text"`
}

type comparisonOut struct {
	From   revisionOut      `json:"from"`
	To     revisionOut      `json:"to"`
	Fields []fieldChangeOut `json:"fields"`
	Body   []diffLineOut    `json:"body"`
}

// compareStoryRevisions answers ?from=N&to=M: the changed fields and a
// line diff of the Markdown.
func (h *handlers) compareStoryRevisions(c *fiber.Ctx) error {
	var from, to int64
	var errs []fault.FieldError
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		n, err := strconv.ParseInt(string(v), 10, 64)
		bad := err != nil || n < 1
		switch string(k) {
		case "from":
			from = n
		case "to":
			to = n
		default:
			errs = append(errs, fault.FieldError{Field: string(k), Message: "unknown query parameter; allowed: from, to"})
			return
		}
		if bad {
			errs = append(errs, fault.FieldError{Field: string(k), Message: "must be a revision number"})
		}
	})
	if from == 0 || to == 0 {
		errs = append(errs, fault.FieldError{Field: "from", Message: "give both from and to"})
	}
	if len(errs) > 0 {
		return fault.Fields(errs...)
	}
	cmp, err := h.d.Stories.Compare(c.UserContext(), c.Params("id"), from, to)
	if err != nil {
		return err
	}
	out := comparisonOut{From: toRevisionOut(cmp.From, false), To: toRevisionOut(cmp.To, false),
		Fields: []fieldChangeOut{}, Body: []diffLineOut{}}
	for _, f := range cmp.Fields {
		out.Fields = append(out.Fields, fieldChangeOut(f))
	}
	for _, l := range cmp.Body {
		out.Body = append(out.Body, diffLineOut{Op: string(l.Op), Text: l.Text})
	}
	return writeJSON(c, fiber.StatusOK, out)
}

func (h *handlers) restoreStoryRevision(c *fiber.Ctx) error {
	n, err := revisionNumber(c, "n")
	if err != nil {
		return err
	}
	_, v, err := stepBody(c, true)
	if err != nil {
		return err
	}
	s, err := h.d.Stories.RestoreRevision(c.UserContext(), editor(c), c.Params("id"), v, n)
	if err != nil {
		return err
	}
	return h.writeStory(c, fiber.StatusOK, s)
}

// storyHistory lists the workflow events of a story (from the audit log).
func (h *handlers) storyHistory(c *fiber.Ctx) error {
	id := c.Params("id")
	if _, err := h.d.Stories.Get(c.UserContext(), id); err != nil {
		return err
	}
	entries, err := h.d.Audit.List(c.UserContext(), auditQueryFor(content.KindStories+":"+id))
	if err != nil {
		return err
	}
	out := listOut[auditOut]{Items: []auditOut{}}
	for _, e := range entries {
		out.Items = append(out.Items, toAuditOut(e))
	}
	return writeJSON(c, fiber.StatusOK, out)
}

type lockIn struct {
	Takeover bool `json:"takeover"`
}

type lockOut struct {
	HolderID      string     `json:"holder_id"`
	HolderName    string     `json:"holder_name"`
	ExpiresAt     time.Time  `json:"expires_at"`
	Mine          bool       `json:"mine"`
	TakenFromName string     `json:"taken_from_name,omitempty"`
	TakenAt       *time.Time `json:"taken_at,omitempty"`
}

func toLockOut(l content.Lock, me string) lockOut {
	return lockOut{HolderID: l.HolderID, HolderName: l.HolderName, ExpiresAt: l.ExpiresAt, Mine: l.HolderID == me,
		TakenFromName: l.TakenFromName, TakenAt: l.TakenAt}
}

// getStoryLock says who is editing the story (404: nobody).
func (h *handlers) getStoryLock(c *fiber.Ctx) error {
	if _, err := h.d.Stories.Get(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	l, err := h.d.Locks.Get(c.UserContext(), content.KindStories, c.Params("id"))
	if err != nil {
		return err
	}
	return writeJSON(c, fiber.StatusOK, toLockOut(l, currentUser(c).ID))
}

// takeStoryLock takes, renews (heartbeat) or takes over the edit lock.
func (h *handlers) takeStoryLock(c *fiber.Ctx) error {
	var in lockIn
	if err := optionalBody(c, &in); err != nil {
		return err
	}
	if _, err := h.d.Stories.Get(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	l, err := h.d.Locks.Acquire(c.UserContext(), editor(c), content.KindStories, c.Params("id"), in.Takeover)
	if err != nil {
		return err
	}
	return writeJSON(c, fiber.StatusOK, toLockOut(l, currentUser(c).ID))
}

func (h *handlers) releaseStoryLock(c *fiber.Ctx) error {
	if err := h.d.Locks.Release(c.UserContext(), editor(c), content.KindStories, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
