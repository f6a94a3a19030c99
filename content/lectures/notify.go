package lectures

import (
	"context"
	"log/slog"
	"strconv"
	"sync"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Notifier tells registrants of their notices: an SMS gateway, WeChat
// template messages. Notify reports whether the registrant was reached;
// only then is the notice marked told. One that is not stays on the
// office's list (GET /notifications) for a person to call.
type Notifier interface {
	Notify(ctx context.Context, r Registration, l Lecture) (reached bool, err error)
}

// LogNotifier is the default notifier: it writes each notice to the log
// once, by the ids of the registration and the session (no name, phone or
// note: logs are kept longer than registrations, and read by more), and
// reaches no one, so every notice waits for the office.
type LogNotifier struct {
	Logger *slog.Logger

	mu     sync.Mutex
	logged map[string]bool // registration id and sequence
}

// Notify implements Notifier.
func (n *LogNotifier) Notify(_ context.Context, r Registration, l Lecture) (bool, error) {
	key := r.ID + ":" + strconv.FormatInt(r.Notice.Sequence, 10) + string(r.Notice.Kind)
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.logged == nil {
		n.logged = map[string]bool{}
	}
	if n.logged[key] || n.Logger == nil {
		return false, nil
	}
	n.logged[key] = true
	n.Logger.Info("a registrant is to be told (no notifier is configured: the office tells them)",
		"registration", r.ID, "lecture", l.ID, "notice", string(r.Notice.Kind), "event_status", string(r.Notice.Status),
		"sequence", r.Notice.Sequence)
	return false, nil
}

// notifier is the system actor of notices marked told by a notifier.
var notifier = content.Actor{Name: "notifier"}

// NotifyPending runs every pending notice through n and marks told those
// it reached; it answers how many.
func (s *Service) NotifyPending(ctx context.Context, n Notifier) (int, error) {
	reached := 0
	for after := ""; ; {
		page, err := s.cfg.Registrations.ListToTell(ctx, after, 100)
		if err != nil || len(page) == 0 {
			return reached, err
		}
		for _, r := range page {
			l, err := s.cfg.Store.Get(ctx, r.LectureID)
			if err != nil {
				return reached, err
			}
			ok, err := n.Notify(ctx, r, l)
			if err != nil {
				return reached, err
			}
			if ok {
				if _, err := s.markTold(ctx, notifier, r, r.Notice.Sequence); err != nil {
					return reached, err
				}
				reached++
			}
		}
		after = page[len(page)-1].ID
	}
}

// IsMobile reports whether a normalized phone number is a mainland mobile
// number, one a text message reaches (a landline is not).
func IsMobile(phone string) bool { return mobilePattern.MatchString(phone) }

// NoticeOf reads registration id and its session for a notifier that
// works from the registration's id (a job of the outbox): the session is
// a zero Lecture when it is gone. No actor is checked: notifiers are the
// system's.
//
// Errors: fault.NotFound (the registration was deleted), a store that does
// not answer.
func (s *Service) NoticeOf(ctx context.Context, id string) (Registration, Lecture, error) {
	r, err := s.cfg.Registrations.GetRegistration(ctx, id)
	if err != nil {
		return Registration{}, Lecture{}, err
	}
	l, err := s.cfg.Store.Get(ctx, r.LectureID)
	if err != nil && !fault.Is(err, fault.NotFound) {
		return Registration{}, Lecture{}, err
	}
	return r, l, nil
}

// MarkReached records that a notifier (by, a system actor such as the
// SMS channel's) reached the registrant of registration id with the
// notice of this sequence; the audit record names by. A notice already
// told is left alone.
//
// Errors: fault.NotFound, fault.Conflict (a newer notice came meanwhile:
// it stays to be told).
func (s *Service) MarkReached(ctx context.Context, by content.Actor, id string, sequence int64) error {
	r, err := s.cfg.Registrations.GetRegistration(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.markTold(ctx, by, r, sequence)
	return err
}
