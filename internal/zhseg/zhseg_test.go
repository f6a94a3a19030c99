package zhseg_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ego/gse"
	"github.com/yinling-cms/yinling/internal/benchcorpus"
	"github.com/yinling-cms/yinling/internal/zhseg"
)

// texts are what the check cuts: the search relevance fixture's stories
// (titles, summaries, bodies, each sentence on its own), the load tool's
// corpus, and mixed text (Latin words, numbers, punctuation, characters
// no word begins with).
func texts(t *testing.T) []string {
	raw, err := os.ReadFile("../bleveindex/testdata/relevance.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Stories []struct{ Title, Summary, Body string }
		Queries []struct{ Q string }
	}
	if err := json.Unmarshal(raw, &fixture); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range fixture.Stories {
		out = append(out, s.Title, s.Summary)
		out = append(out, strings.FieldsFunc(s.Body, func(r rune) bool { return r == '。' || r == '\n' })...)
	}
	for _, q := range fixture.Queries {
		out = append(out, q.Q)
	}
	for k := range 200 {
		st := benchcorpus.Varied(k, 100)
		out = append(out, st.Title, st.Summary, st.Body)
	}
	out = append(out, benchcorpus.Pieces()...)
	out = append(out, "2024年cpu价格", "西迁精神 讲坛 王老师", "4s店的iphone 15 pro", "㐀㐁㐂", "老年大学（兴庆校区）开学啦！！", "a", "")
	return out
}

// TestCutsAsGseDoes: every sentence is cut into exactly gse's words
// (search mode, HMM on), in gse's order, but where gse strays from
// jieba's rule: for a character no word is made of alone, gse's
// probability is 0 (jieba's, and ours, that of a character seen once),
// which makes every cut before it in the text a tie that the longest
// word wins. There ours is checked to be the cut of the sentence ended
// just before that character, which gse cuts by the rule (the first such character).
func TestCutsAsGseDoes(t *testing.T) {
	ours, err := zhseg.New()
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := gse.NewEmbed("zh_s")
	if err != nil {
		t.Fatal(err)
	}
	same, strays := 0, 0
	for _, text := range texts(t) {
		for _, sentence := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return strings.ContainsRune("。！？\n", r) }) {
			rs := []rune(sentence)
			stray := -1
			for i, r := range rs {
				if stray < 0 && ours.OnlyBegins(string(r)) {
					stray = i
				}
			}
			if stray < 0 {
				same++
				if want, got := theirs.CutSearch(sentence, true), ours.CutSearch(sentence); !slices.Equal(got, want) {
					t.Errorf("%q\n got %q\nwant %q", sentence, got, want)
				}
				if want, got := theirs.Cut(sentence, true), ours.Cut(sentence); !slices.Equal(got, want) {
					t.Errorf("Cut %q\n got %q\nwant %q", sentence, got, want)
				}
				continue
			}
			strays++
			// what comes after the character cannot change the cut
			// before it
			head := string(rs[:stray])
			if head == "" {
				continue
			}
			want := theirs.Cut(head, true)
			got := ours.Cut(sentence)
			if !hasPrefix(got, want) && !hasPrefix(got, want[:len(want)-1]) {
				t.Errorf("Cut %q\n got %q\nwant it to begin %q", sentence, got, want)
			}
		}
	}
	t.Logf("%d sentences cut as gse does, %d with a character gse strays at", same, strays)
	if same < 500 {
		t.Fatalf("only %d sentences compared", same)
	}
}

// hasPrefix: got begins with the words of want (the last word of want
// may be longer in got, which knows what follows).
func hasPrefix(got, want []string) bool {
	return len(got) >= len(want) && slices.Equal(got[:len(want)], want)
}

// TestTheDictionaryIsGses: the embedded dictionary holds gse's words and
// frequencies, in gse's order (run go generate in internal/zhseg after
// upgrading gse), and loads in a fraction of gse's time.
func TestTheDictionaryIsGses(t *testing.T) {
	began := time.Now()
	if _, err := zhseg.New(); err != nil {
		t.Fatal(err)
	}
	t.Logf("zhseg's dictionary read and tabled in %v", time.Since(began))
	ours, err := zhseg.Words()
	if err != nil {
		t.Fatal(err)
	}
	began = time.Now()
	g, err := gse.NewEmbed("zh_s")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gse's loader: %v", time.Since(began))
	tokens := g.Dict.Tokens
	if len(tokens) != len(ours) {
		t.Fatalf("%d words, gse has %d: run go generate in internal/zhseg", len(ours), len(tokens))
	}
	for i := range tokens {
		if w := (zhseg.Word{Text: tokens[i].Text(), Freq: tokens[i].Freq()}); w != ours[i] {
			t.Fatalf("word %d is %v, gse's %v: run go generate in internal/zhseg", i, ours[i], w)
		}
	}
}
