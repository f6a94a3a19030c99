package stories

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

// Limits of a story's tags.
const (
	MaxTags      = 10
	MaxTagLength = 20 // characters
)

// Input is what an editor sends for a story, and what a revision of
// a story keeps.
type Input struct {
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Column  string   `json:"column"`
	Tags    []string `json:"tags"`
	Cover   string   `json:"cover"`
	Body    string   `json:"body"`
	// Credits, People and the SEO fields came later: revisions saved
	// before them have them empty, and a revision that has none leaves
	// them out alike, so comparing the two shows no change.
	Credits        Credits  `json:"credits,omitzero"`
	People         []Person `json:"people,omitempty"`
	SEOTitle       string   `json:"seo_title,omitempty"`
	SEODescription string   `json:"seo_description,omitempty"`
	// Channels are the places the story goes when published (the
	// 公众号: "wechat_oa"); nil takes the site's default.
	Channels []string `json:"channels,omitempty"`
}

// normalize trims the input and checks every field, returning all field
// errors at once.
func (in *Input) normalize() error {
	var errs []fault.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, fault.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	in.Title = strings.TrimSpace(in.Title)
	in.Summary = strings.TrimSpace(in.Summary)
	in.Column = strings.TrimSpace(in.Column)
	in.Cover = strings.TrimSpace(in.Cover)

	if !plain.Line(in.Title) {
		add("title", "must be one line of text, without control or invisible characters")
	}
	if !plain.Text(in.Summary) {
		add("summary", "must be text without control or invisible characters")
	}
	if !utf8.ValidString(in.Body) || strings.ContainsRune(in.Body, 0) {
		add("body", "must be valid text")
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		add("title", "is required")
	case n > content.MaxTitleLength:
		add("title", "must be at most %d characters (it has %d)", content.MaxTitleLength, n)
	}
	if n := utf8.RuneCountInString(in.Summary); n > content.MaxSummaryLength {
		add("summary", "must be at most %d characters (it has %d)", content.MaxSummaryLength, n)
	}
	if len(in.Body) > content.MaxBodyBytes {
		add("body", "must be at most %d KB", content.MaxBodyBytes/1000)
	}
	if in.Column != "" && !content.ValidSlug(in.Column) {
		add("column", "is not a column key")
	}
	if in.Cover != "" && !ident.Valid(in.Cover) {
		add("cover", "is not a media id")
	}
	tags := make([]string, 0, len(in.Tags))
	seen := map[string]bool{}
	for _, t := range in.Tags {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "#"))
		switch n := utf8.RuneCountInString(t); {
		case n == 0:
			add("tags", "tags cannot be empty")
			continue
		case n > MaxTagLength:
			add("tags", "tag %q is longer than %d characters", t, MaxTagLength)
			continue
		case !plain.Line(t) || strings.ContainsAny(t, "/\\?#&<>\"'"):
			add("tags", "tag %q has characters that are not allowed", t)
			continue
		}
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	if len(tags) > MaxTags {
		add("tags", "at most %d tags", MaxTags)
	}
	in.Tags = tags
	byline := fieldErrors(errs)
	in.Credits.normalize(&byline)
	in.People = normalizePeople(&byline, in.People)
	normalizeSEO(&byline, &in.SEOTitle, &in.SEODescription)
	errs = byline
	if len(errs) > 0 {
		return fault.Fields(errs...)
	}
	return nil
}
