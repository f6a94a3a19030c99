package storetest

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/media"
)

func libraryAsset(name, contentType, alt string) media.Asset {
	id := ident.New()
	return media.Asset{ID: id, Key: "assets/" + id, Filename: name, ContentType: contentType, Size: 10, SHA256: "ab",
		Alt: alt, CreatedBy: "u1", CreatedAt: ms(time.Now()), Version: 1}
}

func assetIDs(list []media.Asset) []string {
	ids := []string{}
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	return ids
}

var libraryTests = []test{
	{"the library lists newest first, by kind, by a text in the file name or alt text, a page after an id", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		all := []media.Asset{
			libraryAsset("西迁纪念馆.jpg", "image/jpeg", "纪念馆正门"),
			libraryAsset("Chorus.PNG", "image/png", "老年合唱团演出"),
			libraryAsset("taiji.mp4", "video/mp4", ""),
			libraryAsset("通知.pdf", "application/pdf", ""),
			libraryAsset("taiji.vtt", "text/vtt", ""),
			libraryAsset("重阳登高.webp", "image/webp", "重阳节登高的老同志"),
		}
		for _, a := range all {
			if err := s.InsertAsset(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		keep := func(f func(media.Asset) bool) []string {
			ids := []string{}
			for i := len(all) - 1; i >= 0; i-- {
				if f(all[i]) {
					ids = append(ids, all[i].ID)
				}
			}
			return ids
		}
		for _, c := range []struct {
			name string
			q    media.AssetQuery
			want []string
		}{
			{"all", media.AssetQuery{}, keep(func(media.Asset) bool { return true })},
			{"images", media.AssetQuery{Kind: media.KindImage}, []string{all[5].ID, all[1].ID, all[0].ID}},
			{"videos", media.AssetQuery{Kind: media.KindVideo}, []string{all[2].ID}},
			{"documents", media.AssetQuery{Kind: media.KindDocument}, []string{all[3].ID}},
			{"subtitles", media.AssetQuery{Kind: media.KindSubtitles}, []string{all[4].ID}},
			{"a file name, any case", media.AssetQuery{Text: "chorus"}, []string{all[1].ID}},
			{"alt text in Chinese", media.AssetQuery{Text: "合唱"}, []string{all[1].ID}},
			{"text in both", media.AssetQuery{Text: "重阳"}, []string{all[5].ID}},
			{"text and kind", media.AssetQuery{Text: "taiji", Kind: media.KindVideo}, []string{all[2].ID}},
			{"a pattern is only text", media.AssetQuery{Text: ".*"}, []string{}},
			{"a page after an id", media.AssetQuery{After: all[4].ID, Limit: 2}, []string{all[3].ID, all[2].ID}},
			{"images after an id", media.AssetQuery{Kind: media.KindImage, After: all[5].ID}, []string{all[1].ID, all[0].ID}},
		} {
			if c.q.Limit == 0 {
				c.q.Limit = 50
			}
			got, err := s.ListAssets(ctx, c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if ids := assetIDs(got); !slices.Equal(ids, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, ids, c.want)
			}
		}
		got, err := s.ListAssets(ctx, media.AssetQuery{Kind: media.KindImage, Limit: 1})
		if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], all[5]) {
			t.Fatalf("a listed asset: %+v, %v\nwant %+v", got, err, all[5])
		}
	}},
	{"an asset's record is replaced only at the version it was read at", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		a := libraryAsset("a.jpg", "image/jpeg", "旧")
		if err := s.InsertAsset(ctx, a); err != nil {
			t.Fatal(err)
		}
		b := a
		b.Alt, b.Version = "新的说明", 2
		if err := s.UpdateAsset(ctx, b, 1); err != nil {
			t.Fatal(err)
		}
		stale := a
		stale.Alt, stale.Version = "过时", 2
		err := s.UpdateAsset(ctx, stale, 1)
		if fe := fault.As(err); fe == nil || fe.Kind != fault.Conflict || fe.Current != 2 {
			t.Fatalf("stale update: %v, want Conflict at 2", err)
		}
		if got, err := s.GetAsset(ctx, a.ID); err != nil || !reflect.DeepEqual(got, b) {
			t.Fatalf("read back %+v, %v\nwant %+v", got, err, b)
		}
		if list, err := s.ListAssets(ctx, media.AssetQuery{Text: "新的", Limit: 5}); err != nil || len(list) != 1 {
			t.Fatalf("found by the new alt text: %v, %v", list, err)
		}
		if list, err := s.ListAssets(ctx, media.AssetQuery{Text: "旧", Limit: 5}); err != nil || len(list) != 0 {
			t.Fatalf("found by the old alt text: %v, %v", list, err)
		}
		gone := libraryAsset("b.jpg", "image/jpeg", "")
		gone.Version = 2
		if err := s.UpdateAsset(ctx, gone, 1); !fault.Is(err, fault.NotFound) {
			t.Fatalf("update of a missing asset: %v, want NotFound", err)
		}
	}},
	{"the items using an asset are found: covers, texts, photos, videos, subtitles, live copies, trash", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		img, other, clip, vtt := ident.New(), ident.New(), ident.New(), ident.New()
		users := func(id string) []content.ItemRef {
			t.Helper()
			refs, err := s.MediaUsers(ctx, id, content.MaxMediaUsers)
			if err != nil {
				t.Fatal(err)
			}
			return refs
		}
		cover := newStory("cover", time.Now())
		cover.Cover = img
		inBody := newStory("in-body", time.Now())
		inBody.Body = "正文\n\n![合影](/media/" + img + "/a.jpg?w=640) 与 [通知](https://example.edu/media/" + other + ")"
		live := published(newStory("live-only", time.Now()), time.Now())
		live.Live.Cover = other
		for _, st := range []stories.Story{cover, inBody, live} {
			mustInsert(t, s, st)
		}
		lec := newLecture("photo", "wu-tong-yu", time.Now().Add(48*time.Hour))
		lec.Speakers[0].Photo = img
		if err := s.Lectures.Insert(ctx, lec); err != nil {
			t.Fatal(err)
		}
		now := ms(time.Now())
		v := videos.Video{ID: ident.New(), Slug: "clip", Input: videos.Input{Title: "太极", Video: clip, Subtitles: vtt, Hashtags: []string{}, Channels: []string{}},
			Revision: 1, Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, Author: "u", CreatedAt: now, UpdatedAt: now}}
		if err := s.Videos.Insert(ctx, v); err != nil {
			t.Fatal(err)
		}
		want := []content.ItemRef{{Kind: "lectures", ID: lec.ID}}
		for _, st := range []stories.Story{cover, inBody} {
			want = append(want, content.ItemRef{Kind: stories.Kind, ID: st.ID})
		}
		slices.SortFunc(want[1:], func(a, b content.ItemRef) int { return strings.Compare(a.ID, b.ID) })
		if got := users(img); !reflect.DeepEqual(got, want) {
			t.Errorf("users of the image: %v, want %v", got, want)
		}
		if got := users(other); len(got) != 2 {
			t.Errorf("users of the other: %v, want the story's text and the live cover", got)
		}
		if got := users(clip); !reflect.DeepEqual(got, []content.ItemRef{{Kind: videos.Kind, ID: v.ID}}) {
			t.Errorf("users of the clip: %v", got)
		}
		if got := users(vtt); len(got) != 1 {
			t.Errorf("users of the subtitles: %v", got)
		}
		if got := users(ident.New()); len(got) != 0 {
			t.Errorf("users of an unused asset: %v", got)
		}
		if got, err := s.MediaUsers(ctx, img, 2); err != nil || len(got) != 2 {
			t.Errorf("users up to a limit: %v, %v", got, err)
		}

		// Saved without it: no longer a user. Trashed: still one.
		cover.Cover, cover.Version = "", 2
		if err := s.Stories.Update(ctx, cover, 1); err != nil {
			t.Fatal(err)
		}
		trashed := ms(time.Now())
		lec.TrashedAt, lec.Version = &trashed, lec.Version+1
		if err := s.Lectures.Update(ctx, lec, lec.Version-1); err != nil {
			t.Fatal(err)
		}
		if got := users(img); !reflect.DeepEqual(got, []content.ItemRef{{Kind: "lectures", ID: lec.ID}, {Kind: stories.Kind, ID: inBody.ID}}) {
			t.Errorf("after the cover was taken off: %v", got)
		}
		if err := s.Stories.Delete(ctx, inBody.ID, inBody.Version); err != nil {
			t.Fatal(err)
		}
		if err := s.Lectures.Delete(ctx, lec.ID, lec.Version); err != nil {
			t.Fatal(err)
		}
		if got := users(img); len(got) != 0 {
			t.Errorf("after the users were deleted: %v", got)
		}
	}},
}
