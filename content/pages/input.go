package pages

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

// Input is what an editor sends for a page, and what a revision keeps.
type Input struct {
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Body    string `json:"body"`
}

// normalize trims the input and checks every field, all errors at once.
func (in *Input) normalize() error {
	var errs []fault.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, fault.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	in.Title, in.Summary = strings.TrimSpace(in.Title), strings.TrimSpace(in.Summary)
	switch n := utf8.RuneCountInString(in.Title); {
	case !plain.Line(in.Title):
		add("title", "must be one line of text, without control or invisible characters")
	case n == 0:
		add("title", "is required")
	case n > content.MaxTitleLength:
		add("title", "must be at most %d characters (it has %d)", content.MaxTitleLength, n)
	}
	if !plain.Text(in.Summary) {
		add("summary", "must be text without control or invisible characters")
	} else if n := utf8.RuneCountInString(in.Summary); n > content.MaxSummaryLength {
		add("summary", "must be at most %d characters (it has %d)", content.MaxSummaryLength, n)
	}
	switch {
	case !utf8.ValidString(in.Body) || strings.ContainsRune(in.Body, 0):
		add("body", "must be valid text")
	case len(in.Body) > content.MaxBodyBytes:
		add("body", "must be at most %d KB", content.MaxBodyBytes/1000)
	}
	if len(errs) > 0 {
		return fault.Fields(errs...)
	}
	return nil
}
