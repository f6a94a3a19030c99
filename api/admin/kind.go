package admin

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// editBody is a kind's request body for creating and replacing an item:
// its fields, and beside them the slug (at creation), the version the save
// is based on and a note for the revision history. Each kind's body type
// refuses unknown fields when decoded.
type editBody[F any] interface {
	fields() F
	slug() string
	version() *int64
	note() string
}

// kindAPI is one kind's admin API: the routes every kind has (create,
// read, replace, trash and restore, the workflow steps, history,
// revisions, edit locks), written once here and bound per kind, as
// PocketBase serves every collection with one set of record handlers.
// What is the kind's own is given: how staff see an item, and its list
// with its filters.
type kindAPI[T any, F any, B editBody[F]] struct {
	h    *handlers
	name string // the route segment and audit target prefix: "stories"
	wf   *content.Workflow[T, F]
	out  func(c *fiber.Ctx, item T) (any, error) // an item as staff see it
	list func(c *fiber.Ctx) error                // the kind's admin list
}

// bind mounts the kind's routes under the admin group; signedIn wraps
// handlers in the session check, edit and publish are the permissions.
func (k kindAPI[T, F, B]) bind(admin fiber.Router, signedIn func(...fiber.Handler) []fiber.Handler, edit, publish fiber.Handler) {
	p := "/" + k.name
	admin.Get(p, signedIn(edit, k.cachedList)...)
	admin.Post(p, signedIn(edit, k.create)...)
	admin.Post(p+"/bulk", signedIn(edit, k.bulk)...)
	admin.Get(p+"/:id", signedIn(edit, httpx.NoQuery, k.get)...)
	admin.Put(p+"/:id", signedIn(edit, k.replace)...)
	admin.Delete(p+"/:id", signedIn(edit, k.trash)...)
	admin.Post(p+"/:id/restore", signedIn(edit, k.restore)...)
	for _, a := range content.Actions() {
		perm := publish
		if a == content.ActSubmit {
			perm = edit
		}
		admin.Post(p+"/:id/"+string(a), signedIn(perm, k.step(a))...)
	}
	admin.Get(p+"/:id/history", signedIn(edit, httpx.NoQuery, k.history)...)
	admin.Get(p+"/:id/revisions", signedIn(edit, httpx.NoQuery, k.revisions)...)
	admin.Get(p+"/:id/revisions/compare", signedIn(edit, k.compare)...)
	admin.Get(p+"/:id/revisions/:n", signedIn(edit, httpx.NoQuery, k.revision)...)
	admin.Post(p+"/:id/revisions/:n/restore", signedIn(edit, k.restoreRevision)...)
	admin.Post(p+"/:id/preview", signedIn(edit, k.preview)...)
	admin.Get(p+"/:id/lock", signedIn(edit, httpx.NoQuery, k.getLock)...)
	admin.Post(p+"/:id/lock", signedIn(edit, k.takeLock)...)
	admin.Delete(p+"/:id/lock", signedIn(edit, k.releaseLock)...)
}

// cachedList is the kind's admin list from the admin lists' cache
// (listcache.go), kept per user as well as query: what a list shows may
// depend on who asks.
func (k kindAPI[T, F, B]) cachedList(c *fiber.Ctx) error {
	key := currentUser(c).ID + "\x00" + k.name + "?" + string(c.Request().URI().QueryString())
	return k.h.lists.serve(c, key, func(ctx context.Context) (int64, error) {
		ch, err := k.wf.ChangedSince(ctx, 0, 0)
		return ch.Head, err
	}, k.list)
}

// slugFixed refuses a slug in a replace: links and references name it.
func slugFixed() error {
	return fault.Fields(fault.FieldError{Field: "slug", Message: "the slug is set when the item is created and cannot be changed"})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// write answers an item with its version as the ETag.
func (k kindAPI[T, F, B]) write(c *fiber.Ctx, status int, item T) error {
	c.Set(fiber.HeaderETag, `"`+strconv.FormatInt(k.wf.Head(&item).Version, 10)+`"`)
	out, err := k.out(c, item)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, status, out)
}

func (k kindAPI[T, F, B]) create(c *fiber.Ctx) error {
	var in B
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.version() != nil {
		return fault.Fields(fault.FieldError{Field: "version", Message: "a new item has no version yet"})
	}
	f := in.fields()
	item, err := k.wf.Create(c.UserContext(), editor(c), f, in.slug())
	if err != nil {
		return err
	}
	c.Location("/api/admin/v1/" + k.name + "/" + *k.wf.Head(&item).ID)
	return k.write(c, fiber.StatusCreated, item)
}

func (k kindAPI[T, F, B]) get(c *fiber.Ctx) error {
	item, err := k.wf.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return k.write(c, fiber.StatusOK, item)
}

func (k kindAPI[T, F, B]) replace(c *fiber.Ctx) error {
	var in B
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.slug() != "" {
		return slugFixed()
	}
	v, err := version(c, in.version(), true)
	if err != nil {
		return err
	}
	item, err := k.wf.Replace(c.UserContext(), editor(c), c.Params("id"), v, in.fields(), in.note())
	if err != nil {
		return err
	}
	return k.write(c, fiber.StatusOK, item)
}

// step runs a workflow step: the action is the last path segment.
func (k kindAPI[T, F, B]) step(action content.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, v, err := stepBody(c, false)
		if err != nil {
			return err
		}
		step := content.StepInput{Action: action, Note: in.Note, Unpublish: in.Unpublish}
		if action == content.ActSchedule {
			if in.At == nil {
				return fault.Fields(fault.FieldError{Field: "at", Message: "is required: when to publish, in RFC 3339 with an offset"})
			}
			step.At = *in.At
		} else if in.At != nil || in.Unpublish {
			return fault.Fields(fault.FieldError{Field: "at", Message: "only the schedule step takes a time"})
		}
		item, err := k.wf.Act(c.UserContext(), editor(c), c.Params("id"), v, step)
		if err != nil {
			return err
		}
		return k.write(c, fiber.StatusOK, item)
	}
}

func (k kindAPI[T, F, B]) trash(c *fiber.Ctx) error {
	_, v, err := stepBody(c, false)
	if err != nil {
		return err
	}
	item, err := k.wf.Trash(c.UserContext(), editor(c), c.Params("id"), v)
	if err != nil {
		return err
	}
	return k.write(c, fiber.StatusOK, item)
}

func (k kindAPI[T, F, B]) restore(c *fiber.Ctx) error {
	_, v, err := stepBody(c, false)
	if err != nil {
		return err
	}
	item, err := k.wf.Restore(c.UserContext(), editor(c), c.Params("id"), v)
	if err != nil {
		return err
	}
	return k.write(c, fiber.StatusOK, item)
}

// history lists the workflow events of an item (from the audit log).
func (k kindAPI[T, F, B]) history(c *fiber.Ctx) error {
	id := c.Params("id")
	if _, err := k.wf.Get(c.UserContext(), id); err != nil {
		return err
	}
	entries, err := k.h.d.Audit.List(c.UserContext(), auditQueryFor(k.name+":"+id))
	if err != nil {
		return err
	}
	names, err := k.h.names(c.UserContext())
	if err != nil {
		return err
	}
	out := httpx.List[auditOut]{Items: []auditOut{}}
	for _, e := range entries {
		out.Items = append(out.Items, toAuditOut(e, names))
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

func (k kindAPI[T, F, B]) revisions(c *fiber.Ctx) error {
	revs, err := k.wf.Revisions(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	names, err := k.h.names(c.UserContext())
	if err != nil {
		return err
	}
	out := httpx.List[revisionOut]{Items: make([]revisionOut, len(revs))}
	for i, r := range revs {
		out.Items[i] = toRevisionOut(r, false)
		out.Items[i].AuthorName = shownName(names, r.AuthorID, r.AuthorName)
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

func (k kindAPI[T, F, B]) revision(c *fiber.Ctx) error {
	n, err := revisionNumber(c, "n")
	if err != nil {
		return err
	}
	r, err := k.wf.Revision(c.UserContext(), c.Params("id"), n)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toRevisionOut(r, true))
}

// compare answers ?from=N&to=M: the changed fields and a line diff of the
// body.
func (k kindAPI[T, F, B]) compare(c *fiber.Ctx) error {
	from, to, err := comparePair(c)
	if err != nil {
		return err
	}
	cmp, err := k.wf.Compare(c.UserContext(), c.Params("id"), from, to)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toComparisonOut(cmp))
}

func (k kindAPI[T, F, B]) restoreRevision(c *fiber.Ctx) error {
	n, err := revisionNumber(c, "n")
	if err != nil {
		return err
	}
	_, v, err := stepBody(c, true)
	if err != nil {
		return err
	}
	item, err := k.wf.RestoreRevision(c.UserContext(), editor(c), c.Params("id"), v, n)
	if err != nil {
		return err
	}
	return k.write(c, fiber.StatusOK, item)
}

// previewIn asks for a preview of a revision (0 or none: the working
// copy's).
type previewIn struct {
	Revision int64 `json:"revision"`
}

type previewOut struct {
	URL       string    `json:"url"`
	Revision  int64     `json:"revision"`
	ExpiresAt time.Time `json:"expires_at"`
}

// preview issues a signed, expiring link to a revision of the item as
// readers would see it published.
func (k kindAPI[T, F, B]) preview(c *fiber.Ctx) error {
	var in previewIn
	if err := optionalBody(c, &in); err != nil {
		return err
	}
	if k.h.d.Previews == nil {
		return fault.New(fault.Unavailable, "previews are not set up")
	}
	item, err := k.wf.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	head := k.wf.Head(&item)
	if head.TrashedAt != nil {
		return fault.New(fault.Conflict, "the item is in the trash; restore it first")
	}
	n := in.Revision
	switch {
	case n < 0:
		return fault.Fields(fault.FieldError{Field: "revision", Message: "must be a revision number"})
	case n == 0:
		n = *head.Revision
	default:
		if _, err := k.wf.Revision(c.UserContext(), *head.ID, n); err != nil {
			return err
		}
	}
	pv := k.h.d.Previews.Sign(k.name, *head.ID, n)
	return httpx.WriteJSON(c, fiber.StatusCreated, previewOut{URL: strings.TrimSuffix(k.h.d.BaseURL, "/") + pv.Path(),
		Revision: n, ExpiresAt: pv.ExpiresAt})
}

// getLock says who is editing the item (404: nobody).
func (k kindAPI[T, F, B]) getLock(c *fiber.Ctx) error {
	if _, err := k.wf.Get(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	l, err := k.h.d.Locks.Get(c.UserContext(), k.name, c.Params("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toLockOut(l, currentUser(c).ID))
}

// takeLock takes, renews (heartbeat) or takes over the edit lock.
func (k kindAPI[T, F, B]) takeLock(c *fiber.Ctx) error {
	var in lockIn
	if err := optionalBody(c, &in); err != nil {
		return err
	}
	l, err := k.wf.Lock(c.UserContext(), editor(c), c.Params("id"), in.Takeover)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toLockOut(l, currentUser(c).ID))
}

func (k kindAPI[T, F, B]) releaseLock(c *fiber.Ctx) error {
	if err := k.h.d.Locks.Release(c.UserContext(), editor(c), k.name, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
