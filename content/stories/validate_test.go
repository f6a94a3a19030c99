package stories

import (
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func fieldsOf(err error) string {
	fe := fault.As(err)
	if fe == nil {
		return ""
	}
	var names []string
	for _, f := range fe.Fields {
		names = append(names, f.Field)
	}
	return strings.Join(names, ",")
}

func TestStoryInputNormalizes(t *testing.T) {
	in := Input{Title: "  标题  ", Tags: []string{" #健康 ", "健康", "讲座"}, Column: "culture"}
	if err := in.normalize(); err != nil {
		t.Fatal(err)
	}
	if in.Title != "标题" || strings.Join(in.Tags, ",") != "健康,讲座" {
		t.Fatalf("normalized = %+v", in)
	}
}

func TestStoryInputReportsEveryBadField(t *testing.T) {
	in := Input{
		Title:   strings.Repeat("长", content.MaxTitleLength+1),
		Summary: strings.Repeat("长", content.MaxSummaryLength+1),
		Body:    strings.Repeat("a", content.MaxBodyBytes+1),
		Column:  "Sports Page",
		Cover:   "../../etc/passwd",
		Tags:    []string{"", strings.Repeat("标", MaxTagLength+1), "a/b"},
	}
	err := in.normalize()
	if got := fieldsOf(err); got != "title,summary,body,column,cover,tags,tags,tags" {
		t.Fatalf("fields = %s (%v)", got, err)
	}
	in = Input{Title: "x", Tags: make([]string, MaxTags+1)}
	for i := range in.Tags {
		in.Tags[i] = strings.Repeat("t", i+1)
	}
	if got := fieldsOf(in.normalize()); got != "tags" {
		t.Fatalf("too many tags: fields = %s", got)
	}
	in = Input{Title: "bad \xff utf8"}
	if got := fieldsOf(in.normalize()); got != "title" {
		t.Fatalf("invalid UTF-8: fields = %s", got)
	}
}

func TestHasUnpublishedChanges(t *testing.T) {
	s := Story{Title: "a", Revision: 3}
	if s.HasUnpublishedChanges() {
		t.Fatal("a draft has no live copy to differ from")
	}
	s.Live = &Live{Title: "a", Revision: 3}
	if s.HasUnpublishedChanges() {
		t.Fatal("the live copy of this revision differs")
	}
	s.Revision = 4
	if !s.HasUnpublishedChanges() {
		t.Fatal("a newer working revision is not seen")
	}
}
