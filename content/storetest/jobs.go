package storetest

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

func newJob(key, entry string, next time.Time) syndication.Job {
	now := ms(time.Now())
	return syndication.Job{ID: ident.New(), Key: key, Kind: "videos", EntryID: entry, Title: "重阳登高", Channel: "douyin",
		Action: syndication.ActionPost, Revision: 3, Payload: json.RawMessage(`{"title":"重阳登高"}`), State: syndication.Queued,
		MaxAttempts: 8, NextAt: ms(next), Version: 1, CreatedAt: now, UpdatedAt: now}
}

var jobTests = []test{
	{"a key is used once, by one of twenty racers, until its time passes", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		until := time.Now().Add(400 * time.Millisecond)
		if wins := race(t, 20, func(int) (bool, error) { return s.UseOnce(ctx, "douyin-oauth:state-1", until) }); wins != 1 {
			t.Fatalf("%d racers used the key, want 1", wins)
		}
		if ok, err := s.UseOnce(ctx, "douyin-oauth:state-1", time.Now().Add(time.Hour)); ok || err != nil {
			t.Fatalf("used again: %v, %v", ok, err)
		}
		if ok, err := s.UseOnce(ctx, "douyin-oauth:state-2", time.Now().Add(time.Hour)); !ok || err != nil {
			t.Fatalf("another key: %v, %v", ok, err)
		}
		// A lease of the same name is another thing.
		if ok, err := s.AcquireLease(ctx, "douyin-oauth:state-2", "worker", time.Minute); !ok || err != nil {
			t.Fatalf("a lease named like a used key: %v, %v", ok, err)
		}
		time.Sleep(time.Until(until) + 50*time.Millisecond)
		if ok, err := s.UseOnce(ctx, "douyin-oauth:state-1", time.Now().Add(time.Hour)); !ok || err != nil {
			t.Fatalf("a key whose time passed: %v, %v", ok, err)
		}
		if ok, err := s.UseOnce(ctx, "douyin-oauth:state-2", time.Now().Add(time.Hour)); ok || err != nil {
			t.Fatalf("the other key, still in its time: %v, %v", ok, err)
		}
	}},
	{"a job's key is written once, even by racers", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		wins := race(t, 20, func(int) (bool, error) {
			return s.InsertJob(ctx, newJob("videos/e1/douyin/post/3", "e1", time.Now()))
		})
		if wins != 1 {
			t.Fatalf("%d inserts of one key won, want 1", wins)
		}
		jobs, err := s.ListJobs(ctx, syndication.JobQuery{EntryID: "e1", Limit: 10})
		if err != nil || len(jobs) != 1 {
			t.Fatalf("ListJobs = %d, %v", len(jobs), err)
		}
	}},
	{"a job reads back as written, steps included", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		j := newJob("k", "e1", time.Now())
		j.Steps = []syndication.Step{{Name: "uploaded", Value: "v0200f", At: ms(time.Now())}}
		j.Endpoint, j.Event, j.Note, j.PostURL = "wall", "video.published", "请发布", "https://v.douyin.com/x"
		if ok, err := s.InsertJob(ctx, j); err != nil || !ok {
			t.Fatal(ok, err)
		}
		got, err := s.GetJob(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		gb, _ := json.Marshal(got)
		jb, _ := json.Marshal(j)
		if string(gb) != string(jb) {
			t.Fatalf("read back\n%s\nwant\n%s", gb, jb)
		}
		if _, err := s.GetJob(ctx, ident.New()); !fault.Is(err, fault.NotFound) {
			t.Fatalf("a missing job: %v", err)
		}
	}},
	{"one of many claims of a job wins", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		j := newJob("k", "e1", time.Now())
		if _, err := s.InsertJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		wins := race(t, 10, func(i int) (bool, error) {
			c := j
			c.LeaseHolder, c.LeaseUntil, c.Version = "holder", ms(time.Now().Add(time.Minute)), j.Version+1
			err := s.UpdateJob(ctx, c, j.Version)
			if fault.Is(err, fault.Conflict) {
				return false, nil
			}
			return err == nil, err
		})
		if wins != 1 {
			t.Fatalf("%d claims won, want 1", wins)
		}
		j.Version = 99
		if err := s.UpdateJob(ctx, j, 98); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale update: %v", err)
		}
		j.ID = ident.New()
		if err := s.UpdateJob(ctx, j, 1); !fault.Is(err, fault.NotFound) {
			t.Fatalf("an update of a missing job: %v", err)
		}
	}},
	{"due jobs are the queued ones whose time has come and lease ended", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		now := ms(time.Now())
		due1, due2 := newJob("a", "e1", now.Add(-2*time.Minute)), newJob("b", "e2", now.Add(-time.Minute))
		later := newJob("c", "e3", now.Add(time.Minute))
		leased := newJob("d", "e4", now.Add(-time.Hour))
		leased.LeaseHolder, leased.LeaseUntil = "other", now.Add(time.Minute)
		expired := newJob("e", "e5", now.Add(-time.Hour))
		expired.LeaseHolder, expired.LeaseUntil = "dead", now.Add(-time.Second)
		failed := newJob("f", "e6", now.Add(-time.Hour))
		failed.State = syndication.Failed
		waiting := newJob("g", "e7", now.Add(-time.Hour))
		waiting.State = syndication.WaitingPerson
		for _, j := range []syndication.Job{due1, due2, later, leased, expired, failed, waiting} {
			if _, err := s.InsertJob(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.DueJobs(ctx, now, 10)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, j := range got {
			keys = append(keys, j.Key)
		}
		if want := []string{"e", "a", "b"}; !slices.Equal(keys, want) {
			t.Fatalf("due %v, want %v (longest due first)", keys, want)
		}
		if got, _ := s.DueJobs(ctx, now, 1); len(got) != 1 || got[0].Key != "e" {
			t.Fatalf("limit 1: %v", got)
		}
		list, err := s.ListJobs(ctx, syndication.JobQuery{State: syndication.WaitingPerson, Limit: 10})
		if err != nil || len(list) != 1 || list[0].Key != "g" {
			t.Fatalf("waiting jobs: %v, %v", list, err)
		}
		all, err := s.ListJobs(ctx, syndication.JobQuery{Kind: "videos", Limit: 10})
		if err != nil || len(all) != 7 || all[0].ID < all[6].ID {
			t.Fatalf("all jobs, newest first: %d, %v", len(all), err)
		}
	}},
	{"a channel account is written and replaced by version", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		if _, err := s.GetAccount(ctx, "douyin"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("no account yet: %v", err)
		}
		now := ms(time.Now())
		a := syndication.Account{Channel: "douyin", OpenID: "open-1", AccessToken: "act.1", AccessExpiresAt: now.Add(15 * 24 * time.Hour),
			RefreshToken: "rft.1", RefreshExpiresAt: now.Add(30 * 24 * time.Hour), AuthorizedAt: now, UpdatedAt: now, Version: 1}
		if err := s.PutAccount(ctx, a, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.PutAccount(ctx, a, 0); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a second first account: %v", err)
		}
		b := a
		b.AccessToken, b.Renewals, b.Version = "act.2", 1, 2
		if err := s.PutAccount(ctx, b, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.PutAccount(ctx, a, 1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale write: %v", err)
		}
		got, err := s.GetAccount(ctx, "douyin")
		if err != nil || got != b {
			t.Fatalf("read back %+v, %v; want %+v", got, err, b)
		}
	}},
}
