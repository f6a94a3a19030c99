package admin

import (
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/audit"
)

// BackupSchedule is the scheduled backups' settings, as administrators
// see them.
type BackupSchedule struct {
	Where  string // a folder, s3://bucket/prefix
	At     string // the time of day, Beijing time: 03:00
	Keep   int    // the newest kept
	Months int    // months keeping their newest beside them
	// Next answers when the next backup falls due.
	Next func() time.Time
}

// backupHistory is how many backups GET /backups lists.
const backupHistory = 20

type backupsOut struct {
	Scheduled bool        `json:"scheduled"`
	Where     string      `json:"where,omitempty"`
	At        string      `json:"at,omitempty"`
	Keep      int         `json:"keep,omitempty"`
	Months    int         `json:"months,omitempty"`
	Next      *time.Time  `json:"next,omitempty"`
	History   []backupRun `json:"history"`
	// Failing: the newest backup failed.
	Failing bool `json:"failing"`
}

type backupRun struct {
	At     time.Time `json:"at"`
	OK     bool      `json:"ok"`
	Name   string    `json:"name"`
	Detail string    `json:"detail"`
}

// backups answers GET /backups: the scheduled backups' settings and the
// newest made or failed, from the audit log.
func (h *handlers) backups(c *fiber.Ctx) error {
	out := backupsOut{History: []backupRun{}}
	if h.d.Exports != nil && h.d.Exports.Schedule != nil {
		sc := h.d.Exports.Schedule
		next := sc.Next().UTC()
		out.Scheduled, out.Where, out.At, out.Keep, out.Months, out.Next = true, sc.Where, sc.At, sc.Keep, sc.Months, &next
	}
	for _, a := range []audit.Action{audit.BackupMade, audit.BackupFailed} {
		es, err := h.d.Audit.List(c.UserContext(), audit.Query{Action: a, Limit: backupHistory})
		if err != nil {
			return err
		}
		for _, e := range es {
			out.History = append(out.History, backupRun{At: e.At, OK: a == audit.BackupMade, Name: strings.TrimPrefix(e.Target, "backup:"), Detail: e.Detail})
		}
	}
	slices.SortFunc(out.History, func(a, b backupRun) int { return b.At.Compare(a.At) })
	out.History = out.History[:min(len(out.History), backupHistory)]
	out.Failing = len(out.History) > 0 && !out.History[0].OK
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}
