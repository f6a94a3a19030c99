package menu

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

// Limits of the settings.
const (
	MaxEntries = 12
	MaxLabel   = 12  // characters: a menu label is a word or two
	MaxURL     = 500 // bytes
	MaxPhone   = 40  // characters
)

// check normalizes and checks the input, every field error at once; it
// answers the menu to keep (nil: the default) and the phone number.
func (s *Service) check(ctx context.Context, in Input) ([]Entry, string, error) {
	var errs []fault.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, fault.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if in.Version < 0 {
		add("version", "must not be negative")
	}
	if len(in.Menu) > MaxEntries {
		add("menu", "at most %d entries", MaxEntries)
	}
	var menu []Entry
	if in.Menu != nil {
		menu = make([]Entry, 0, len(in.Menu))
	}
	for i, e := range in.Menu {
		field := func(name string) string { return fmt.Sprintf("menu[%d].%s", i, name) }
		e.Kind, e.Target, e.Label = strings.TrimSpace(e.Kind), strings.TrimSpace(e.Target), strings.TrimSpace(e.Label)
		switch n := utf8.RuneCountInString(e.Label); {
		case !plain.Line(e.Label):
			add(field("label"), "must be one line of text, without control or invisible characters")
		case n > MaxLabel:
			add(field("label"), "must be at most %d characters (it has %d)", MaxLabel, n)
		}
		switch e.Kind {
		case EntryColumn:
			if _, ok, err := s.cfg.Columns.Get(ctx, e.Target); err != nil {
				return nil, "", err
			} else if !ok {
				add(field("target"), "no column has the key %q", e.Target)
			}
		case EntryPage:
			_, err := s.cfg.Pages.GetLive(ctx, e.Target)
			switch {
			case fault.Is(err, fault.NotFound):
				add(field("target"), "no published page has the slug %q", e.Target)
			case err != nil:
				return nil, "", err
			}
		case EntryLectures, EntryVideos:
			if e.Target != "" {
				add(field("target"), "the %s section takes no target", e.Kind)
			}
		case EntryLink:
			if msg := linkProblem(e.Target); msg != "" {
				add(field("target"), "%s", msg)
			}
			if e.Label == "" {
				add(field("label"), "is required for a link")
			}
		default:
			add(field("kind"), "unknown kind %q; one of column, page, lectures, videos, link", e.Kind)
		}
		if (e.Kind == EntryLectures || e.Kind == EntryVideos) && e.Label == "" {
			e.Label = map[string]string{EntryLectures: "讲座", EntryVideos: "短视频"}[e.Kind]
		}
		menu = append(menu, e)
	}
	phone := strings.TrimSpace(in.Phone)
	switch n := utf8.RuneCountInString(phone); {
	case !plain.Line(phone):
		add("phone", "must be one line of text, without control or invisible characters")
	case n > MaxPhone:
		add("phone", "must be at most %d characters (it has %d)", MaxPhone, n)
	case phone != "" && !strings.ContainsFunc(phone, unicode.IsDigit):
		add("phone", "must hold a phone number")
	}
	if len(errs) > 0 {
		return nil, "", fault.Fields(errs...)
	}
	return menu, phone, nil
}

// linkProblem says what is wrong with a link's address ("": nothing): an
// absolute http or https address with a host, or a path of this site.
func linkProblem(target string) string {
	if target == "" {
		return "is required: an http(s) address or a path of the site"
	}
	if len(target) > MaxURL {
		return fmt.Sprintf("must be at most %d bytes", MaxURL)
	}
	if strings.ContainsFunc(target, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || plain.Invisible(r) }) {
		return "must not hold spaces or control characters"
	}
	if strings.HasPrefix(target, "/") {
		if strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") {
			return "a path of the site starts with one slash"
		}
		return ""
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "must be an http or https address (or a path of the site starting with /)"
	}
	return ""
}

// TelURL is the tel: address of a phone number as staff wrote it: its
// digits (and a leading +); "" when it has none.
func TelURL(phone string) string {
	var b strings.Builder
	for i, r := range phone {
		if r >= '0' && r <= '9' || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
		if strings.ContainsRune("转,，/、(（;；", r) { // an extension or a second number follows
			break
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "tel:" + b.String()
}
