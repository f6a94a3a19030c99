package lectures

import (
	"context"
	"crypto/rand"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// DefaultKeepPersonalData is how long after a session its registrations
// (names and phone numbers) are kept when Config does not say.
const DefaultKeepPersonalData = 30 * 24 * time.Hour

// The counters of a session in the PlaceStore: confirmed places, places on
// the waiting list, arrivals (the order of registration), and the numbers
// of the waiting list's order (never given back).
func placesKey(id string) string   { return "lecture:" + id }
func waitingKey(id string) string  { return "lecture:" + id + ":waiting" }
func arrivalsKey(id string) string { return "lecture:" + id + ":arrivals" }
func waitSeqKey(id string) string  { return "lecture:" + id + ":waitseq" }

// RegistrationInput is a reader's registration as sent.
type RegistrationInput struct {
	Name, Phone, Note string
	// Trap is the form's honeypot: a field people never see, so never
	// fill; a script that fills it is refused.
	Trap string
}

// Receipt is a new registration with its code, shown to the reader once.
type Receipt struct {
	Code string
	Registration
	// Position on the waiting list (1: next to get a place); 0 when
	// confirmed. Exact: see Service.position.
	Position int
	// Lecture is the session, as it was read to register.
	Lecture Lecture
}

// codeAlphabet has no letters people confuse when reading a code aloud or
// typing it (no 0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CodeLength is the length of a registration code.
const CodeLength = 10

// newCode is a registration code: 10 characters, about 49 bits.
func newCode() string {
	b := make([]byte, CodeLength)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// NormalizeCode reads a registration code as a reader types or copies
// it: spaces and dashes left out, full-width letters and digits (a
// Chinese input method's) made plain, lower case made upper. ok is false
// when what is left cannot be a code (its length, or a character no code
// has: 0, 1, I, L, O).
func NormalizeCode(s string) (code string, ok bool) {
	b := make([]byte, 0, CodeLength)
	for _, r := range s {
		if r >= '！' && r <= '～' { // full width: ＡＢＣ１２３
			r -= '！' - '!'
		}
		switch {
		case r == ' ' || r == '-' || r == '\u3000' || r == '\t':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		if r > 0x7f || !strings.ContainsRune(codeAlphabet, r) || len(b) == CodeLength {
			return "", false
		}
		b = append(b, byte(r))
	}
	if len(b) != CodeLength {
		return "", false
	}
	return string(b), true
}

// Places is how many places a session has and has taken.
type Places struct {
	Capacity, Confirmed, Waitlist, Waiting int64
}

// Left is the places still free.
func (p Places) Left() int64 { return max(p.Capacity-p.Confirmed, 0) }

// Places counts a published session's places.
func (s *Service) Places(ctx context.Context, l Lecture) (Places, error) {
	p := Places{Capacity: int64(l.Live.Capacity), Waitlist: int64(l.Live.Registration.Waitlist)}
	if l.Live.Registration.Mode != RegistrationInternal {
		return p, nil
	}
	var err error
	if p.Confirmed, err = s.cfg.Places.PlacesTaken(ctx, placesKey(l.ID)); err != nil {
		return p, err
	}
	p.Waiting, err = s.cfg.Places.PlacesTaken(ctx, waitingKey(l.ID))
	return p, err
}

// Register registers a reader for a published session: a confirmed place
// while there are places, else a place on the waiting list while it has
// room. The places are counted atomically in the store, so concurrent
// registrations on any number of instances never take more than there are.
//
// A phone number that holds a registration of the session already gets a
// registration of its own, like any other (marked Repeat for the office):
// the answer to a repeat must tell whoever sent it nothing of the first
// registration (that the number is registered, its status, its code).
// Anything else, a refusal or a code that led nowhere, would tell anyone
// who knows a phone number whether its owner registered. The first
// registrant keeps their code.
//
// Errors: fault.Invalid (fields; a filled honeypot); fault.Conflict when
// registration is not open, or the session and waiting list are full;
// fault.NotFound.
func (s *Service) Register(ctx context.Context, slug string, in RegistrationInput) (rc Receipt, err error) {
	if s.cfg.Observe != nil {
		defer func() { s.cfg.Observe(registrationOutcome(rc, err)) }()
	}
	if in.Trap != "" {
		return Receipt{}, fault.New(fault.Invalid, "the registration could not be taken; please try again or call the office")
	}
	if err := checkRegistrant(&in.Name, &in.Phone, &in.Note); err != nil {
		return Receipt{}, err
	}
	l, err := s.GetLive(ctx, slug)
	if err != nil {
		return Receipt{}, err
	}
	now := s.clock()
	if err := registrationOpen(l, now); err != nil {
		return Receipt{}, err
	}
	repeat, err := s.cfg.Registrations.PhoneRegistered(ctx, l.ID, in.Phone)
	if err != nil {
		return Receipt{}, err
	}
	// From the first counter on, the registration is finished whatever
	// becomes of the request: a deadline or a reader who leaves between
	// taking a place and storing the registration would leave a counter
	// that no registration matches (a place lost, or given twice when a
	// write that did reach the store is undone). Its own deadline.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	seq, _, err := s.cfg.Places.TakePlace(ctx, arrivalsKey(l.ID), math.MaxInt64)
	if err != nil {
		return Receipt{}, err
	}
	code := newCode()
	r := Registration{ID: ident.New(), LectureID: l.ID, CodeHash: HashCode(code), Name: in.Name, Phone: in.Phone, Note: in.Note,
		Status: Confirmed, Seq: seq, Version: 1, CreatedAt: now, UpdatedAt: now, PurgeAt: s.purgeAt(l.Live.Input, now), Repeat: repeat}
	held := placesKey(l.ID)
	if _, ok, err := s.cfg.Places.TakePlace(ctx, held, int64(l.Live.Capacity)); err != nil {
		return Receipt{}, err
	} else if !ok {
		r.Status, held = Waitlisted, waitingKey(l.ID)
		_, ok, err := s.cfg.Places.TakePlace(ctx, held, int64(l.Live.Registration.Waitlist))
		if err != nil {
			return Receipt{}, err
		}
		if !ok {
			if l.Live.Registration.Waitlist == 0 {
				return Receipt{}, fault.New(fault.Conflict, "the session is full")
			}
			return Receipt{}, fault.New(fault.Conflict, "the session and its waiting list are full")
		}
		r.WaitSeq = WaitUnnumbered
	}
	if err := s.insert(ctx, r); err != nil {
		s.release(held)
		return Receipt{}, err
	}
	receipt := Receipt{Code: code, Registration: r, Lecture: l}
	if r.Status == Waitlisted {
		if err := s.numberWaiting(ctx, l.ID, r.ID); err != nil {
			return Receipt{}, err
		}
		// A place may have been freed while this one joined the list.
		if err := s.settle(ctx, l); err != nil {
			return Receipt{}, err
		}
		if receipt.Registration, err = s.cfg.Registrations.GetRegistration(ctx, r.ID); err != nil {
			return Receipt{}, err
		}
		if receipt.Position, err = s.position(ctx, receipt.Registration); err != nil {
			return Receipt{}, err
		}
	}
	s.placesChanged(ctx, l.ID)
	return receipt, nil
}

// insert stores a new registration. An insert that failed may have been
// stored all the same (the store wrote it, the answer was lost: a
// connection cut, a deadline reached as the reply came): the place it
// took is then held by a stored registration and must not be given back
// (it would be given twice: the session overbooked, or a reader promoted
// from the list while everyone behind them had been told their position
// already). So a failure is checked by reading the registration back by
// its id; only one that is not there failed.
func (s *Service) insert(ctx context.Context, r Registration) error {
	err := s.cfg.Registrations.InsertRegistration(ctx, r)
	if err == nil {
		return nil
	}
	if _, gerr := s.cfg.Registrations.GetRegistration(ctx, r.ID); gerr == nil {
		return nil
	}
	return err
}

// Closed says why a session takes no registration here now ("": it
// does).
type Closed string

// The reasons.
const (
	ClosedElsewhere Closed = "elsewhere" // external registration
	ClosedNone      Closed = "none"      // no registration: come along
	ClosedCancelled Closed = "cancelled"
	ClosedPostponed Closed = "postponed"
	ClosedNotYet    Closed = "not_yet" // before the window opens
	ClosedOver      Closed = "over"    // after it closes (the start, by default)
)

// RegistrationClosed says whether a published session takes registration
// here at now, and if not why: the one rule the service and the website
// both follow.
func RegistrationClosed(l Lecture, now time.Time) Closed {
	rules := l.Live.Registration
	switch {
	case rules.Mode == RegistrationExternal:
		return ClosedElsewhere
	case rules.Mode != RegistrationInternal:
		return ClosedNone
	case l.Event.Status == EventCancelled:
		return ClosedCancelled
	case l.Event.Status == EventPostponed:
		return ClosedPostponed
	case rules.OpensAt != nil && now.Before(*rules.OpensAt):
		return ClosedNotYet
	}
	closes := l.Live.StartsAt
	if rules.ClosesAt != nil {
		closes = rules.ClosesAt
	}
	if closes != nil && !now.Before(*closes) {
		return ClosedOver
	}
	return ""
}

// registrationOpen is RegistrationClosed as the service's error.
func registrationOpen(l Lecture, now time.Time) error {
	rules := l.Live.Registration
	switch RegistrationClosed(l, now) {
	case ClosedElsewhere:
		return fault.New(fault.Conflict, "registration for this session is taken elsewhere: %s", rules.URL)
	case ClosedNone:
		return fault.New(fault.Conflict, "this session takes no registration: just come along")
	case ClosedCancelled:
		return fault.New(fault.Conflict, "the session is cancelled")
	case ClosedPostponed:
		return fault.New(fault.Conflict, "the session is postponed: registration opens again with its new date")
	case ClosedNotYet:
		return fault.New(fault.Conflict, "registration opens at %s", rules.OpensAt.In(shanghai).Format("2006-01-02 15:04"))
	case ClosedOver:
		return fault.New(fault.Conflict, "registration has closed")
	}
	return nil
}

// numberWaiting gives a registration that joined the waiting list its
// number in the list's order: the next of the session's counter, taken in
// one atomic step, so of any number of registrations on any number of
// instances no two get one number. The registration is stored first and
// numbered second: one stored but not numbered yet is behind every number
// given (it will get a higher one), so promotions pass it by meanwhile
// (FirstWaiting) and no position counts it. Its own deadline: a reader
// who leaves now must not leave a registration without its number.
func (s *Service) numberWaiting(ctx context.Context, lectureID, id string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	n, _, err := s.cfg.Places.TakePlace(ctx, waitSeqKey(lectureID), math.MaxInt64)
	if err != nil {
		return err
	}
	return s.cfg.Registrations.NumberWaiting(ctx, id, n)
}

// position is a waiting registration's place in the queue (1: next to
// get a place): its rank among the registrations still waiting. It is
// counted from the numbers, not from the list as stored: number n has
// n-1 numbers before it, of which those promoted or cancelled since are
// no longer ahead; a number taken by a registration still on its way to
// the store counts as ahead, as it is. So two readers are never told one
// position, and a position shown later is exact too (someone ahead who
// cancels moves everyone behind up by one). Registrations waiting since
// before numbers were given (WaitSeq 0) are ahead of all numbered ones,
// in order of arrival.
func (s *Service) position(ctx context.Context, r Registration) (int, error) {
	if r.Status != Waitlisted {
		return 0, nil
	}
	older, err := s.cfg.Registrations.CountWaitSeq(ctx, r.LectureID, []RegistrationStatus{Waitlisted}, 0, 1)
	if err != nil {
		return 0, err
	}
	if r.WaitSeq > 0 {
		left, err := s.cfg.Registrations.CountWaitSeq(ctx, r.LectureID, []RegistrationStatus{Confirmed, Cancelled}, 1, r.WaitSeq)
		if err != nil {
			return 0, err
		}
		return int(older + r.WaitSeq - left), nil
	}
	// Waiting since before numbers were given (or, for a moment, not
	// numbered yet): its rank by arrival among those of its kind.
	ahead, err := s.cfg.Registrations.ListRegistrations(ctx, RegistrationQuery{LectureID: r.LectureID, Status: Waitlisted, Limit: MaxWaitlist})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range ahead {
		if a.WaitSeq == r.WaitSeq {
			n++
		}
		if a.ID == r.ID {
			if r.WaitSeq < 0 { // behind every numbered one
				numbered, err := s.cfg.Places.PlacesTaken(ctx, waitSeqKey(r.LectureID))
				if err != nil {
					return 0, err
				}
				left, err := s.cfg.Registrations.CountWaitSeq(ctx, r.LectureID, []RegistrationStatus{Confirmed, Cancelled}, 1, math.MaxInt64)
				if err != nil {
					return 0, err
				}
				return int(older+numbered-left) + n, nil
			}
			return n, nil
		}
	}
	return 0, nil
}

func (s *Service) clock() time.Time { return s.cfg.Now().UTC().Truncate(time.Millisecond) }

// purgeAt is when a registration's personal data goes: the configured
// time after the session ends (or starts).
func (s *Service) purgeAt(in Input, now time.Time) time.Time {
	end := now
	switch {
	case in.EndsAt != nil:
		end = *in.EndsAt
	case in.StartsAt != nil:
		end = *in.StartsAt
	}
	return end.Add(s.cfg.KeepPersonalData)
}

// release gives back a place taken for a registration that was not
// stored, with its own deadline (the request's may be what failed).
func (s *Service) release(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = s.cfg.Places.ReleasePlace(ctx, key)
}

// placesChanged tells the caches that the places left of the session
// lectureID changed; they also expire by age, so a failure is not the
// caller's.
func (s *Service) placesChanged(ctx context.Context, lectureID string) {
	_ = s.cfg.Changes.BumpChanges(ctx, content.ItemRef{Kind: Kind, ID: lectureID})
}

// promoteNext gives the place a cancellation freed to the first on the
// waiting list (by WaitSeq), with a notice to tell them; false when nobody
// waits. The
// place passes from one to the other without going back to the counter,
// so a new registration cannot take it first.
func (s *Service) promoteNext(ctx context.Context, l Lecture) (bool, error) {
	for range 10 {
		r, err := s.cfg.Registrations.FirstWaiting(ctx, l.ID)
		if fault.Is(err, fault.NotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		now := s.clock()
		r.Status, r.Version, r.UpdatedAt = Confirmed, r.Version+1, now
		r.Notice = promotion(r.Notice, l, now)
		err = s.cfg.Registrations.UpdateRegistration(ctx, r, r.Version-1)
		if fault.Is(err, fault.Conflict) || fault.Is(err, fault.NotFound) {
			continue // cancelled or promoted meanwhile: the next one
		}
		if err != nil {
			return false, err
		}
		_, err = s.cfg.Places.ReleasePlace(ctx, waitingKey(l.ID))
		return true, err
	}
	return false, fault.New(fault.Unavailable, "the waiting list is changing too fast; try again")
}

// settle promotes from the waiting list while there are free places (a
// place freed as someone joined the list, or a larger capacity).
func (s *Service) settle(ctx context.Context, l Lecture) error {
	for range 100 {
		_, ok, err := s.cfg.Places.TakePlace(ctx, placesKey(l.ID), int64(l.Live.Capacity))
		if err != nil || !ok {
			return err
		}
		promoted, err := s.promoteNext(ctx, l)
		if err != nil || !promoted {
			s.release(placesKey(l.ID))
			return err
		}
	}
	return nil
}

// Lookup finds a registration by its code (readers see and cancel theirs
// with it), with its session as readers see it.
func (s *Service) Lookup(ctx context.Context, code string) (Registration, Lecture, int, error) {
	r, err := s.cfg.Registrations.FindRegistration(ctx, HashCode(code))
	if err != nil {
		return Registration{}, Lecture{}, 0, notFound(err)
	}
	l, err := s.cfg.Store.Get(ctx, r.LectureID)
	if err != nil {
		return Registration{}, Lecture{}, 0, notFound(err)
	}
	pos, err := s.position(ctx, r)
	return r, l, pos, err
}

func notFound(err error) error {
	if fault.Is(err, fault.NotFound) {
		return fault.New(fault.NotFound, "no registration with this code")
	}
	return err
}

// CancelByCode cancels a reader's registration; cancelling twice answers
// the cancelled registration again.
func (s *Service) CancelByCode(ctx context.Context, code string) (Registration, error) {
	r, err := s.cfg.Registrations.FindRegistration(ctx, HashCode(code))
	if err != nil {
		return Registration{}, notFound(err)
	}
	return s.cancel(ctx, r)
}

// CancelRegistration cancels a registration for the office (a reader who
// called), with an audit record. Who manages the session (MayManage) may.
//
// Errors: fault.Forbidden, fault.NotFound, fault.Conflict.
func (s *Service) CancelRegistration(ctx context.Context, actor content.Actor, lectureID, id string) (Registration, error) {
	if _, err := s.managed(ctx, actor, lectureID); err != nil {
		return Registration{}, err
	}
	r, err := s.cfg.Registrations.GetRegistration(ctx, id)
	if err != nil || r.LectureID != lectureID {
		return Registration{}, fault.New(fault.NotFound, "no such registration")
	}
	r, err = s.cancel(ctx, r)
	if err != nil {
		return r, err
	}
	a := actor.Audit()
	return r, s.cfg.Audit.Append(ctx, audit.Entry{ID: ident.New(), At: s.clock(), ActorID: a.ID, Actor: a.Name, Address: a.Address,
		Action: audit.Transition, Target: Kind + ":" + lectureID, Detail: "registration " + id + " cancelled"})
}

func (s *Service) cancel(ctx context.Context, r Registration) (Registration, error) {
	if r.Status == Cancelled {
		return r, nil
	}
	was, now := r.Status, s.clock()
	r.Status, r.CancelledAt, r.UpdatedAt, r.Version, r.Notice = Cancelled, &now, now, r.Version+1, nil
	if err := s.cfg.Registrations.UpdateRegistration(ctx, r, r.Version-1); err != nil {
		if fault.Is(err, fault.Conflict) {
			return Registration{}, fault.New(fault.Conflict, "the registration changed meanwhile; look at it again")
		}
		return Registration{}, err
	}
	l, err := s.cfg.Store.Get(ctx, r.LectureID)
	if err != nil {
		return r, fmt.Errorf("lectures: the session of a cancelled registration: %w", err)
	}
	switch was {
	case Confirmed:
		promoted, err := s.promoteNext(ctx, l)
		if err != nil {
			return r, err
		}
		if !promoted {
			if _, err := s.cfg.Places.ReleasePlace(ctx, placesKey(l.ID)); err != nil {
				return r, err
			}
		}
	case Waitlisted:
		if _, err := s.cfg.Places.ReleasePlace(ctx, waitingKey(l.ID)); err != nil {
			return r, err
		}
	}
	s.placesChanged(ctx, l.ID)
	return r, nil
}

// registrationOutcome names how a registration ended, for
// Config.Observe: the status taken (confirmed, waitlisted), or why none
// was (refused: closed or full; invalid; not_found; error).
func registrationOutcome(rc Receipt, err error) string {
	switch {
	case err == nil:
		return string(rc.Status)
	case fault.Is(err, fault.Conflict):
		return "refused"
	case fault.Is(err, fault.Invalid):
		return "invalid"
	case fault.Is(err, fault.NotFound):
		return "not_found"
	}
	return "error"
}
