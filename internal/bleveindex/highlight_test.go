package bleveindex

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// FuzzMarkIsSafe: whatever the text and the terms, Mark's answer parses
// as text and <mark> elements only, on one line, and is empty only for a
// text of whitespace.
func FuzzMarkIsSafe(f *testing.F) {
	for _, s := range []string{"<script>alert(1)</script>西迁", "a < b & c > d", `"><img src=x onerror=alert(1)>`,
		"西遷故事", "ＣＰＵ", "</mark><script>", "\x00\xff", "<!--", "&lt;mark&gt;", "活动：\n\n- 书法\n- 西迁\n\n", "……西迁", "e\u0301西"} {
		f.Add(s, "西迁")
		f.Add(s, "<")
		f.Add(s, "mark")
	}
	l, err := language()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, term string) {
		for _, window := range []int{0, 5} {
			out := Mark(l, text, []string{l.Normalize(term)}, window)
			if strings.ContainsAny(out, "\n\r") || out == "" && strings.TrimSpace(text) != "" {
				t.Fatalf("Mark(%q, %q, %d) = %q", text, term, window, out)
			}
			z := html.NewTokenizer(strings.NewReader(out))
			for {
				tt := z.Next()
				if tt == html.ErrorToken {
					break
				}
				switch tt {
				case html.TextToken:
				case html.StartTagToken, html.EndTagToken:
					if name, _ := z.TagName(); string(name) != "mark" {
						t.Fatalf("Mark(%q, %q) made a <%s>: %q", text, term, name, out)
					}
					if _, _, more := z.TagAttr(); more {
						t.Fatalf("a mark with attributes: %q", out)
					}
				default:
					t.Fatalf("Mark(%q, %q) made markup (%v): %q", text, term, tt, out)
				}
			}
		}
	})
}

// TestSnippets: a snippet comes from where the match is, marked, on one
// line, never empty while the summary or body holds text.
func TestSnippets(t *testing.T) {
	l, err := language()
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("老同志们在操场上锻炼身体。", 300) // 3,900 characters
	for _, c := range []struct {
		name, title, summary, body, query, want string
	}{
		{"a match in a list item: the items joined, no blank lines", "活动", "",
			"今年的活动有：\n\n书法班\n\n太极拳\n\n合唱团\n\n欢迎报名。", "太极拳",
			"今年的活动有：书法班；<mark>太极拳</mark>；合唱团；欢迎报名。"},
		{"from the match's sentence, whitespace collapsed", "一", "",
			"第一段。\n\n第二段  有   空格\t和<mark>。\n\n", "空格", "…第二段 有 <mark>空格</mark> 和&lt;mark&gt;。"},
		{"the summary first, when it holds a match", "西迁故事", "老教授讲述交大西迁。", "正文里也有西迁。", "交大",
			"老教授讲述<mark>交大</mark>西迁。"},
		{"a match in the title alone: the start of the summary", "西迁故事", "一位老教授的回忆。", "正文。", "西迁",
			"一位老教授的回忆。"},
		{"a match in the title alone, no summary: the start of the body", "重阳登高", "", "  \n老同志们结伴出游。", "登高",
			"老同志们结伴出游。"},
		{"a match deep in a long body: from its sentence to a sentence's end, cut on both sides", "长文", "摘要。", long + "西迁精神代代相传。" + long, "西迁",
			"…<mark>西迁</mark>精神代代相传。" + strings.Repeat("老同志们在操场上锻炼身体。", 8) + "…"},
		{"a long term found by its pairs in any order: the pairs marked", "报道", "", "学习西迁的精神。", "西迁精神",
			"学习<mark>西迁</mark>的<mark>精神</mark>。"},
		{"traditional, full-width and upper-case forms are marked as they are written", "x", "", "西遷與ＣＰＵ，Cpu。", "西迁 cpu",
			"<mark>西遷</mark>與<mark>ＣＰＵ</mark>，<mark>Cpu</mark>。"},
		{"a compatibility form beside a match keeps its place", "x", "", "省略……然后西迁。", "西迁", "省略……然后<mark>西迁</mark>。"},
		{"no text at all: empty", "西迁", "", "", "西迁", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := snippet(l, c.title, c.summary, c.body, terms(l.Normalize(c.query)))
			if got != c.want {
				t.Errorf("snippet\n got %q\nwant %q", got, c.want)
			}
		})
	}
}

// TestMarkedTitles: a title found by the pairs of a long term has the
// pairs marked.
func TestMarkedTitles(t *testing.T) {
	l, err := language()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ title, query, want string }{
		{"西迁故事：梧桐树下", "西迁", "<mark>西迁</mark>故事：梧桐树下"},
		{"精神的西迁", "西迁精神", "<mark>精神</mark>的<mark>西迁</mark>"},
		{"a  <b>\t西迁", "西迁", "a &lt;b&gt; <mark>西迁</mark>"},
	} {
		if got := markTitle(l, c.title, terms(l.Normalize(c.query))); got != c.want {
			t.Errorf("markTitle(%q, %q) = %q, want %q", c.title, c.query, got, c.want)
		}
	}
}
