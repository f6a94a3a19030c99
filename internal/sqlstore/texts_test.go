package sqlstore

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestDecodeTextsAsJSONDoes reads texts written by encodeTexts and by
// json.Marshal (the rows written before encodeTexts, HTML escaped), and
// texts in other forms, and wants what encoding/json reads from them,
// error or not.
func TestDecodeTextsAsJSONDoes(t *testing.T) {
	story, err := os.ReadFile("../../content/markdown/testdata/bench-story.md.txt")
	if err != nil {
		t.Fatal(err)
	}
	texts := [][]string{
		{}, {""}, {string(story), "<p>西迁 &amp; 梧桐</p>\n<h2 id=\"出发\">出发</h2>", "<script>\"\\/\b\f\n\r\t\x00\x1f\x7f"},
		{"\u2028\u2029 😀 𠀀 \ufffd", "a\xffb", "\xed\xa0\x80"}, // invalid UTF-8 and a lone surrogate's bytes
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("ab<>&\"\\/\n\t\x01\x7f西迁😀\u2028\ufffd")
	for range 500 {
		var vals []string
		for range r.IntN(4) {
			var b strings.Builder
			for range r.IntN(40) {
				if r.IntN(20) == 0 {
					b.WriteByte(byte(0x80 + r.IntN(0x80))) // a stray byte
					continue
				}
				b.WriteRune(alphabet[r.IntN(len(alphabet))])
			}
			vals = append(vals, b.String())
		}
		texts = append(texts, vals)
	}
	var inputs []string
	for _, vals := range texts {
		mine, err := encodeTexts(vals)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := json.Marshal(vals)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, mine, string(theirs))
	}
	inputs = append(inputs, `[]`, `[ "a" ]`, `["a",]`, `["a"`, `["\ud800\u0041"]`, `["\ud83d\ude00"]`, `["\uDE00\uD83D"]`,
		`["\u00"]`, `["\x"]`, `["a"]x`, `null`, `["a",1]`, "[\"\x01\"]", `["\u002B"]`, `{}`, ``, `[`)
	for _, in := range inputs {
		got, gotErr := decodeTexts([]byte(in))
		var want []string
		wantErr := json.Unmarshal([]byte(in), &want)
		if (gotErr != nil) != (wantErr != nil) || (wantErr == nil && !reflect.DeepEqual(got, want)) {
			t.Fatalf("decodeTexts(%q) = %q, %v; encoding/json reads %q, %v", in, got, gotErr, want, wantErr)
		}
	}
}

// FuzzDecodeTexts holds decodeTexts to encoding/json on any input.
func FuzzDecodeTexts(f *testing.F) {
	for _, s := range []string{`["a","\u003cp\u003e"]`, `["<p>西迁</p>"]`, `["\ud83d\ude00"]`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, gotErr := decodeTexts(in)
		var want []string
		wantErr := json.Unmarshal(in, &want)
		if (gotErr != nil) != (wantErr != nil) || (wantErr == nil && !reflect.DeepEqual(got, want)) {
			t.Fatalf("decodeTexts(%q) = %q, %v; encoding/json reads %q, %v", in, got, gotErr, want, wantErr)
		}
	})
}

// BenchmarkDecodeTexts reads a story's texts (its Markdown, its HTML and
// the live copy's HTML) as rows written before encodeTexts hold them
// (escaped) and as it writes them (plain).
func BenchmarkDecodeTexts(b *testing.B) {
	story, err := os.ReadFile("../../content/markdown/testdata/bench-story.md.txt")
	if err != nil {
		b.Fatal(err)
	}
	html := strings.ReplaceAll("<p>"+string(story)+"</p>", "\n\n", "</p>\n<p>")
	for _, c := range []struct {
		name   string
		decode func([]byte) ([]string, error)
	}{
		{"ours", decodeTexts},
		{"encoding-json", func(in []byte) ([]string, error) { var v []string; err := json.Unmarshal(in, &v); return v, err }},
	} {
		escaped, _ := json.Marshal([]string{string(story), html, html})
		plain, _ := encodeTexts([]string{string(story), html, html})
		for form, in := range map[string][]byte{"escaped": escaped, "plain": []byte(plain)} {
			b.Run(c.name+"/"+form, func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				for b.Loop() {
					if _, err := c.decode(in); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
