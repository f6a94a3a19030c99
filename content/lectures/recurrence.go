package lectures

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// MaxGenerated is the most sessions one rule makes (a year of weekly ones).
const MaxGenerated = 52

// Recurrence is a rule that makes the sessions of a series: "every
// Wednesday 15:00-16:30 for 8 weeks, except 2026-12-30". Times and dates
// are in Asia/Shanghai.
type Recurrence struct {
	// Weekdays: 1 (Monday) to 7 (Sunday).
	Weekdays []int  `json:"weekdays"`
	Start    string `json:"start"` // "15:00"
	End      string `json:"end"`   // "16:30"
	From     string `json:"from"`  // the first day that may have a session: "2026-12-02"
	// Count occurrences of the rule (excepted dates count: "8 weeks
	// except one" is Count 8 and makes 7 sessions), or every one up to
	// Until (a date, included): one of the two.
	Count int    `json:"count"`
	Until string `json:"until"`
	// Interval is every how many weeks (1: every week).
	Interval int `json:"interval"`
	// Except are dates with no session (a holiday).
	Except []string `json:"except"`
}

// Occurrence is one session's time.
type Occurrence struct{ Start, End time.Time }

// Occurrences gives the sessions a rule makes, checking it (all field
// errors at once).
func (r Recurrence) Occurrences() ([]Occurrence, error) {
	var errs fieldErrors
	day := func(field, v string) time.Time {
		d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), shanghai)
		if err != nil {
			errs.add(field, "must be a date like 2026-12-30")
		}
		return d
	}
	clock := func(field, v string) time.Duration {
		t, err := time.Parse("15:04", strings.TrimSpace(v))
		if err != nil {
			errs.add(field, "must be a time of day like 15:00")
			return 0
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	if len(r.Weekdays) == 0 {
		errs.add("weekdays", "name at least one day: 1 (Monday) to 7 (Sunday)")
	}
	for _, d := range r.Weekdays {
		if d < 1 || d > 7 {
			errs.add("weekdays", "days are 1 (Monday) to 7 (Sunday)")
			break
		}
	}
	start, end := clock("start", r.Start), clock("end", r.End)
	if end <= start && r.Start != "" && r.End != "" {
		errs.add("end", "must be after the start, on the same day")
	}
	from := day("from", r.From)
	var until time.Time
	switch {
	case (r.Count == 0) == (r.Until == ""):
		errs.add("count", "give a number of sessions or a last date (until), one of the two")
	case r.Count < 0 || r.Count > MaxGenerated:
		errs.add("count", "from 1 to %d sessions", MaxGenerated)
	case r.Until != "":
		until = day("until", r.Until)
	}
	interval := r.Interval
	if interval == 0 {
		interval = 1
	}
	if interval < 1 || interval > 8 {
		errs.add("interval", "every 1 to 8 weeks")
	}
	var except []time.Time
	for _, e := range r.Except {
		except = append(except, day("except", e))
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	var out []Occurrence
	seen := 0
	weekStart := from.AddDate(0, 0, -isoWeekday(from)+1) // the Monday of from's week
	for week := 0; len(out) < MaxGenerated+1; week += interval {
		for d := 1; d <= 7; d++ {
			date := weekStart.AddDate(0, 0, week*7+d-1)
			if date.Before(from) || !slices.Contains(r.Weekdays, d) {
				continue
			}
			if !until.IsZero() && date.After(until) || r.Count > 0 && seen == r.Count {
				return out, nil
			}
			seen++
			if slices.ContainsFunc(except, date.Equal) {
				continue
			}
			out = append(out, Occurrence{Start: date.Add(start).UTC(), End: date.Add(end).UTC()})
		}
		if week > 52*8 {
			break
		}
	}
	if len(out) > MaxGenerated {
		return nil, fault.Fields(fault.FieldError{Field: "until", Message: fmt.Sprintf("the rule makes more than %d sessions", MaxGenerated)})
	}
	return out, nil
}

// isoWeekday is 1 (Monday) to 7 (Sunday).
func isoWeekday(t time.Time) int {
	if wd := int(t.Weekday()); wd != 0 {
		return wd
	}
	return 7
}

// Generate makes a draft session for each occurrence of the rule, every
// one with the template's fields and its own time, and a slug of the
// title's pinyin and the date. Each is then edited on its own. The rule
// and the template are checked before any session is made.
//
// Errors: fault.Invalid (the rule's fields, or the template's); those of
// Create (a session that could not be made stops the rest, and the answer
// says how many were).
func (s *Service) Generate(ctx context.Context, actor content.Actor, template Input, rule Recurrence) ([]Lecture, error) {
	occ, err := s.Plan(ctx, template, rule)
	if err != nil {
		return nil, err
	}
	check := template
	check.StartsAt, check.EndsAt = &occ[0].Start, &occ[0].End
	_ = check.normalize()
	base := content.Slugify(check.Title)
	if base == "" {
		base = "lecture"
	}
	var made []Lecture
	for _, o := range occ {
		in := template
		in.Speakers = append([]Speaker(nil), template.Speakers...)
		start, end := o.Start, o.End
		in.StartsAt, in.EndsAt = &start, &end
		slug := fmt.Sprintf("%s-%s", trimSlug(base, 9), o.Start.In(shanghai).Format("20060102"))
		l, err := s.Create(ctx, actor, in, slug)
		if err != nil {
			return made, fmt.Errorf("lectures: %d of %d sessions were made, then: %w", len(made), len(occ), err)
		}
		made = append(made, l)
	}
	return made, nil
}

// Plan checks a rule and the template as Generate does and answers the
// sessions' times it would make, making none (what the organizer sees
// before generating).
func (s *Service) Plan(ctx context.Context, template Input, rule Recurrence) ([]Occurrence, error) {
	occ, err := rule.Occurrences()
	if err != nil {
		return nil, err
	}
	if len(occ) == 0 {
		return nil, fault.Fields(fault.FieldError{Field: "from", Message: "the rule makes no session"})
	}
	check := template
	check.StartsAt, check.EndsAt = &occ[0].Start, &occ[0].End
	if err := check.normalize(); err != nil {
		return nil, err
	}
	if _, err := s.checkSeries(ctx, check.Series); err != nil {
		return nil, err
	}
	return occ, nil
}

// trimSlug leaves room for a suffix of n bytes.
func trimSlug(base string, n int) string {
	if len(base)+n > content.MaxSlugLength {
		return strings.TrimRight(base[:content.MaxSlugLength-n], "-")
	}
	return base
}
