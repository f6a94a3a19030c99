package bleveindex

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// slowNormalize is Normalize without its fast path.
func slowNormalize(l *lang, s string) string { return strings.Map(l.fold, norm.NFKC.String(s)) }

// TestNormalizeFastPathIsNFKC: for every character the fast path takes,
// alone and in random runs of them, Normalize is NFKC then folding.
func TestNormalizeFastPathIsNFKC(t *testing.T) {
	l, err := language()
	if err != nil {
		t.Fatal(err)
	}
	var plainRunes []rune
	for r := rune(0); r <= 0xffff; r++ {
		if s := string(r); plain(s) {
			plainRunes = append(plainRunes, r)
			if got, want := l.Normalize(s), slowNormalize(l, s); got != want {
				t.Fatalf("%U: %q, NFKC gives %q", r, got, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteRune(plainRunes[rng.IntN(len(plainRunes))])
		}
		if s := b.String(); l.Normalize(s) != slowNormalize(l, s) {
			t.Fatalf("%q: %q, NFKC gives %q", s, l.Normalize(s), slowNormalize(l, s))
		}
	}
	for _, s := range []string{"西遷故事，ＣＰＵ　2024。", "é", "e\u0301", "Ａ\u0301", "ｶﾞ", "①", "…", "ﬁ"} {
		if got, want := l.Normalize(s), slowNormalize(l, s); got != want {
			t.Errorf("%q: %q, want %q", s, got, want)
		}
	}
}

// FuzzNormalizeIsNFKC: whatever the text, Normalize is NFKC then
// folding.
func FuzzNormalizeIsNFKC(f *testing.F) {
	for _, s := range []string{"西遷故事，ＣＰＵ　2024。", "Ａ\u0301", "\xff西", "ｶﾞ"} {
		f.Add(s)
	}
	l, err := language()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := l.Normalize(s), slowNormalize(l, s); got != want {
			t.Fatalf("%q: %q, NFKC gives %q", s, got, want)
		}
	})
}
