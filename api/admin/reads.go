package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// readCounts answers the read counts of the kind's ids (every one 0 when
// no counter is set up).
func (h *handlers) readCounts(c *fiber.Ctx, kind string, ids ...string) (map[string]int64, error) {
	if h.d.Reads == nil {
		return map[string]int64{}, nil
	}
	return h.d.Reads.Totals(c.UserContext(), kind, ids)
}

// mostReadOut is the dashboard's 本周最多阅读: the Beijing-time week's
// days and its items read most.
type mostReadOut struct {
	From  string         `json:"from"`
	To    string         `json:"to"`
	Items []mostReadItem `json:"items"`
}

type mostReadItem struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Title string `json:"title"`
	Reads int64  `json:"reads"`
}

// mostRead answers GET /reads/week: this week's (Monday to Sunday,
// Beijing time) ten items read most, as written by every instance
// (views of the last seconds not yet written are not in it). Items
// deleted since are left out.
func (h *handlers) mostRead(c *fiber.Ctx) error {
	out := mostReadOut{Items: []mostReadItem{}}
	counts, err := h.d.Reads.WeekMost(c.UserContext(), 20)
	if err != nil {
		return err
	}
	from, to := h.d.Reads.Week()
	out.From, out.To = dayDate(from), dayDate(to)
	for _, n := range counts {
		if len(out.Items) == 10 {
			break
		}
		k, ok := h.d.Kinds.Lookup(n.Kind)
		if !ok {
			continue
		}
		it, err := k.Item(c.UserContext(), n.ID)
		if f := fault.As(err); f != nil && f.Kind == fault.NotFound {
			continue
		}
		if err != nil {
			return err
		}
		out.Items = append(out.Items, mostReadItem{Kind: n.Kind, ID: n.ID, Title: it.Title, Reads: n.N})
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

// dayDate is a reads.Day as a date (2026-12-07).
func dayDate(d int) string {
	return time.Date(d/10000, time.Month(d/100%100), d%100, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}
