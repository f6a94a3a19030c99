// Package oldtexts holds the texts a store kept before texts kept media as
// paths (record.MediaPaths): images and links written as absolute URLs of
// the site's address of the day, some already taken out of the HTML by a
// save after the address changed. Both stores' tests write these records
// the old way, open the store, and Check what the rewrite made of them.
package oldtexts

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/media"
)

// The library's assets, and an id no asset has.
const (
	Photo = "06h36qb17yt48jk5vrzzdsd0"
	Form  = "06h36qb17yt48jk5vrzzdsd1"
	Gone  = "06h36qb17yt48jk5vrzzdsd9"
)

// Ids of the items.
const (
	Before   = "06h36qb17yt48jk5vrzzdsda" // published before the move: its HTML still shows the photo
	After    = "06h36qb17yt48jk5vrzzdsdb" // saved and published after it: the photo already gone from the HTML
	Clean    = "06h36qb17yt48jk5vrzzdsdc" // paths already
	Lecture  = "06h36qb17yt48jk5vrzzdsdd"
	SeriesID = "06h36qb17yt48jk5vrzzdsde"
)

// Records are the old records, in the shape both stores keep.
type Records struct {
	Assets    []record.Asset
	Stories   []record.Story
	Lectures  []record.Lecture
	Series    []record.Series
	Revisions []record.Revision
}

var at = time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)

// The texts, before and as they must be after.
var (
	beforeBody = "九九重阳。\n\n![合影](http://localhost:8080/media/" + Photo + "/合影.jpg?w=640)\n\n[报名表](http://localhost:8080/media/" + Form + "/表.pdf)"
	beforeHTML = `<p>九九重阳。</p>
<p><img src="http://localhost:8080/media/` + Photo + `/%E5%90%88%E5%BD%B1.jpg?w=640" alt="合影"/></p>
<p><a href="http://localhost:8080/media/` + Form + `/%E8%A1%A8.pdf" rel="noreferrer">报名表</a></p>`
	beforeWant = "九九重阳。\n\n![合影](/media/" + Photo + "/合影.jpg?w=640)\n\n[报名表](/media/" + Form + "/表.pdf)"

	afterBody = "第二稿。\n\n![合影](http://localhost:8080/media/" + Photo + ")\n\n![外站](https://cdn.example.com/x.jpg)\n\n![已删](http://localhost:8080/media/" + Gone + ")"
	afterHTML = "<p>第二稿。</p>\n<p><img alt=\"合影\"/></p>\n<p><img alt=\"外站\"/></p>\n<p><img alt=\"已删\"/></p>"
	afterWant = "第二稿。\n\n![合影](/media/" + Photo + ")\n\n![外站](https://cdn.example.com/x.jpg)\n\n![已删](http://localhost:8080/media/" + Gone + ")"
	firstBody = "第一稿。\n\n![合影](https://LOCALHOST:8080/media/" + Photo + ")"
	firstHTML = "<p>第一稿。</p>\n<p><img alt=\"合影\"/></p>"
	firstWant = "第一稿。\n\n![合影](/media/" + Photo + ")"

	cleanBody = "![合影](/media/" + Photo + ")"
	cleanHTML = `<p><img src="/media/` + Photo + `" alt="合影"/></p>`

	lectureBody = "讲座介绍\n\n![讲者](https://old.example.edu:8443/media/" + Photo + "/a.jpg)"
	lectureHTML = "<p>讲座介绍</p>\n<p><img src=\"https://old.example.edu:8443/media/" + Photo + "/a.jpg\" alt=\"讲者\"/></p>"
	lectureWant = "讲座介绍\n\n![讲者](/media/" + Photo + "/a.jpg)"

	seriesBody = "系列说明 ![封面](HTTP://LOCALHOST:8080/media/" + Photo + ")"
	seriesWant = "系列说明 ![封面](/media/" + Photo + ")"
)

// New returns the old records.
func New() Records {
	life := func(status content.Status, version int64) content.Lifecycle {
		l := content.Lifecycle{Status: status, Version: version, Author: "editor-x", CreatedAt: at, UpdatedAt: at}
		if status == content.StatusPublished {
			l.PublishedAt = &at
		}
		return l
	}
	live := func(html string, rev int64) *stories.Live {
		return &stories.Live{Title: "重阳", BodyHTML: html, Column: "culture", Tags: []string{}, PublishedAt: at, UpdatedAt: at, Revision: rev}
	}
	story := func(id, slug, body, html string, rev int64, l *stories.Live) record.Story {
		st := stories.Story{ID: id, Slug: slug, Title: "重阳", Body: body, BodyHTML: html, Column: "culture", Tags: []string{},
			Revision: rev, Lifecycle: life(content.StatusPublished, rev), Live: l}
		return record.FromStory(st)
	}
	revision := func(id string, n int64, body string) record.Revision {
		snap, _ := json.Marshal(stories.Input{Title: "重阳", Column: "culture", Tags: []string{}, Body: body})
		return record.FromRevision(content.Revision{Kind: stories.Kind, ItemID: id, Number: n, Snapshot: snap,
			AuthorID: "editor-x", AuthorName: "小张", At: at, Published: true})
	}
	in := lectures.Input{Title: "健康讲座", Series: "wu-tong", Speakers: []lectures.Speaker{}, Body: lectureBody}
	lec := lectures.Lecture{ID: Lecture, Slug: "jian-kang", Input: in, BodyHTML: lectureHTML, Revision: 1,
		Lifecycle: life(content.StatusPublished, 1), Event: lectures.Event{Status: lectures.EventScheduled},
		Live: &lectures.Live{Input: in, BodyHTML: lectureHTML, PublishedAt: at, UpdatedAt: at, Revision: 1}}
	sr := lectures.Series{ID: SeriesID, Slug: "wu-tong", SeriesInput: lectures.SeriesInput{Name: "梧桐语讲坛", Description: seriesBody,
		Organizers: []string{}}, DescriptionHTML: "<p>系列说明 <img alt=\"封面\"/></p>", Version: 4, CreatedBy: "editor-x", CreatedAt: at, UpdatedAt: at}
	asset := func(id, name, typ string) record.Asset {
		return record.FromAsset(media.Asset{ID: id, Key: "assets/" + id, Filename: name, ContentType: typ, Size: 3, CreatedAt: at, Version: 1})
	}
	return Records{
		Assets: []record.Asset{asset(Photo, "合影.jpg", "image/jpeg"), asset(Form, "表.pdf", "application/pdf")},
		Stories: []record.Story{
			story(Before, "chong-yang", beforeBody, beforeHTML, 1, live(beforeHTML, 1)),
			story(After, "chong-yang-2", afterBody, afterHTML, 3, live(firstHTML, 2)),
			story(Clean, "chong-yang-3", cleanBody, cleanHTML, 5, live(cleanHTML, 5)),
		},
		Lectures: []record.Lecture{record.FromLecture(lec)},
		Series:   []record.Series{record.FromSeries(sr)},
		Revisions: []record.Revision{revision(Before, 1, beforeBody), revision(After, 2, firstBody), revision(After, 3, afterBody),
			revision(Clean, 5, cleanBody)},
	}
}

// Store is what Check reads through: both stores have it.
type Store interface {
	GetRevision(ctx context.Context, kind, itemID string, n int64) (content.Revision, error)
	GetSeries(ctx context.Context, id string) (lectures.Series, error)
}

// Getter reads one item of a kind.
type Getter[T any] interface {
	Get(ctx context.Context, id string) (T, error)
}

// Check reads the records back and fails t unless every URL of the
// library's media is a path, in the Markdown and in the HTML rendered
// again from it (the photo back where a save had taken it out, the live
// copies' too), every other URL is as it was, and the versions are.
func Check(t *testing.T, s Store, storyStore Getter[stories.Story], lecs Getter[lectures.Lecture]) {
	t.Helper()
	ctx := context.Background()
	md, err := markdown.New("")
	if err != nil {
		t.Fatal(err)
	}
	render := func(src string) string {
		t.Helper()
		html, err := md.RenderSaved(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		return html
	}
	for _, c := range []struct {
		id, body, html, live string
		version              int64
	}{
		{Before, beforeWant, render(beforeWant), render(beforeWant), 1},
		{After, afterWant, render(afterWant), render(firstWant), 3},
		{Clean, cleanBody, cleanHTML, cleanHTML, 5},
	} {
		st, err := storyStore.Get(ctx, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Body != c.body || st.BodyHTML != c.html || st.Live == nil || st.Live.BodyHTML != c.live || st.Version != c.version {
			t.Errorf("story %s after the rewrite:\n body %q\n want %q\n html %q\n want %q\n live %q\n want %q\n version %d, want %d",
				c.id, st.Body, c.body, st.BodyHTML, c.html, st.Live.BodyHTML, c.live, st.Version, c.version)
		}
		if !strings.Contains(st.BodyHTML, `src="/media/`+Photo) {
			t.Errorf("story %s shows no photo: %s", c.id, st.BodyHTML)
		}
	}
	for _, c := range []struct {
		id   string
		n    int64
		body string
	}{{Before, 1, beforeWant}, {After, 2, firstWant}, {After, 3, afterWant}, {Clean, 5, cleanBody}} {
		r, err := s.GetRevision(ctx, stories.Kind, c.id, c.n)
		if err != nil {
			t.Fatal(err)
		}
		var f stories.Input
		if err := json.Unmarshal(r.Snapshot, &f); err != nil || f.Body != c.body || !r.Published {
			t.Errorf("revision %d of %s after the rewrite: %q (published %v), %v; want %q", c.n, c.id, f.Body, r.Published, err, c.body)
		}
	}
	l, err := lecs.Get(ctx, Lecture)
	if err != nil {
		t.Fatal(err)
	}
	if want := render(lectureWant); l.Body != lectureWant || l.BodyHTML != want || l.Live.Body != lectureWant || l.Live.BodyHTML != want {
		t.Errorf("the lecture after the rewrite: %q, %q; live %q, %q", l.Body, l.BodyHTML, l.Live.Body, l.Live.BodyHTML)
	}
	sr, err := s.GetSeries(ctx, SeriesID)
	if err != nil {
		t.Fatal(err)
	}
	if sr.Description != seriesWant || sr.DescriptionHTML != render(seriesWant) || sr.Version != 4 {
		t.Errorf("the series after the rewrite: %q, %q, version %d", sr.Description, sr.DescriptionHTML, sr.Version)
	}
}
