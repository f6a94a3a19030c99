package bleveindex_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/bleveindex"
)

var day = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)

func fixture(t *testing.T) *bleveindex.Index {
	t.Helper()
	x, created, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil || !created {
		t.Fatalf("open: %v (created %v)", err, created)
	}
	t.Cleanup(func() { _ = x.Close() })
	docs := []search.Doc{
		{Kind: "stories", ID: "s1", Slug: "xi-qian", Title: "西迁故事：梧桐树下的六十年", Summary: "老教授讲述一九五六年交大西迁。",
			Body: "他们从上海出发，在西部扎下根来。", Column: "culture", Tags: []string{"西迁"}, At: day, Live: true},
		{Kind: "stories", ID: "s2", Slug: "tai-ji", Title: "清晨的太极拳", Summary: "退休教师每天在操场打太极拳。",
			Body: "王老师说，坚持锻炼身体好。", Column: "life", Tags: []string{"健康"}, At: day.AddDate(0, 0, 1), Live: true},
		{Kind: "stories", ID: "s3", Slug: "cpu", Title: "老同志学电脑", Summary: "2024 年的电脑课讲 CPU 和内存。",
			Body: "课堂上大家认识了 CPU。", Column: "life", At: day.AddDate(0, 0, 2), Live: true},
		{Kind: "stories", ID: "s4", Slug: "draft", Title: "西迁草稿", Summary: "还没发布的西迁稿件", At: day, Live: false, Status: "draft"},
		{Kind: "lectures", ID: "l1", Slug: "jiang-tan", Title: "梧桐语讲坛：书法与养生", Summary: "讲座",
			Body: "书法家谈养生。", People: []string{"王老师", "梧桐语讲坛"}, At: day.AddDate(0, 1, 0), Live: true},
		{Kind: "videos", ID: "v1", Slug: "deng-gao", Title: "重阳登高", Summary: "老同志们登高望远",
			Tags: []string{"重阳节"}, At: day.AddDate(0, 0, 9), Live: true},
		{Kind: "stories", ID: "s5", Slug: "xss", Title: "<script>alert(1)</script> 西迁", Summary: "a < b & c", At: day, Live: true},
	}
	if err := x.Put(context.Background(), docs...); err != nil {
		t.Fatal(err)
	}
	return x
}

func ids(r search.Results) string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return strings.Join(out, ",")
}

func find(t *testing.T, x *bleveindex.Index, q search.Query) search.Results {
	t.Helper()
	r, err := x.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("%q: %v", q.Text, err)
	}
	return r
}

func TestChineseQueriesFindWhatAReaderMeans(t *testing.T) {
	x := fixture(t)
	cases := []struct {
		q     string
		first string // expected best hit
		all   string // expected hits in any order ("" : only first checked)
	}{
		{"西迁", "s1", ""},
		{"西遷", "s1", ""},         // traditional
		{"讲坛", "l1", "l1"},       // two characters inside a longer word
		{"王老师", "l1", ""},        // a speaker (and a story's body)
		{"太极", "s2", "s2"},       // a part of 太极拳
		{"师说", "s2", "s2"},       // across two words (老师|说): bigrams only
		{"桐树下", "s1", "s1"},      // across words in a title: adjacent bigrams
		{"拳", "s2", "s2"},        // one character
		{"ＣＰＵ", "s3", "s3"},      // full-width
		{"cpu 2024", "s3", "s3"}, // Latin and numbers
		{"xqgs", "s1", "s1"},     // pinyin initials of 西迁故事
		{"重阳节", "v1", "v1"},      // a hashtag
		{"梧桐 书法", "l1", "l1"},    // every term
		{"没有这个词汇", "", ""},
	}
	for _, c := range cases {
		r := find(t, x, search.Query{Text: c.q})
		got := ids(r)
		switch {
		case c.first == "" && len(r.Hits) > 0 && !r.Relaxed:
			t.Errorf("%q found %s", c.q, got)
		case c.first != "" && (len(r.Hits) == 0 || r.Hits[0].ID != c.first):
			t.Errorf("%q: first %q, want %s (all %s)", c.q, got, c.first, got)
		case c.all != "" && got != c.all:
			t.Errorf("%q: found %s, want %s", c.q, got, c.all)
		}
		if strings.Contains(got, "s4") {
			t.Errorf("%q found a draft", c.q)
		}
	}
	if r := find(t, x, search.Query{Text: "西迁", Drafts: true}); !strings.Contains(ids(r), "s4") {
		t.Errorf("the editors' search misses the draft: %s", ids(r))
	}
}

func TestFiltersPagesAndTheRelaxedAnswer(t *testing.T) {
	x := fixture(t)
	if got := ids(find(t, x, search.Query{Text: "王老师", Kinds: []string{"stories"}})); got != "s2" {
		t.Errorf("stories only: %s", got)
	}
	if got := ids(find(t, x, search.Query{Text: "老同志", Column: "life"})); got != "s3" {
		t.Errorf("column life: %s", got)
	}
	if got := ids(find(t, x, search.Query{Text: "西迁", Tag: "西迁"})); got != "s1" {
		t.Errorf("tag 西迁: %s", got)
	}
	if got := ids(find(t, x, search.Query{Text: "老同志", From: day.AddDate(0, 0, 5)})); got != "v1" {
		t.Errorf("from day 5: %s", got)
	}
	p1 := find(t, x, search.Query{Text: "西迁", Limit: 1})
	if len(p1.Hits) != 1 || p1.NextCursor == "" || p1.Total != 2 {
		t.Fatalf("page 1: %+v", p1)
	}
	p2 := find(t, x, search.Query{Text: "西迁", Limit: 1, Cursor: p1.NextCursor})
	if len(p2.Hits) != 1 || p2.Hits[0].ID == p1.Hits[0].ID || p2.NextCursor != "" {
		t.Fatalf("page 2: %+v", p2)
	}
	if _, err := x.Search(context.Background(), search.Query{Text: "西迁", Cursor: "junk"}); err == nil {
		t.Error("a forged cursor was taken")
	}
	// The same offset spelled otherwise would be another answer to cache.
	raw, _ := base64.RawURLEncoding.DecodeString(p1.NextCursor)
	respelled := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "{", `{"x":0,`, 1)))
	if _, err := x.Search(context.Background(), search.Query{Text: "西迁", Limit: 1, Cursor: respelled}); err == nil {
		t.Errorf("a cursor of another spelling (%s) was taken", raw)
	}
	r := find(t, x, search.Query{Text: "太极 火星"})
	if !r.Relaxed || ids(r) != "s2" {
		t.Errorf("no story has both: relaxed %v, %s", r.Relaxed, ids(r))
	}
	// Mistyped: 西迁故亊 (亊 for 事) and "compter"-like Latin.
	if r := find(t, x, search.Query{Text: "西迁故亊"}); !r.Relaxed || len(r.Hits) == 0 || r.Hits[0].ID != "s1" || !strings.Contains(r.Hits[0].TitleHTML, "<mark>") {
		t.Errorf("a mistyped character: relaxed %v, %s", r.Relaxed, ids(r))
	}
	if r := find(t, x, search.Query{Text: "cpv"}); !r.Relaxed || ids(r) != "s3" {
		t.Errorf("a mistyped letter: relaxed %v, %s", r.Relaxed, ids(r))
	}
	if r := find(t, x, search.Query{Text: "火星"}); len(r.Hits) != 0 {
		t.Errorf("nothing like 火星 is here, yet: %s", ids(r))
	}
}

// TestDatesAreThoseOfTheDocuments: the dates a cache keys bounds by are
// those of every document, drafts too, and a document on a bound is
// found by From and not by To.
func TestDatesAreThoseOfTheDocuments(t *testing.T) {
	x := fixture(t)
	got, err := x.Dates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, d := range []time.Time{day, day.AddDate(0, 0, 1), day.AddDate(0, 0, 2), day.AddDate(0, 0, 9), day.AddDate(0, 1, 0)} {
		want = append(want, d.UnixNano())
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("dates %v, want %v", got, want)
	}
	nine := day.AddDate(0, 0, 9) // v1's date
	if got := ids(find(t, x, search.Query{Text: "老同志", To: nine})); got != "s3" {
		t.Errorf("to v1's date: %s, want s3 alone", got)
	}
	if got := ids(find(t, x, search.Query{Text: "老同志", From: nine})); got != "v1" {
		t.Errorf("from v1's date: %s, want v1 alone", got)
	}
}

// TestTheBodyIsFoundByItsBigrams: the body's words are not indexed (its
// bigrams are): a word, a phrase across words, a Latin word and two
// terms found only in a body are found, and marked in the snippet.
func TestTheBodyIsFoundByItsBigrams(t *testing.T) {
	x := fixture(t)
	if err := x.Put(context.Background(), search.Doc{Kind: "stories", ID: "b1", Slug: "b1", Title: "新学期", Summary: "开学了",
		Body: "他从上海来，学会了用 Python 写诗，还练太极拳。", At: day, Live: true}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"上海", "海来", "Python", "太极拳 上海", "写诗"} {
		r := find(t, x, search.Query{Text: q})
		if r.Relaxed || !strings.Contains(ids(r), "b1") {
			t.Errorf("%q: relaxed %v, found %s", q, r.Relaxed, ids(r))
			continue
		}
		for _, h := range r.Hits {
			if h.ID == "b1" && !strings.Contains(h.SnippetHTML, "<mark>") {
				t.Errorf("%q: snippet %q", q, h.SnippetHTML)
			}
		}
	}
}

func TestSnippetsMarkMatchesAndNothingElse(t *testing.T) {
	x := fixture(t)
	r := find(t, x, search.Query{Text: "西迁"})
	for _, h := range r.Hits {
		if strings.Contains(h.TitleHTML, "<script") || strings.Contains(h.SnippetHTML, "<script") {
			t.Fatalf("unsafe snippet: %q / %q", h.TitleHTML, h.SnippetHTML)
		}
		if h.ID == "s1" && (h.TitleHTML != "<mark>西迁</mark>故事：梧桐树下的六十年" || !strings.Contains(h.SnippetHTML, "交大<mark>西迁</mark>")) {
			t.Fatalf("s1: %q / %q", h.TitleHTML, h.SnippetHTML)
		}
		if h.ID == "s5" && h.TitleHTML != "&lt;script&gt;alert(1)&lt;/script&gt; <mark>西迁</mark>" {
			t.Fatalf("s5: %q", h.TitleHTML)
		}
	}
	tr := find(t, x, search.Query{Text: "西遷"})
	if tr.Hits[0].TitleHTML != "<mark>西迁</mark>故事：梧桐树下的六十年" {
		t.Fatalf("a traditional query marks %q", tr.Hits[0].TitleHTML)
	}
}

// TestAnIndexOfAnOlderFormatIsRebuilt: a folder without this mapping's
// format marker (an older index) is removed and created again empty.
func TestAnIndexOfAnOlderFormatIsRebuilt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	x, _, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	_ = x.Put(context.Background(), search.Doc{Kind: "stories", ID: "s1", Title: "西迁", Live: true})
	_ = x.Close()
	if x, created, err := bleveindex.Open(dir); err != nil || created {
		t.Fatalf("reopening the same format: created %v, %v", created, err)
	} else {
		_ = x.Close()
	}
	if err := os.WriteFile(filepath.Join(dir, "format"), []byte("yinling-search-1"), 0o600); err != nil {
		t.Fatal(err)
	}
	x, created, err := bleveindex.Open(dir)
	if err != nil || !created {
		t.Fatalf("an older format: created %v, %v", created, err)
	}
	defer x.Close()
	if n, _ := x.Count(); n != 0 {
		t.Fatalf("the rebuilt index holds %d documents", n)
	}
}

// Drafts stay out of readers' answers whichever segments hold them (each
// Put writes one), and the answers are the same after the index is
// compacted into one segment.
func TestDraftsStayOutAcrossSegmentsAndCompaction(t *testing.T) {
	x, _, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for k := range 60 {
		d := search.Doc{Kind: "stories", ID: fmt.Sprint("s", k), Slug: fmt.Sprint("s", k), Title: fmt.Sprintf("老同志的故事 %d", k),
			Body: strings.Repeat("老教授们讲述西迁。", 1+k%4), Live: k%3 != 0}
		if err := x.Put(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) string {
		var pages []string
		for _, q := range []search.Query{{Text: "老同志", Limit: 50}, {Text: "老教授们", Limit: 50}, {Text: "故事 西迁", Limit: 50}} {
			r := find(t, x, q)
			if r.Total != 40 || len(r.Hits) != 40 {
				t.Errorf("%s: %q: %d hits of %d, want 40 of 40", when, q.Text, len(r.Hits), r.Total)
			}
			for _, h := range r.Hits {
				if !h.Live {
					t.Errorf("%s: %q: the draft %s is among readers' hits", when, q.Text, h.ID)
				}
			}
			pages = append(pages, ids(r))
			if all := find(t, x, search.Query{Text: q.Text, Limit: 50, Drafts: true}); all.Total != 60 {
				t.Errorf("%s: %q: editors find %d, want 60", when, q.Text, all.Total)
			}
		}
		return strings.Join(pages, "|")
	}
	before := check("before compaction")
	if err := x.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after := check("after compaction"); after != before {
		t.Errorf("compaction changed the answers:\n%s\n%s", before, after)
	}
	if err := search.Compact(context.Background(), &search.Cached{Index: x}); err != nil {
		t.Errorf("compact through the cache: %v", err)
	}
}
