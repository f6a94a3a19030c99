package stories

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSEODefaults(t *testing.T) {
	for _, tc := range []struct {
		name                string
		live                Live
		wantTitle, wantDesc string
	}{
		{"the editor's fields win", Live{Title: "标题", Summary: "摘要", SEOTitle: "搜索标题", SEODescription: "搜索描述"}, "搜索标题", "搜索描述"},
		{"the title and the summary by default", Live{Title: "标题", Summary: "摘要\n第二行"}, "标题", "摘要 第二行"},
		{"the body's first sentence without a summary", Live{Title: "标题", BodyHTML: "<h2>出发</h2><p>一九五六年，交大西迁。此后六十年。</p>"}, "标题", "一九五六年，交大西迁。"},
		{"a decimal point does not end a sentence", Live{Title: "t", BodyHTML: "<p>Up 3.5 percent. Then more.</p>"}, "t", "Up 3.5 percent."},
		{"a long summary is cut to 160", Live{Title: "t", Summary: strings.Repeat("长", 200)}, "t", strings.Repeat("长", 159) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.live.SEOTitleOrTitle(); got != tc.wantTitle {
				t.Errorf("title %q, want %q", got, tc.wantTitle)
			}
			got := tc.live.SEODescriptionOrDefault()
			if got != tc.wantDesc {
				t.Errorf("description %q, want %q", got, tc.wantDesc)
			}
			if utf8.RuneCountInString(got) > MaxSEODescription {
				t.Errorf("description of %d characters", utf8.RuneCountInString(got))
			}
		})
	}
}

func TestBylineNormalizes(t *testing.T) {
	in := Input{Title: "t", Credits: Credits{Writers: []string{" 张三 ", "", "张三", "Li Si", "li si"}},
		People: []Person{{Name: " 陈老师 ", Description: " 西迁老人 "}, {Name: "陈老师"}, {}}}
	if err := in.normalize(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(in.Credits.Writers, ",") != "张三,Li Si" || len(in.People) != 1 || in.People[0] != (Person{"陈老师", "西迁老人"}) {
		t.Fatalf("normalized = %+v", in)
	}
	if !in.Credits.Names("LI SI") || in.Credits.Names("王五") || !Features(in.People, "陈老师") {
		t.Fatal("names not matched as typed")
	}
}

// TestInputWithoutBylineIsAsBefore: the fields of a story without a
// byline, people or SEO fields are kept as revisions saved before those
// existed, so comparing them shows no change.
func TestInputWithoutBylineIsAsBefore(t *testing.T) {
	in := Input{Title: "t", Credits: Credits{Writers: []string{}}, People: []Person{}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"title":"t","summary":"","column":"","tags":null,"cover":"","body":""}`; string(b) != want {
		t.Fatalf("got %s\nwant %s", b, want)
	}
}
