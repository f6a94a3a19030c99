package admin

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

type auditOut struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	ActorID string    `json:"actor_id"`
	Actor   string    `json:"actor"`
	// ActorName is the actor as people see them now: their display name,
	// else the username the entry recorded.
	ActorName string `json:"actor_name"`
	Action    string `json:"action"`
	Target    string `json:"target"`
	Address   string `json:"address"`
	Detail    string `json:"detail"`
}

// listAudit pages through the audit log, newest first, filtered by actor,
// action, target and time (from inclusive, to exclusive, RFC 3339).
func (h *handlers) listAudit(c *fiber.Ctx) error {
	q := audit.Query{Limit: 50}
	var errs []fault.FieldError
	allowed := []string{"actor", "action", "target", "from", "to", "limit", "cursor"}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		key, val := string(k), strings.Clone(string(v))
		switch key {
		case "actor":
			q.ActorID = val
		case "action":
			q.Action = audit.Action(val)
		case "target":
			q.Target = val
		case "from", "to":
			t, err := time.Parse(time.RFC3339, val)
			if err != nil {
				errs = append(errs, fault.FieldError{Field: key, Message: "must be an RFC 3339 time, like 2026-11-28T09:00:00+08:00"})
			}
			if key == "from" {
				q.From = t
			} else {
				q.To = t
			}
		case "limit":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 100 {
				errs = append(errs, fault.FieldError{Field: "limit", Message: "must be a number from 1 to 100"})
			}
			q.Limit = n
		case "cursor":
			if !ident.Valid(val) {
				errs = append(errs, fault.FieldError{Field: "cursor", Message: "the cursor is not valid; start again from the first page"})
			}
			q.After = val
		default:
			errs = append(errs, fault.FieldError{Field: key, Message: "unknown query parameter; allowed: " + strings.Join(allowed, ", ")})
		}
	})
	if len(errs) > 0 {
		return fault.Fields(errs...)
	}
	limit := q.Limit
	q.Limit++
	entries, err := h.d.Audit.List(c.UserContext(), q)
	if err != nil {
		return err
	}
	out := httpx.List[auditOut]{Items: []auditOut{}}
	if len(entries) > limit {
		entries = entries[:limit]
		out.NextCursor = entries[limit-1].ID
	}
	names, err := h.names(c.UserContext())
	if err != nil {
		return err
	}
	for _, e := range entries {
		out.Items = append(out.Items, toAuditOut(e, names))
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

func toAuditOut(e audit.Entry, names map[string]string) auditOut {
	return auditOut{ID: e.ID, At: e.At, ActorID: e.ActorID, Actor: e.Actor, ActorName: shownName(names, e.ActorID, e.Actor), Action: string(e.Action),
		Target: e.Target, Address: e.Address, Detail: e.Detail}
}

// names maps every user's id to their name as people see it: the
// display name, else the username. Lists that name people (the audit
// log, an item's history and revisions) show the name of today, as
// recorded entries keep the username of their day. An office has tens
// of users, so one read serves a whole list.
func (h *handlers) names(ctx context.Context) (map[string]string, error) {
	users, err := h.d.Accounts.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("names of the users: %w", err)
	}
	out := make(map[string]string, len(users))
	for _, u := range users {
		out[u.ID] = u.DisplayName
		if out[u.ID] == "" {
			out[u.ID] = u.Username
		}
	}
	return out, nil
}

// shownName is id's name in names, else recorded (a user since
// removed, or the system).
func shownName(names map[string]string, id, recorded string) string {
	if n := names[id]; n != "" {
		return n
	}
	return recorded
}

// auditQueryFor selects the latest events about one target (an item's
// history).
func auditQueryFor(target string) audit.Query { return audit.Query{Target: target, Limit: 500} }
