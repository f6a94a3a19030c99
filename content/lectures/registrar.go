package lectures

import (
	"cmp"
	"context"
	"encoding/csv"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

// Registrations lists a session's registrations (names and notes) for
// who manages it (MayManage), in order of arrival after seq afterSeq
// (status "" for all).
//
// Errors: fault.Forbidden, fault.NotFound, fault.Invalid.
func (s *Service) Registrations(ctx context.Context, actor content.Actor, lectureID string, status RegistrationStatus, afterSeq int64, limit int) ([]Registration, error) {
	if _, err := s.managed(ctx, actor, lectureID); err != nil {
		return nil, err
	}
	switch status {
	case "", Confirmed, Waitlisted, Cancelled:
	default:
		return nil, fault.Fields(fault.FieldError{Field: "status", Message: "must be confirmed, waitlisted or cancelled"})
	}
	if limit == 0 {
		limit = content.DefaultLimit
	}
	return s.cfg.Registrations.ListRegistrations(ctx, RegistrationQuery{LectureID: lectureID, Status: status, AfterSeq: afterSeq, Limit: limit})
}

// MayExport reports whether a user may export a session's registrations
// with whole phone numbers: administrators, who created the session, and
// who organizes its series (publishers as such may not: the role table
// gives them no whole numbers).
func (s *Service) MayExport(ctx context.Context, l Lecture, userID string, admin bool) (bool, error) {
	if admin {
		return true, nil
	}
	return s.manages(ctx, l, userID)
}

// ExportCSV writes every registration of a session as CSV (UTF-8 with a
// byte-order mark, so spreadsheet programs read the Chinese), whole phone
// numbers included, and records the export in the audit log. Rows are in
// order of arrival, numbered 1, 2, ... (序号, without gaps: the order of
// arrival counts refused attempts too); a waiting registration has its
// position on the waiting list (候补位次, 1: next to get a place). The
// caller has checked MayExport.
func (s *Service) ExportCSV(ctx context.Context, actor content.Actor, l Lecture, w io.Writer) error {
	var all []Registration
	for after := int64(0); ; {
		page, err := s.cfg.Registrations.ListRegistrations(ctx, RegistrationQuery{LectureID: l.ID, AfterSeq: after, Limit: 500})
		if err != nil {
			return err
		}
		all = append(all, page...)
		if len(page) < 500 {
			break
		}
		after = page[len(page)-1].Seq
	}
	positions := waitingPositions(all)
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"序号", "状态", "姓名", "电话", "备注", "报名时间", "取消时间", "同号再报", "候补位次"})
	words := map[RegistrationStatus]string{Confirmed: "已确认", Waitlisted: "候补", Cancelled: "已取消"}
	for i, r := range all {
		cancelled := ""
		if r.CancelledAt != nil {
			cancelled = r.CancelledAt.In(shanghai).Format("2006-01-02 15:04")
		}
		repeat := ""
		if r.Repeat {
			repeat = "是"
		}
		position := ""
		if n, ok := positions[r.ID]; ok {
			position = strconv.Itoa(n)
		}
		_ = cw.Write([]string{strconv.Itoa(i + 1), words[r.Status], plain.SpreadsheetSafe(r.Name), plain.SpreadsheetSafe(r.Phone), plain.SpreadsheetSafe(r.Note),
			r.CreatedAt.In(shanghai).Format("2006-01-02 15:04"), cancelled, repeat, position})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	a := actor.Audit()
	return s.cfg.Audit.Append(ctx, audit.Entry{ID: ident.New(), At: s.clock(), ActorID: a.ID, Actor: a.Name, Address: a.Address,
		Action: audit.Transition, Target: Kind + ":" + l.ID, Detail: "registrations exported (" + strconv.Itoa(len(all)) + " rows, with phone numbers)"})
}

// waitingPositions numbers the waiting registrations of rs (a session's,
// all of them) in the order the list is promoted in: those waiting from
// before numbers first, then by their numbers, one joining this moment
// last; equal numbers by arrival. It answers registration id: position.
func waitingPositions(rs []Registration) map[string]int {
	var waiting []Registration
	for _, r := range rs {
		if r.Status == Waitlisted {
			waiting = append(waiting, r)
		}
	}
	rank := func(r Registration) int64 {
		if r.WaitSeq < 0 {
			return math.MaxInt64
		}
		return r.WaitSeq
	}
	slices.SortStableFunc(waiting, func(a, b Registration) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Seq, b.Seq)) })
	out := make(map[string]int, len(waiting))
	for i, r := range waiting {
		out[r.ID] = i + 1
	}
	return out
}

// maxNoticeScan is how many notices one page of Notices reads at most
// looking for those of the sessions an organizer manages.
const maxNoticeScan = 1000

// Notices lists the registrations whose registrants must still be told of
// something, by id after after: every one for publishers, those of the
// sessions they manage (MayManage) for anyone else. next is where the
// following page starts ("": there is none); a page may hold fewer than
// limit (none, even) when many notices of other sessions were passed over.
func (s *Service) Notices(ctx context.Context, actor content.Actor, after string, limit int) (page []Registration, next string, err error) {
	items, next, err := s.scanToTell(ctx, actor, after, limit, "")
	page = make([]Registration, len(items))
	for i, it := range items {
		page[i] = it.Registration
	}
	return page, next, err
}

// scanToTell is Notices with each registration's session (a zero Lecture
// when it is gone), of session lectureID only unless "".
func (s *Service) scanToTell(ctx context.Context, actor content.Actor, after string, limit int, lectureID string) (page []ToTell, next string, err error) {
	if limit == 0 {
		limit = content.DefaultLimit
	}
	type seen struct {
		may bool
		l   Lecture
	}
	sessions := map[string]seen{}
	page = []ToTell{}
	for scanned := 0; scanned < maxNoticeScan; {
		batch, err := s.cfg.Registrations.ListToTell(ctx, after, 100)
		if err != nil {
			return nil, "", err
		}
		for _, r := range batch {
			scanned++
			after = r.ID
			if lectureID != "" && r.LectureID != lectureID {
				continue
			}
			sn, ok := sessions[r.LectureID]
			if !ok {
				l, err := s.cfg.Store.Get(ctx, r.LectureID)
				switch {
				case fault.Is(err, fault.NotFound):
					sn.may = actor.Publisher
				case err != nil:
					return nil, "", err
				default:
					sn.l = l
					if sn.may, err = s.MayManage(ctx, actor, l); err != nil {
						return nil, "", err
					}
				}
				sessions[r.LectureID] = sn
			}
			if sn.may {
				page = append(page, ToTell{Registration: r, Lecture: sn.l})
				if len(page) == limit {
					return page, r.ID, nil
				}
			}
		}
		if len(batch) < 100 {
			return page, "", nil
		}
	}
	return page, after, nil
}

// MarkTold records that a registrant was told of their notice (by staff
// on the phone), with an audit record. sequence is the notice's, so a
// newer change that came meanwhile stays to be told. Who manages the
// session (MayManage) may.
//
// Errors: fault.Forbidden, fault.NotFound, fault.Conflict.
func (s *Service) MarkTold(ctx context.Context, actor content.Actor, id string, sequence int64) (Registration, error) {
	r, err := s.cfg.Registrations.GetRegistration(ctx, id)
	if err != nil {
		return Registration{}, err
	}
	if _, err := s.managed(ctx, actor, r.LectureID); err != nil {
		if fault.Is(err, fault.NotFound) {
			return Registration{}, fault.New(fault.NotFound, "no such registration")
		}
		return Registration{}, err
	}
	return s.markTold(ctx, actor, r, sequence)
}

// markTold is MarkTold of a registration read, for any actor (a notifier
// is the system's).
func (s *Service) markTold(ctx context.Context, actor content.Actor, r Registration, sequence int64) (Registration, error) {
	id := r.ID
	if r.Notice == nil {
		return r, nil
	}
	if r.Notice.Sequence != sequence {
		return Registration{}, fault.New(fault.Conflict, "the session changed again since; tell them of the newest change")
	}
	r.Notice, r.Version, r.UpdatedAt = nil, r.Version+1, s.clock()
	if err := s.cfg.Registrations.UpdateRegistration(ctx, r, r.Version-1); err != nil {
		return Registration{}, err
	}
	a := actor.Audit()
	return r, s.cfg.Audit.Append(ctx, audit.Entry{ID: ident.New(), At: s.clock(), ActorID: a.ID, Actor: a.Name, Address: a.Address,
		Action: audit.Transition, Target: Kind + ":" + r.LectureID, Detail: "registrant of " + id + " told (sequence " +
			strconv.FormatInt(sequence, 10) + ")"})
}

// PurgeRegistrations deletes the registrations (names and phone numbers)
// whose sessions ended more than the configured time ago; it returns how
// many went.
func (s *Service) PurgeRegistrations(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.cfg.Registrations.PurgeRegistrations(ctx, s.clock(), 500)
		total += n
		if err != nil || n < 500 {
			return total, err
		}
	}
}
