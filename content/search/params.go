package search

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// ParseQuery reads a search from query parameters: q (checked by Check),
// kind (comma-separated, each one of kinds: the site's kinds, which
// content.KindSpecs.Names gives; with none given, any kind is refused), column, tag, from and to (dates as 2026-10-01
// or RFC 3339, Asia/Shanghai when no zone, from the year 1700 to 2200),
// limit (1-50) and cursor.
func ParseQuery(p map[string]string, kinds ...string) (Query, error) {
	text, err := Check(p["q"])
	if err != nil {
		return Query{}, err
	}
	q := Query{Text: text, Column: p["column"], Tag: p["tag"], Cursor: p["cursor"]}
	var errs []fault.FieldError
	if k := p["kind"]; k != "" {
		for _, kind := range strings.Split(k, ",") {
			if !slices.Contains(kinds, kind) {
				errs = append(errs, fault.FieldError{Field: "kind", Message: fmt.Sprintf("%q is not one of %s", kind, strings.Join(kinds, ", "))})
				continue
			}
			q.Kinds = append(q.Kinds, kind)
		}
	}
	shanghai := time.FixedZone("CST", 8*3600)
	for field, dst := range map[string]*time.Time{"from": &q.From, "to": &q.To} {
		v := p[field]
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02", v, shanghai)
			if err == nil && field == "to" {
				t = t.Add(24*time.Hour - time.Millisecond)
			}
		}
		if err != nil {
			errs = append(errs, fault.FieldError{Field: field, Message: "a date such as 2026-10-01"})
			continue
		}
		if t.Year() < 1700 || t.Year() > 2200 {
			// The index keeps dates as nanoseconds since 1970 (1678-2262).
			errs = append(errs, fault.FieldError{Field: field, Message: "a date from the year 1700 to 2200"})
			continue
		}
		*dst = t
	}
	if v := p["limit"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			errs = append(errs, fault.FieldError{Field: "limit", Message: "from 1 to 50"})
		}
		q.Limit = n
	}
	if len(errs) > 0 {
		return Query{}, fault.Fields(errs...)
	}
	return q, nil
}

// QueryParams are the parameters ParseQuery reads.
var QueryParams = []string{"q", "kind", "column", "tag", "from", "to", "limit", "cursor"}

// PublicHit is a hit as readers' clients see it.
type PublicHit struct {
	Kind        string    `json:"kind"`
	ID          string    `json:"id"`
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	TitleHTML   string    `json:"title_html"`
	SnippetHTML string    `json:"snippet_html"`
	Column      string    `json:"column,omitempty"`
	Tags        []string  `json:"tags"`
	At          time.Time `json:"at"`
	URL         string    `json:"url"`
	// Status is the item's, for editors' searches only.
	Status string `json:"status,omitempty"`
}

// PublicResults are a page of hits as clients see it.
type PublicResults struct {
	Items      []PublicHit `json:"items"`
	Total      int         `json:"total"`
	NextCursor string      `json:"next_cursor,omitempty"`
	Relaxed    bool        `json:"relaxed"`
}

// Public is r as clients see it, with links under base; withStatus for
// editors.
func Public(r Results, base string, withStatus bool) PublicResults {
	out := PublicResults{Items: make([]PublicHit, 0, len(r.Hits)), Total: r.Total, NextCursor: r.NextCursor, Relaxed: r.Relaxed}
	for _, h := range r.Hits {
		p := PublicHit{Kind: h.Kind, ID: h.ID, Slug: h.Slug, Title: h.Title, TitleHTML: h.TitleHTML, SnippetHTML: h.SnippetHTML,
			Column: h.Column, Tags: h.Tags, At: h.At, URL: strings.TrimSuffix(base, "/") + "/" + h.Kind + "/" + h.Slug}
		if p.Tags == nil {
			p.Tags = []string{}
		}
		if withStatus {
			p.Status = h.Status
		}
		out.Items = append(out.Items, p)
	}
	return out
}
