package content

import (
	"strings"
	"testing"
)

func render(d []DiffLine) string {
	var b strings.Builder
	for _, l := range d {
		b.WriteString(string(l.Op) + l.Text + "\n")
	}
	return b.String()
}

func TestDiffLines(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"", "", ""},
		{"一\n二\n三", "一\n二\n三", " 一\n 二\n 三\n"},
		{"一\n二\n三", "一\n贰\n三", " 一\n-二\n+贰\n 三\n"},
		{"一\n三", "一\n二\n三", " 一\n+二\n 三\n"},
		{"一\n二\n三", "三", "-一\n-二\n 三\n"},
		{"", "新", "+新\n"},
		{"a\nb\nc\nd", "b\nx\nd\ne", "-a\n b\n-c\n+x\n d\n+e\n"},
	}
	for _, c := range cases {
		if got := render(DiffLines(c.a, c.b)); got != c.want {
			t.Errorf("DiffLines(%q, %q) =\n%s\nwant\n%s", c.a, c.b, got, c.want)
		}
	}
}

func TestDiffLinesRebuildsBothSides(t *testing.T) {
	a := strings.Repeat("同一行\n变化的行\n", 300)
	b := strings.ReplaceAll(a, "变化的行", "改过的行")
	var left, right []string
	for _, l := range DiffLines(a, b) {
		if l.Op != DiffAdd {
			left = append(left, l.Text)
		}
		if l.Op != DiffRemove {
			right = append(right, l.Text)
		}
	}
	if strings.Join(left, "\n")+"\n" != a || strings.Join(right, "\n")+"\n" != b {
		t.Fatal("the diff does not rebuild both texts")
	}
}
