package admin

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/reads"
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

// readCount is one item's read count for its admin answer. An item at
// version 1 was only just created (every later write raises the version)
// and has never been live, so none of it has been read: its answer (a
// create's, half of every publishing) asks the database nothing.
func (h *handlers) readCount(c *fiber.Ctx, kind, id string, version int64) (int64, error) {
	if version <= 1 {
		return 0, nil
	}
	n, err := h.readCounts(c, kind, id)
	return n[id], err
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
	out.From, out.To = reads.DayDate(from), reads.DayDate(to)
	for _, n := range counts {
		if len(out.Items) == 10 {
			break
		}
		l, ok, err := h.readLine(c, n)
		if err != nil {
			return err
		}
		if ok {
			out.Items = append(out.Items, mostReadItem{Kind: l.Kind, ID: l.ID, Title: l.Title, Reads: l.Reads})
		}
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

// readLine is a count as the office reads it: the item's kind, label
// and title beside its reads. ok is false for an item of a kind this site
// no longer has or one deleted since (left out of every list of counts).
func (h *handlers) readLine(c *fiber.Ctx, n reads.Count) (l reads.ReportLine, ok bool, err error) {
	k, ok := h.d.Kinds.Lookup(n.Kind)
	if !ok {
		return l, false, nil
	}
	it, err := k.Item(c.UserContext(), n.ID)
	if f := fault.As(err); f != nil && f.Kind == fault.NotFound {
		return l, false, nil
	}
	if err != nil {
		return l, false, err
	}
	return reads.ReportLine{Kind: n.Kind, Label: k.Label, ID: n.ID, Title: it.Title, Reads: n.N}, true, nil
}

// reportOut is the office's read-count report (GET /reads).
type reportOut struct {
	From  string       `json:"from"`
	To    string       `json:"to"`
	Sum   int64        `json:"sum"`
	Cut   bool         `json:"cut"`
	Items []reportItem `json:"items"`
}

type reportItem struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	ID    string `json:"id"`
	Title string `json:"title"`
	Reads int64  `json:"reads"`
	Total int64  `json:"total"`
}

// report builds the read-count report the query asks for: from and to
// (dates, Beijing time, both included; by default the month so far).
// Items deleted since are left out.
func (h *handlers) report(c *fiber.Ctx) (reads.Report, error) {
	q, err := httpx.QueryParams(c, "from", "to")
	if err != nil {
		return reads.Report{}, err
	}
	today := h.d.Reads.Today()
	r := reads.Report{From: today/100*100 + 1, To: today}
	if v, ok := q["from"]; ok {
		if r.From, err = reads.ParseDay("from", v); err != nil {
			return r, err
		}
	}
	if v, ok := q["to"]; ok {
		if r.To, err = reads.ParseDay("to", v); err != nil {
			return r, err
		}
	}
	if err := reads.CheckSpan(r.From, r.To); err != nil {
		return r, err
	}
	counts, err := h.d.Reads.Range(c.UserContext(), r.From, r.To, reads.MaxReportItems+1)
	if err != nil {
		return r, err
	}
	if len(counts) > reads.MaxReportItems {
		counts, r.Cut = counts[:reads.MaxReportItems], true
	}
	byKind := map[string][]string{}
	for _, n := range counts {
		l, ok, err := h.readLine(c, n)
		if err != nil {
			return r, err
		}
		if !ok {
			continue
		}
		r.Lines = append(r.Lines, l)
		r.Sum += n.N
		byKind[n.Kind] = append(byKind[n.Kind], n.ID)
	}
	totals := map[string]map[string]int64{}
	for kind, ids := range byKind {
		if totals[kind], err = h.readCounts(c, kind, ids...); err != nil {
			return r, err
		}
	}
	for i, l := range r.Lines {
		r.Lines[i].Total = totals[l.Kind][l.ID]
	}
	return r, nil
}

// readReport answers GET /reads: the office's read-count report of the
// days asked for.
func (h *handlers) readReport(c *fiber.Ctx) error {
	r, err := h.report(c)
	if err != nil {
		return err
	}
	out := reportOut{From: reads.DayDate(r.From), To: reads.DayDate(r.To), Sum: r.Sum, Cut: r.Cut, Items: make([]reportItem, len(r.Lines))}
	for i, l := range r.Lines {
		out.Items[i] = reportItem(l)
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

// exportReadReport answers GET /reads.csv: the same report for a
// spreadsheet program.
func (h *handlers) exportReadReport(c *fiber.Ctx) error {
	r, err := h.report(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reads.WriteCSV(&buf, r); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="reads-`+reads.DayDate(r.From)+`-`+reads.DayDate(r.To)+`.csv"`)
	return c.Send(buf.Bytes())
}
