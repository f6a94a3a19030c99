package reads

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

// Limits of a report: the days it may span and the items it lists (the
// most read first; a report of more says it was cut).
const (
	MaxReportDays  = 366
	MaxReportItems = 1000
)

// ReportLine is one item of a report: how many times it was read in the
// report's days, and in all.
type ReportLine struct {
	Kind  string // stories, lectures, ...
	Label string // the kind's name for readers (报道)
	ID    string
	Title string
	Reads int64 // in the report's days
	Total int64 // over all days
}

// Report is the office's account of what readers read between two days
// (both included, Beijing time): every item read in them, most read
// first, at most MaxReportItems (Cut: there were more).
type Report struct {
	From, To int // Days
	Lines    []ReportLine
	Sum      int64 // the reads of the listed items in the days
	Cut      bool
}

// ParseDay reads a date (2026-12-07) as a Day; field names the parameter
// in the error (fault.Invalid).
func ParseDay(field, s string) (int, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 2000 || t.Year() > 9999 {
		return 0, fault.Fields(fault.FieldError{Field: field, Message: "must be a date as 2026-12-07"})
	}
	return t.Year()*10000 + int(t.Month())*100 + t.Day(), nil
}

// DayDate is a Day as a date (2026-12-07).
func DayDate(d int) string {
	return DayTime(d).Format(time.DateOnly)
}

// DayTime is the start of Day d in Beijing time.
func DayTime(d int) time.Time {
	return time.Date(d/10000, time.Month(d/100%100), d%100, 0, 0, 0, 0, beijing)
}

// CheckSpan checks from..to is a report's span: from not after to, and
// at most MaxReportDays days (fault.Invalid otherwise).
func CheckSpan(from, to int) error {
	switch days := int(DayTime(to).Sub(DayTime(from)).Hours()/24) + 1; {
	case days < 1:
		return fault.Fields(fault.FieldError{Field: "from", Message: "must not be after to"})
	case days > MaxReportDays:
		return fault.Fields(fault.FieldError{Field: "to", Message: fmt.Sprintf("a report spans at most %d days", MaxReportDays)})
	}
	return nil
}

// Range answers the items read most on the days from..to (both
// included), most first, at most limit, as the store has them (this
// instance's views not yet written are left out). A nil counter answers
// nothing.
func (c *Counter) Range(ctx context.Context, from, to, limit int) ([]Count, error) {
	if c == nil {
		return nil, nil
	}
	return c.cfg.Store.MostRead(ctx, from, to, limit)
}

// Today is the counter's now (a nil counter's: the wall clock's) as a
// Day.
func (c *Counter) Today() int {
	if c == nil {
		return Day(time.Now())
	}
	return Day(c.cfg.Now())
}

// WriteCSV writes r for a spreadsheet program: UTF-8 with a byte order
// mark (so that Excel in a Chinese setting reads it as UTF-8), a header
// row, one row per item numbered from 1, and a last row of the sum.
// Titles are quoted away from formulas.
func WriteCSV(w io.Writer, r Report) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"序号", "类型", "标题", fmt.Sprintf("浏览次数（%s 至 %s）", DayDate(r.From), DayDate(r.To)), "累计浏览次数"})
	for i, l := range r.Lines {
		_ = cw.Write([]string{strconv.Itoa(i + 1), l.Label, plain.SpreadsheetSafe(l.Title), strconv.FormatInt(l.Reads, 10), strconv.FormatInt(l.Total, 10)})
	}
	last := "合计"
	if r.Cut {
		last = fmt.Sprintf("合计（只列出浏览最多的 %d 条）", len(r.Lines))
	}
	_ = cw.Write([]string{"", "", last, strconv.FormatInt(r.Sum, 10), ""})
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}
