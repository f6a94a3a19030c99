package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

func newRegistration(lectureID, phone string, seq int64, status lectures.RegistrationStatus) lectures.Registration {
	now := ms(time.Now())
	return lectures.Registration{ID: ident.New(), LectureID: lectureID, CodeHash: lectures.HashCode(ident.Token(8)),
		Name: "王阿姨", Phone: phone, Note: "坐前排", Status: status, Seq: seq, Version: 1, CreatedAt: now, UpdatedAt: now,
		PurgeAt: now.Add(30 * 24 * time.Hour)}
}

func regIDs(rs []lectures.Registration) []string {
	ids := []string{}
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

var registrationTests = []test{
	{"a registration reads back by id and code; a phone may register again, and its active registrations are found", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		r := newRegistration("l1", "13812345678", 1, lectures.Confirmed)
		r.Repeat = true
		if err := s.InsertRegistration(ctx, r); err != nil {
			t.Fatal(err)
		}
		for _, get := range []func() (lectures.Registration, error){
			func() (lectures.Registration, error) { return s.GetRegistration(ctx, r.ID) },
			func() (lectures.Registration, error) { return s.FindRegistration(ctx, r.CodeHash) },
		} {
			if got, err := get(); err != nil || !reflect.DeepEqual(got, r) {
				t.Fatalf("read back: %+v, %v\nwant %+v", got, err, r)
			}
		}
		if _, err := s.FindRegistration(ctx, lectures.HashCode("nope")); !fault.Is(err, fault.NotFound) {
			t.Fatalf("an unknown code: %v", err)
		}
		registered := func(lecture, phone string, want bool) {
			t.Helper()
			if got, err := s.PhoneRegistered(ctx, lecture, phone); err != nil || got != want {
				t.Fatalf("%s registered for %s: %v, %v; want %v", phone, lecture, got, err, want)
			}
		}
		registered("l1", "13812345678", true)
		registered("l1", "13900000000", false)
		registered("l2", "13812345678", false)
		again := newRegistration("l1", "13812345678", 2, lectures.Waitlisted)
		if err := s.InsertRegistration(ctx, again); err != nil {
			t.Fatalf("the same phone twice: %v", err)
		}
		cancel := func(r lectures.Registration) {
			t.Helper()
			now := ms(time.Now())
			r.Status, r.CancelledAt, r.Version = lectures.Cancelled, &now, 2
			if err := s.UpdateRegistration(ctx, r, 1); err != nil {
				t.Fatal(err)
			}
			if err := s.UpdateRegistration(ctx, r, 1); !fault.Is(err, fault.Conflict) {
				t.Fatalf("a stale update: %v", err)
			}
		}
		cancel(r)
		registered("l1", "13812345678", true) // the second stands
		cancel(again)
		registered("l1", "13812345678", false)
		ghost := newRegistration("l1", "13900000000", 9, lectures.Confirmed)
		if err := s.UpdateRegistration(ctx, ghost, 1); !fault.Is(err, fault.NotFound) {
			t.Fatalf("updating a registration that is not there: %v", err)
		}
	}},
	{"a session's registrations list in order of arrival, by status, paged", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		var all, waiting []lectures.Registration
		for i := range 12 {
			status := lectures.Confirmed
			if i%3 == 0 {
				status = lectures.Waitlisted
			}
			r := newRegistration("l1", fmt.Sprintf("139%08d", i), int64(12-i), status) // inserted out of order
			if err := s.InsertRegistration(ctx, r); err != nil {
				t.Fatal(err)
			}
			all = append([]lectures.Registration{r}, all...)
			if status == lectures.Waitlisted {
				waiting = append([]lectures.Registration{r}, waiting...)
			}
		}
		if err := s.InsertRegistration(ctx, newRegistration("l2", "13700000000", 1, lectures.Confirmed)); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			q    lectures.RegistrationQuery
			want []lectures.Registration
		}{
			{lectures.RegistrationQuery{LectureID: "l1"}, all},
			{lectures.RegistrationQuery{LectureID: "l1", Status: lectures.Waitlisted}, waiting},
		} {
			var got []lectures.Registration
			q := c.q
			q.Limit = 5
			for range 10 {
				page, err := s.ListRegistrations(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, page...)
				if len(page) < q.Limit {
					break
				}
				q.AfterSeq = page[len(page)-1].Seq
			}
			if !reflect.DeepEqual(regIDs(got), regIDs(c.want)) {
				t.Errorf("%+v:\n got %v\nwant %v", c.q, regIDs(got), regIDs(c.want))
			}
		}
	}},
	{"the waiting list goes by its numbers: older ones first, the unnumbered passed by, counts by number", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		mk := func(seq, waitSeq int64, status lectures.RegistrationStatus) lectures.Registration {
			r := newRegistration("l1", fmt.Sprintf("135%08d", seq), seq, status)
			r.WaitSeq = waitSeq
			if err := s.InsertRegistration(ctx, r); err != nil {
				t.Fatal(err)
			}
			return r
		}
		if _, err := s.FirstWaiting(ctx, "l1"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("nobody waits yet: %v", err)
		}
		joining := mk(1, lectures.WaitUnnumbered, lectures.Waitlisted)
		if _, err := s.FirstWaiting(ctx, "l1"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("one joining, not numbered: %v", err)
		}
		third := mk(2, 3, lectures.Waitlisted)
		second := mk(3, 2, lectures.Waitlisted) // arrived later, numbered earlier
		mk(4, 0, lectures.Confirmed)            // never waited
		mk(5, 1, lectures.Confirmed)            // promoted
		mk(6, 4, lectures.Cancelled)
		if got, err := s.FirstWaiting(ctx, "l1"); err != nil || got.ID != second.ID {
			t.Fatalf("first waiting: %v, %v; want number 2", got.WaitSeq, err)
		}
		older := mk(7, 0, lectures.Waitlisted) // waiting since before numbers
		if got, err := s.FirstWaiting(ctx, "l1"); err != nil || got.ID != older.ID {
			t.Fatalf("first waiting: %+v, %v; want the one from before numbers", got, err)
		}
		for _, c := range []struct {
			statuses []lectures.RegistrationStatus
			from, to int64
			want     int64
		}{
			{[]lectures.RegistrationStatus{lectures.Waitlisted}, 0, 1, 1},
			{[]lectures.RegistrationStatus{lectures.Waitlisted}, 1, 100, 2},
			{[]lectures.RegistrationStatus{lectures.Confirmed, lectures.Cancelled}, 1, 4, 1},
			{[]lectures.RegistrationStatus{lectures.Confirmed, lectures.Cancelled}, 1, 5, 2},
			{[]lectures.RegistrationStatus{lectures.Confirmed}, 0, 1, 1},
			{[]lectures.RegistrationStatus{lectures.Waitlisted}, 5, 5, 0},
		} {
			if n, err := s.CountWaitSeq(ctx, "l1", c.statuses, c.from, c.to); err != nil || n != c.want {
				t.Errorf("%v in [%d, %d): %d, %v; want %d", c.statuses, c.from, c.to, n, err, c.want)
			}
		}
		if n, err := s.CountWaitSeq(ctx, "l2", []lectures.RegistrationStatus{lectures.Waitlisted}, 0, 100); err != nil || n != 0 {
			t.Fatalf("another session: %d, %v", n, err)
		}
		if err := s.NumberWaiting(ctx, joining.ID, 5); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetRegistration(ctx, joining.ID)
		if err != nil || got.WaitSeq != 5 || got.Version != 2 {
			t.Fatalf("numbered: %+v, %v", got, err)
		}
		if err := s.NumberWaiting(ctx, joining.ID, 6); !fault.Is(err, fault.Conflict) {
			t.Fatalf("numbered twice: %v", err)
		}
		if err := s.NumberWaiting(ctx, third.ID, 7); !fault.Is(err, fault.Conflict) {
			t.Fatalf("numbering one with a number: %v", err)
		}
		if err := s.NumberWaiting(ctx, "06h36qb17yt48jk5vrzzdsdn", 8); !fault.Is(err, fault.NotFound) {
			t.Fatalf("numbering one that is not there: %v", err)
		}
		if err := s.UpdateRegistration(ctx, joining, 1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("an update from before the number: %v", err)
		}
		got.Status, got.Version = lectures.Confirmed, 3 // promoted: keeps its number
		if err := s.UpdateRegistration(ctx, got, 2); err != nil {
			t.Fatal(err)
		}
		if back, err := s.GetRegistration(ctx, joining.ID); err != nil || back.WaitSeq != 5 {
			t.Fatalf("after promotion: %+v, %v", back, err)
		}
	}},
	{"marking a session's registrants to be told reaches the active ones only", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		active := newRegistration("l1", "13800000001", 1, lectures.Confirmed)
		waiting := newRegistration("l1", "13800000002", 2, lectures.Waitlisted)
		gone := newRegistration("l1", "13800000003", 3, lectures.Cancelled)
		other := newRegistration("l2", "13800000004", 1, lectures.Confirmed)
		for _, r := range []lectures.Registration{active, waiting, gone, other} {
			if err := s.InsertRegistration(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		at := ms(time.Now().Add(48 * time.Hour))
		n := lectures.Notice{Kind: lectures.SessionChanged, Sequence: 2, Status: lectures.EventRescheduled, Reason: "场地调整", StartsAt: &at, At: ms(time.Now())}
		purge := ms(at.Add(30 * 24 * time.Hour))
		if err := s.MarkToTell(ctx, "l1", n, purge); err != nil {
			t.Fatal(err)
		}
		var told []lectures.Registration
		after := ""
		for range 10 {
			page, err := s.ListToTell(ctx, after, 1)
			if err != nil {
				t.Fatal(err)
			}
			told = append(told, page...)
			if len(page) == 0 {
				break
			}
			after = page[len(page)-1].ID
		}
		if !reflect.DeepEqual(regIDs(told), []string{active.ID, waiting.ID}) {
			t.Fatalf("to tell: %v, want %v", regIDs(told), []string{active.ID, waiting.ID})
		}
		for _, r := range told {
			if r.Notice == nil || !reflect.DeepEqual(*r.Notice, n) || r.Version != 2 || !r.PurgeAt.Equal(purge) {
				t.Fatalf("marked: %+v", r)
			}
		}
		if err := s.UpdateRegistration(ctx, active, 1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("an update from before the mark: %v", err)
		}
		done := told[0]
		done.Notice, done.Version = nil, 3
		if err := s.UpdateRegistration(ctx, done, 2); err != nil {
			t.Fatal(err)
		}
		if left, err := s.ListToTell(ctx, "", 10); err != nil || !reflect.DeepEqual(regIDs(left), []string{waiting.ID}) {
			t.Fatalf("after one was told: %v, %v", regIDs(left), err)
		}
		if g, err := s.GetRegistration(ctx, gone.ID); err != nil || g.Notice != nil || g.Version != 1 {
			t.Fatalf("a cancelled registration was marked: %+v, %v", g, err)
		}
	}},
	{"a change marked on a registrant still to be told of a promotion keeps the promotion", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		at := ms(time.Now().Add(24 * time.Hour))
		promoted := newRegistration("l1", "13800000001", 1, lectures.Confirmed)
		promoted.Notice = &lectures.Notice{Kind: lectures.PlaceConfirmed, Sequence: 1, Status: lectures.EventScheduled, StartsAt: &at, At: ms(time.Now())}
		plain := newRegistration("l1", "13800000002", 2, lectures.Confirmed)
		for _, r := range []lectures.Registration{promoted, plain} {
			if err := s.InsertRegistration(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		later := ms(at.Add(7 * 24 * time.Hour))
		n := lectures.Notice{Kind: lectures.SessionChanged, Sequence: 2, Status: lectures.EventRescheduled, Reason: "$场地调整",
			StartsAt: &later, PreviousStartsAt: &at, At: ms(time.Now())}
		if err := s.MarkToTell(ctx, "l1", n, later); err != nil {
			t.Fatal(err)
		}
		want := n
		want.Kind = lectures.PlaceConfirmed
		if got, err := s.GetRegistration(ctx, promoted.ID); err != nil || got.Notice == nil || !reflect.DeepEqual(*got.Notice, want) || got.Version != 2 {
			t.Fatalf("the promoted registrant's notice: %+v, %v", got.Notice, err)
		}
		if got, err := s.GetRegistration(ctx, plain.ID); err != nil || got.Notice == nil || !reflect.DeepEqual(*got.Notice, n) || got.Version != 2 {
			t.Fatalf("another registrant's notice: %+v, %v", got.Notice, err)
		}
	}},
	{"registrations past their time are purged, in bounded batches", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		now := ms(time.Now())
		var keep []string
		for i := range 7 {
			r := newRegistration("l1", fmt.Sprintf("136%08d", i), int64(i+1), lectures.Confirmed)
			r.PurgeAt = now.Add(time.Duration(i-4) * time.Hour) // 4 in the past
			if err := s.InsertRegistration(ctx, r); err != nil {
				t.Fatal(err)
			}
			if i >= 4 {
				keep = append(keep, r.ID)
			}
		}
		if n, err := s.PurgeRegistrations(ctx, now, 3); err != nil || n != 3 {
			t.Fatalf("first batch: %d, %v", n, err)
		}
		if n, err := s.PurgeRegistrations(ctx, now, 3); err != nil || n != 1 {
			t.Fatalf("second batch: %d, %v", n, err)
		}
		left, err := s.ListRegistrations(ctx, lectures.RegistrationQuery{LectureID: "l1", Limit: 100})
		if err != nil || !reflect.DeepEqual(regIDs(left), keep) {
			t.Fatalf("left: %v, %v; want %v", regIDs(left), err, keep)
		}
	}},
}
