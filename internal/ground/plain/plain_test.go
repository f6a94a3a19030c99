package plain

import "testing"

func TestLinesAndTexts(t *testing.T) {
	for _, c := range []struct {
		s          string
		line, text bool
	}{
		{"梧桐语讲坛 2024", true, true},
		{"西迁\n精神", false, true},
		{"a\tb", false, true},
		{"abc\u202Egpj.exe", false, false},
		{"零\u200B宽", false, false},
		{"C1 \u0085 control", false, false},
		{"nul \x00", false, false},
		{"\xff\xfe", false, false},
		{"emoji 👴 ok", true, true},
	} {
		if got := Line(c.s); got != c.line {
			t.Errorf("Line(%q) = %v, want %v", c.s, got, c.line)
		}
		if got := Text(c.s); got != c.text {
			t.Errorf("Text(%q) = %v, want %v", c.s, got, c.text)
		}
	}
}
