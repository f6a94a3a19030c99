package bleveindex

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/longbridgeapp/opencc"
	"github.com/yinling-cms/yinling/internal/zhseg"
	"golang.org/x/text/unicode/norm"
)

// Names of the analysis parts registered with bleve.
const (
	normalizeName = "yinling_normalize"
	wordsName     = "yinling_words" // gse's segmentation (search mode)
	// Analyzers: words for precision, character bigrams (bleve's cjk
	// analyzer after normalizing) for recall inside longer words.
	analyzerWords = "yinling_zh_words"
	analyzerGrams = "yinling_zh_grams"
	analyzerChars = "yinling_zh_chars" // single characters
)

// language is what every index of the process shares: the word
// dictionary (gse's, held by zhseg in a table the garbage collector need
// not walk; loaded once, on first use) and OpenCC's conversion from
// traditional to simplified characters. bleve's registry of analysis
// parts is global by its design; the parts are registered once.
var language = sync.OnceValues(func() (*lang, error) {
	// Text is folded to simplified characters before it is cut, so the
	// simplified dictionary is enough (and half the memory of both).
	seg, err := zhseg.New()
	if err != nil {
		return nil, err
	}
	t2s, err := simplifiedOf()
	if err != nil {
		return nil, err
	}
	l := &lang{seg: seg, t2s: t2s}
	if err := registry.RegisterCharFilter(normalizeName, func(map[string]any, *registry.Cache) (analysis.CharFilter, error) {
		return charFilter{l}, nil
	}); err != nil {
		return nil, err
	}
	if err := registry.RegisterTokenizer(wordsName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return wordTokenizer{l}, nil
	}); err != nil {
		return nil, err
	}
	return l, nil
})

type lang struct {
	seg *zhseg.Segmenter
	// t2s is the simplified form of each ideograph from hanFirst on (0
	// where the character is its own).
	t2s []rune
}

// The ideographs OpenCC's table is read for: CJK Unified Ideographs and
// Extension A.
const hanFirst, hanLast = 0x3400, 0x9fff

// simplifiedOf is OpenCC's traditional-to-simplified conversion of every
// CJK ideograph that has a one-character simplified form, as a table:
// folding character by character is what search needs (and thousands of
// times faster than converting phrases).
func simplifiedOf() ([]rune, error) {
	cc, err := opencc.New("t2s")
	if err != nil {
		return nil, err
	}
	out := make([]rune, hanLast-hanFirst+1)
	for r := rune(hanFirst); r <= hanLast; r++ {
		s, err := cc.Convert(string(r))
		if err != nil {
			return nil, err
		}
		if rs := []rune(s); len(rs) == 1 && rs[0] != r {
			out[r-hanFirst] = rs[0]
		}
	}
	return out, nil
}

// Normalize folds what a reader may type in several ways to one form:
// full-width letters and digits to half-width (NFKC), traditional
// characters to simplified, letters to lower case.
func (l *lang) Normalize(s string) string {
	if plain(s) {
		// What Chinese text is made of, where NFKC changes only the
		// full-width forms, one by one: done here, at a fraction of the
		// cost of the general algorithm.
		return strings.Map(func(r rune) rune { return l.fold(narrow(r)) }, s)
	}
	s = norm.NFKC.String(s)
	return strings.Map(l.fold, s)
}

// plain reports whether s is made only of characters that NFKC leaves
// alone or maps, each on its own, to one character (see narrow): ASCII,
// the CJK ideographs of hanFirst-hanLast, Chinese punctuation, the
// ideographic space and the full-width forms of ASCII. None of them
// combines with a neighbour, so NFKC of such text is narrow of each.
func plain(s string) bool {
	for _, r := range s {
		if !plainRune(r) {
			return false
		}
	}
	return true
}

// plainRune reports whether r is one of plain's characters.
func plainRune(r rune) bool {
	switch {
	case r < utf8.RuneSelf, hanFirst <= r && r <= 0x4dbf, 0x4e00 <= r && r <= hanLast,
		0x3000 <= r && r <= 0x3002, 0x3008 <= r && r <= 0x3011, 0xff01 <= r && r <= 0xff5e,
		r == 0x2018, r == 0x2019, r == 0x201c, r == 0x201d, r == 0x2014, r == 0x00b7:
		return true
	}
	return false
}

// narrow is NFKC of one of plain's characters: a full-width form of
// ASCII to ASCII, the ideographic space to a space, the rest unchanged.
func narrow(r rune) rune {
	switch {
	case 0xff01 <= r && r <= 0xff5e:
		return r - 0xfee0
	case r == 0x3000:
		return ' '
	}
	return r
}

// fold is Normalize's folding of one character (after NFKC): a table
// for the ideographs, which have no case, and lower case for the rest.
func (l *lang) fold(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case hanFirst <= r && r <= hanLast:
		if t := l.t2s[r-hanFirst]; t != 0 {
			return t
		}
		return r
	}
	return unicode.ToLower(r)
}

// Words are the words of normalized text as zhseg cuts it in search
// mode (long words also as their parts), punctuation and spaces dropped.
func (l *lang) Words(s string) []string {
	var out []string
	for _, w := range l.seg.CutSearch(s) {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			out = append(out, strings.TrimSpace(w))
		}
	}
	return out
}

type charFilter struct{ l *lang }

func (f charFilter) Filter(b []byte) []byte { return []byte(f.l.Normalize(string(b))) }

type wordTokenizer struct{ l *lang }

func (t wordTokenizer) Tokenize(b []byte) analysis.TokenStream {
	words := t.l.Words(string(b))
	out := make(analysis.TokenStream, 0, len(words))
	pos := 0
	for _, w := range words {
		pos++
		typ := analysis.AlphaNumeric
		if r := []rune(w); len(r) > 0 && unicode.Is(unicode.Han, r[0]) {
			typ = analysis.Ideographic
		}
		out = append(out, &analysis.Token{Term: []byte(w), Position: pos, Type: typ})
	}
	return out
}
