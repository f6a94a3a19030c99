package stories

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

// Limits of a story's byline, people and SEO fields.
const (
	MaxCreditNames       = 10  // names in one role
	MaxNameLength        = 40  // characters of a name
	MaxPeople            = 20  // people a story features
	MaxPersonDescription = 80  // characters of a person's description
	MaxSEOTitle          = 60  // characters
	MaxSEODescription    = 160 // characters
)

// Credits are a story's byline after Chinese news convention: 文 (who
// wrote it), 图 (photos), 视频 (video) and 编辑 (the editor), each a list
// of names as free text. They are names to publish, not accounts.
type Credits struct {
	Writers       []string `json:"writers"`
	Photographers []string `json:"photographers"`
	Videographers []string `json:"videographers"`
	Editors       []string `json:"editors"`
}

// IsZero reports whether the byline names no one (for omitzero).
func (c Credits) IsZero() bool { return c.Empty() }

// Credit is one role of a byline with its names, as readers see it.
type Credit struct {
	Role  string // the role's field: writers, photographers, videographers, editors
	Label string // how the convention marks it: 文, 图, 视频, 编辑
	Names []string
}

// Roles are the byline's roles, in the order a byline gives them.
func (c Credits) Roles() []Credit {
	return []Credit{
		{Role: "writers", Label: "文", Names: c.Writers},
		{Role: "photographers", Label: "图", Names: c.Photographers},
		{Role: "videographers", Label: "视频", Names: c.Videographers},
		{Role: "editors", Label: "编辑", Names: c.Editors},
	}
}

// Empty reports whether the byline names no one.
func (c Credits) Empty() bool {
	return len(c.Writers)+len(c.Photographers)+len(c.Videographers)+len(c.Editors) == 0
}

// Names reports whether name is credited in any role.
func (c Credits) Names(name string) bool {
	for _, r := range c.Roles() {
		for _, n := range r.Names {
			if sameName(n, name) {
				return true
			}
		}
	}
	return false
}

// Person is someone a story features (人物): a name and an optional
// short description ("退休教师，西迁老人").
type Person struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Features reports whether a story with these people features name.
func Features(people []Person, name string) bool {
	for _, p := range people {
		if sameName(p.Name, name) {
			return true
		}
	}
	return false
}

// sameName compares names as staff type them: trimmed, Latin letters in
// any case.
func sameName(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }

// fieldErrors gathers the field errors of a check.
type fieldErrors []fault.FieldError

func (e *fieldErrors) add(field, format string, args ...any) {
	*e = append(*e, fault.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// normalizeNames trims a list of names, drops empty and repeated ones, and
// checks each.
func normalizeNames(errs *fieldErrors, field string, names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch l := utf8.RuneCountInString(n); {
		case l == 0:
			continue
		case l > MaxNameLength:
			errs.add(field, "name %q is longer than %d characters", n, MaxNameLength)
			continue
		case !plain.Line(n):
			errs.add(field, "name %q must be one line of text, without control or invisible characters", n)
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || sameName(o, n)
		}
		if !dup {
			out = append(out, n)
		}
	}
	if len(out) > MaxCreditNames {
		errs.add(field, "at most %d names", MaxCreditNames)
	}
	return out
}

func (c *Credits) normalize(errs *fieldErrors) {
	c.Writers = normalizeNames(errs, "credits.writers", c.Writers)
	c.Photographers = normalizeNames(errs, "credits.photographers", c.Photographers)
	c.Videographers = normalizeNames(errs, "credits.videographers", c.Videographers)
	c.Editors = normalizeNames(errs, "credits.editors", c.Editors)
}

func normalizePeople(errs *fieldErrors, people []Person) []Person {
	out := make([]Person, 0, len(people))
	for i, p := range people {
		p.Name, p.Description = strings.TrimSpace(p.Name), strings.TrimSpace(p.Description)
		field := fmt.Sprintf("people[%d]", i)
		if p.Name == "" {
			if p.Description != "" {
				errs.add(field+".name", "is required with a description")
			}
			continue
		}
		if n := utf8.RuneCountInString(p.Name); n > MaxNameLength || !plain.Line(p.Name) {
			errs.add(field+".name", "must be one line of at most %d characters", MaxNameLength)
			continue
		}
		if n := utf8.RuneCountInString(p.Description); n > MaxPersonDescription || !plain.Line(p.Description) {
			errs.add(field+".description", "must be one line of at most %d characters (it has %d)", MaxPersonDescription, n)
			continue
		}
		if !Features(out, p.Name) {
			out = append(out, p)
		}
	}
	if len(out) > MaxPeople {
		errs.add("people", "at most %d people", MaxPeople)
	}
	return out
}

func normalizeSEO(errs *fieldErrors, title, description *string) {
	*title, *description = strings.TrimSpace(*title), strings.TrimSpace(*description)
	if n := utf8.RuneCountInString(*title); n > MaxSEOTitle {
		errs.add("seo_title", "must be at most %d characters (it has %d)", MaxSEOTitle, n)
	} else if !plain.Line(*title) {
		errs.add("seo_title", "must be one line of text, without control or invisible characters")
	}
	if n := utf8.RuneCountInString(*description); n > MaxSEODescription {
		errs.add("seo_description", "must be at most %d characters (it has %d)", MaxSEODescription, n)
	} else if !plain.Line(*description) {
		errs.add("seo_description", "must be one line of text, without control or invisible characters")
	}
}

// SEOTitleOrTitle is the title search engines and shared links show: the SEO
// title when there is one, else the title.
func (l Live) SEOTitleOrTitle() string {
	if l.SEOTitle != "" {
		return l.SEOTitle
	}
	return l.Title
}

// SEODescriptionOrDefault is the description search engines and shared
// links show: the SEO description when there is one, else the summary,
// else the first sentence of the body's first paragraph; at most MaxSEODescription characters.
func (l Live) SEODescriptionOrDefault() string {
	if l.SEODescription != "" {
		return l.SEODescription
	}
	d := strings.Join(strings.Fields(l.Summary), " ")
	if d == "" {
		body := l.BodyHTML
		if i := strings.Index(body, "<p>"); i >= 0 {
			body = body[i:] // the text's first paragraph, not a heading above it
		}
		d = FirstSentence(search.TextOf(body))
	}
	return cut(d, MaxSEODescription)
}

// FirstSentence is text up to and including its first full stop (。！？,
// or . ! ? followed by a space), spaces folded.
func FirstSentence(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	for i, r := range text {
		switch r {
		case '。', '！', '？', '!', '?', '.':
			end := i + utf8.RuneLen(r)
			if r < utf8.RuneSelf && end < len(text) && text[end] != ' ' {
				continue // 3.5, example.com: not an end
			}
			return text[:end]
		}
	}
	return text
}

// cut shortens s to at most n characters, ending it with … when cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
