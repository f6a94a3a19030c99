package lectures

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/internal/ground/plain"
)

// RegistrationStatus is where a registration stands.
type RegistrationStatus string

// The registration statuses.
const (
	Confirmed  RegistrationStatus = "confirmed"
	Waitlisted RegistrationStatus = "waitlisted"
	Cancelled  RegistrationStatus = "cancelled"
)

// Registration is a reader's place at a session (or on its waiting list).
// Name and Phone are personal data: never in the content API or a feed,
// masked in the admin's lists, and deleted PurgeAt (a number of days after
// the session).
type Registration struct {
	ID        string
	LectureID string
	// CodeHash is the SHA-256 of the code the reader was given (the code
	// itself is not kept, so the database alone cannot cancel anyone).
	CodeHash string
	Name     string
	Phone    string // normalized: 13812345678, or a landline 029-12345678
	Note     string
	Status   RegistrationStatus
	// Seq is the order of arrival at this session (1, 2, ...).
	Seq int64
	// WaitSeq is the registration's number in the order of the session's
	// waiting list (1, 2, ...), taken from a counter in one atomic step
	// when it joins the list, and kept once promoted or cancelled: the
	// list is promoted in this order, and a waiting registration's
	// position is counted from it. 0: never on the list (or waiting since
	// before numbers were given: those come first); -1 (WaitUnnumbered):
	// joining the list, for the moment it takes its number.
	WaitSeq     int64
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CancelledAt *time.Time
	PurgeAt     time.Time
	// Notice is a change of the session the registrant must still be told
	// of (nil: nothing to tell).
	Notice *Notice
	// Repeat is set when, as it was made, another active registration of
	// the session had its phone number: someone registering again (who
	// lost their code, or a couple sharing a landline). It is a
	// registration of its own all the same (see Service.Register); the
	// office sees the mark.
	Repeat bool
}

// Active reports whether the registration holds a place or waits for one.
func (r Registration) Active() bool { return r.Status != Cancelled }

// NoticeKind says what a registrant must be told.
type NoticeKind string

// The notices.
const (
	SessionChanged NoticeKind = "session_changed" // postponed, rescheduled, cancelled, moved online
	PlaceConfirmed NoticeKind = "place_confirmed" // promoted from the waiting list
)

// Notice is what a registrant must be told: a change of the session, or a
// place freed for them.
type Notice struct {
	Kind     NoticeKind
	Sequence int64 // the session's sequence after the change
	Status   EventStatus
	Reason   string
	StartsAt *time.Time // the start after the change
	// PreviousStartsAt is the start before the change, when the change
	// moved the session (nil: it did not). A promotion keeps the one of
	// the change it finds still to be told.
	PreviousStartsAt *time.Time
	At               time.Time // when it changed
}

// WaitUnnumbered is the WaitSeq of a registration joining the waiting list
// before it has its number.
const WaitUnnumbered = -1

// RegistrationQuery selects the registrations of a session, in order of
// arrival.
type RegistrationQuery struct {
	LectureID string
	Status    RegistrationStatus // "" any
	AfterSeq  int64
	Limit     int
}

// RegistrationStore keeps registrations.
//
// Errors: a missing registration is fault.NotFound; UpdateRegistration
// with a stale version is fault.Conflict; a database that does not answer
// is fault.Unavailable.
type RegistrationStore interface {
	// InsertRegistration stores a new registration.
	InsertRegistration(ctx context.Context, r Registration) error
	// PhoneRegistered reports whether an active registration (confirmed or
	// waiting) of the session has the phone number.
	PhoneRegistered(ctx context.Context, lectureID, phone string) (bool, error)
	GetRegistration(ctx context.Context, id string) (Registration, error)
	// FindRegistration finds a registration by the hash of its code.
	FindRegistration(ctx context.Context, codeHash string) (Registration, error)
	// UpdateRegistration replaces the registration whose version is
	// expect (r.Version is the new one).
	UpdateRegistration(ctx context.Context, r Registration, expect int64) error
	ListRegistrations(ctx context.Context, q RegistrationQuery) ([]Registration, error)
	// FirstWaiting returns the session's waiting registration that is next
	// for a place: the lowest WaitSeq, then Seq, of those that have a
	// number (WaitSeq >= 0); fault.NotFound when none.
	FirstWaiting(ctx context.Context, lectureID string) (Registration, error)
	// CountWaitSeq counts the session's registrations whose status is one
	// of statuses and whose WaitSeq is in [from, to).
	CountWaitSeq(ctx context.Context, lectureID string, statuses []RegistrationStatus, from, to int64) (int64, error)
	// NumberWaiting gives registration id, while its WaitSeq is
	// WaitUnnumbered, the number n, raising its version (one conditional
	// write); fault.Conflict when it has a number, fault.NotFound.
	NumberWaiting(ctx context.Context, id string, n int64) error
	// MarkToTell gives every active registration of a session the notice
	// and a new purge time, raising their versions. One whose notice is a
	// promotion still to be told (PlaceConfirmed) gets the notice as a
	// promotion (Kind PlaceConfirmed), so it still says they have a place.
	MarkToTell(ctx context.Context, lectureID string, n Notice, purgeAt time.Time) error
	// ListToTell lists registrations with a notice, by id after after.
	ListToTell(ctx context.Context, after string, limit int) ([]Registration, error)
	// PurgeRegistrations deletes registrations whose PurgeAt is before t
	// (at most limit), returning how many went.
	PurgeRegistrations(ctx context.Context, t time.Time, limit int) (int, error)
}

// Limits of a registration.
const (
	MaxRegistrantName = 20  // characters
	MaxRegistrantNote = 200 // characters
)

var (
	mobilePattern   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlinePattern = regexp.MustCompile(`^0[1-9][0-9]{1,2}-?[0-9]{7,8}$`)
)

// NormalizePhone reads a Chinese phone number as people write it (spaces,
// dashes, full-width digits, +86): a mobile number of 11 digits, or a
// landline with its area code. ok is false for anything else.
func NormalizePhone(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == ' ' || r == '　' || r == '(' || r == ')' || r == '（' || r == '）':
		case r == '－' || r == '—':
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	p := b.String()
	p = strings.TrimPrefix(strings.TrimPrefix(p, "+86"), "0086")
	p = strings.TrimPrefix(p, "-")
	if m := strings.ReplaceAll(p, "-", ""); mobilePattern.MatchString(m) {
		return m, true
	}
	if landlinePattern.MatchString(p) {
		if !strings.Contains(p, "-") { // area codes: 010, 02x are 3 digits; the rest 4
			n := 4
			if p[1] == '1' || p[1] == '2' {
				n = 3
			}
			p = p[:n] + "-" + p[n:]
		}
		return p, true
	}
	return "", false
}

// MaskPhone hides the middle of a phone number: 138****5678, 029-****5678.
func MaskPhone(p string) string {
	if len(p) < 7 {
		return "****"
	}
	if mobilePattern.MatchString(p) {
		return p[:3] + "****" + p[7:]
	}
	area, num, ok := strings.Cut(p, "-")
	if ok && len(num) > 4 {
		return area + "-****" + num[len(num)-4:]
	}
	return p[:3] + "****" + p[len(p)-4:]
}

// HashCode is how a registration's code is looked up.
func HashCode(code string) string {
	sum := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(code))))
	return hex.EncodeToString(sum[:])
}

// checkRegistrant checks a reader's name, phone and note, normalizing
// them.
func checkRegistrant(name, phone, note *string) error {
	var errs fieldErrors
	errs.line("name", name, MaxRegistrantName, true)
	if p, ok := NormalizePhone(*phone); ok {
		*phone = p
	} else {
		errs.add("phone", "must be a mobile number (11 digits) or a landline with its area code")
	}
	*note = strings.TrimSpace(*note)
	if !plain.Text(*note) {
		errs.add("note", "must be text without control or invisible characters")
	} else if n := utf8.RuneCountInString(*note); n > MaxRegistrantNote {
		errs.add("note", "must be at most %d characters (it has %d)", MaxRegistrantNote, n)
	}
	return errs.err()
}
