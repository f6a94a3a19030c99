package lectures

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

// Limits of lecture fields.
const (
	MaxSpeakers      = 10
	MaxNameLength    = 40  // characters of a speaker's name or title
	MaxBioLength     = 500 // characters
	MaxVenueLength   = 100 // characters of each part of a venue
	MaxURLLength     = 1000
	MaxCapacity      = 100_000
	MaxWaitlist      = 10_000
	MaxSessionLength = 24 * time.Hour
)

// fieldErrors gathers a form's field errors.
type fieldErrors []fault.FieldError

func (e *fieldErrors) add(field, format string, args ...any) {
	*e = append(*e, fault.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (e fieldErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	return fault.Fields(e...)
}

// line checks a one-line text field of at most max characters.
func (e *fieldErrors) line(field string, v *string, max int, required bool) {
	*v = strings.TrimSpace(*v)
	switch n := utf8.RuneCountInString(*v); {
	case !plain.Line(*v):
		e.add(field, "must be one line of text, without control or invisible characters")
	case n == 0 && required:
		e.add(field, "is required")
	case n > max:
		e.add(field, "must be at most %d characters (it has %d)", max, n)
	}
}

// venue checks each part of a venue.
func (e *fieldErrors) venue(v *Venue) {
	for _, p := range []struct {
		field string
		v     *string
	}{{"venue.campus", &v.Campus}, {"venue.building", &v.Building}, {"venue.room", &v.Room}, {"venue.address", &v.Address}} {
		e.line(p.field, p.v, MaxVenueLength, false)
	}
}

// webURL checks an http(s) address.
func (e *fieldErrors) webURL(field string, v *string) {
	*v = strings.TrimSpace(*v)
	if *v == "" {
		return
	}
	u, err := url.Parse(*v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(*v) > MaxURLLength || !plain.Line(*v) {
		e.add(field, "must be an http or https address")
	}
}

func (e *fieldErrors) mediaID(field, v string) {
	if v != "" && !ident.Valid(v) {
		e.add(field, "is not a media id")
	}
}

// normalize trims the input and checks every field, returning all field
// errors at once. What only publishing needs (a time, a place) is checked
// by publishable: a draft may be incomplete.
func (in *Input) normalize() error {
	var errs fieldErrors
	errs.line("title", &in.Title, content.MaxTitleLength, true)
	in.Summary = strings.TrimSpace(in.Summary)
	if !plain.Text(in.Summary) {
		errs.add("summary", "must be text without control or invisible characters")
	} else if n := utf8.RuneCountInString(in.Summary); n > content.MaxSummaryLength {
		errs.add("summary", "must be at most %d characters (it has %d)", content.MaxSummaryLength, n)
	}
	in.Series = strings.TrimSpace(in.Series)
	if in.Series != "" && !content.ValidSlug(in.Series) {
		errs.add("series", "is not a series slug")
	}
	if len(in.Speakers) > MaxSpeakers {
		errs.add("speakers", "at most %d speakers", MaxSpeakers)
	}
	for i := range in.Speakers {
		sp := &in.Speakers[i]
		f := fmt.Sprintf("speakers[%d].", i)
		errs.line(f+"name", &sp.Name, MaxNameLength, true)
		errs.line(f+"title", &sp.Title, MaxNameLength, false)
		sp.Bio = strings.TrimSpace(sp.Bio)
		if !plain.Text(sp.Bio) || utf8.RuneCountInString(sp.Bio) > MaxBioLength {
			errs.add(f+"bio", "must be text of at most %d characters", MaxBioLength)
		}
		sp.Photo = strings.TrimSpace(sp.Photo)
		errs.mediaID(f+"photo", sp.Photo)
	}
	if in.Speakers == nil {
		in.Speakers = []Speaker{}
	}
	errs.venue(&in.Venue)
	errs.webURL("online_url", &in.OnlineURL)
	in.StartsAt, in.EndsAt = utcMillis(in.StartsAt), utcMillis(in.EndsAt)
	switch {
	case (in.StartsAt == nil) != (in.EndsAt == nil):
		errs.add("ends_at", "give both the start and the end, or neither")
	case in.StartsAt != nil && !in.EndsAt.After(*in.StartsAt):
		errs.add("ends_at", "must be after the start")
	case in.StartsAt != nil && in.EndsAt.Sub(*in.StartsAt) > MaxSessionLength:
		errs.add("ends_at", "a session lasts at most %d hours", int(MaxSessionLength.Hours()))
	}
	if in.Capacity < 0 || in.Capacity > MaxCapacity {
		errs.add("capacity", "must be between 0 and %d", MaxCapacity)
	}
	r := &in.Registration
	r.Mode = strings.TrimSpace(r.Mode)
	if r.Mode == "" {
		r.Mode = RegistrationNone
	}
	r.OpensAt, r.ClosesAt = utcMillis(r.OpensAt), utcMillis(r.ClosesAt)
	switch r.Mode {
	case RegistrationNone:
		if r.URL != "" {
			errs.add("registration.url", "only external registration has an address")
		}
	case RegistrationExternal:
		errs.webURL("registration.url", &r.URL)
		if r.URL == "" {
			errs.add("registration.url", "is required for external registration")
		}
	case RegistrationInternal:
		if r.URL != "" {
			errs.add("registration.url", "only external registration has an address")
		}
		if in.Capacity == 0 {
			errs.add("capacity", "is required when readers register here")
		}
	default:
		errs.add("registration.mode", "must be none, internal or external")
	}
	if r.OpensAt != nil && r.ClosesAt != nil && !r.ClosesAt.After(*r.OpensAt) {
		errs.add("registration.closes_at", "must be after it opens")
	}
	if r.Waitlist < 0 || r.Waitlist > MaxWaitlist {
		errs.add("registration.waitlist", "must be between 0 and %d", MaxWaitlist)
	}
	in.Cover = strings.TrimSpace(in.Cover)
	errs.mediaID("cover", in.Cover)
	if !utf8.ValidString(in.Body) || strings.ContainsRune(in.Body, 0) {
		errs.add("body", "must be valid text")
	} else if len(in.Body) > content.MaxBodyBytes {
		errs.add("body", "must be at most %d KB", content.MaxBodyBytes/1000)
	}
	return errs.err()
}

// utcMillis is t in UTC at the millisecond precision the stores keep.
func utcMillis(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Millisecond)
	return &u
}
