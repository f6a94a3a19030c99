// Package zhseg cuts Chinese text into words the way gse's search mode
// does (jieba's algorithm: the most probable path through the words of
// the dictionary, unknown runs of characters cut by gse's HMM, and long
// words also as their dictionary words of two and three characters),
// over a dictionary held in a table without pointers.
//
// gse keeps its 350,000 words as some millions of small objects joined by
// pointers: 130 MB that the garbage collector walks in every cycle, and
// that made each cycle slow every search running beside it. Here the
// words are bytes of one string and the table is arrays of numbers, so a
// cycle has nothing of them to walk. The words and their frequencies are
// gse's (its embedded simplified-Chinese dictionary, read once through
// gse and then let go); the cut is checked word for word against gse's.
// Where gse strays from jieba it follows jieba: gse gives a character
// that only begins words (a digit, say) probability 0, which makes every
// cut before it a tie the longest word wins; here it counts as seen once.
package zhseg

import (
	"fmt"
	"hash/maphash"
	"math"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/go-ego/gse"
	"github.com/go-ego/gse/hmm"
)

// Segmenter cuts text; it is safe for concurrent use.
type Segmenter struct {
	words table
	logT  float64 // log of the sum of all the words' frequencies
}

// New reads gse's embedded dictionary named dict ("zh_s": simplified
// Chinese) into a Segmenter. It takes a second or more: gse parses the
// dictionary first.
func New(dict string) (*Segmenter, error) {
	g, err := gse.NewEmbed(dict)
	if err != nil {
		return nil, fmt.Errorf("zhseg: load gse's dictionary %q: %w", dict, err)
	}
	tokens := g.Dict.Tokens
	var blob strings.Builder
	total := 0.0
	type word struct {
		at, n int
		freq  float64
	}
	ws := make([]word, 0, len(tokens))
	for i := range tokens {
		t := tokens[i].Text()
		ws = append(ws, word{at: blob.Len(), n: len(t), freq: tokens[i].Freq()})
		blob.WriteString(t)
		total += tokens[i].Freq()
	}
	s := &Segmenter{logT: math.Log(total)}
	s.words = newTable(blob.String(), 2*len(ws))
	for _, w := range ws {
		// Every prefix of a word is known (with no frequency of its own
		// unless it is a word too), as in gse's trie: the walk through a
		// text goes on while what it has read begins some word.
		for _, end := range runeStarts(s.words.blob[w.at : w.at+w.n])[1:] {
			if end < w.n {
				s.words.add(w.at, end, -1)
			}
		}
		s.words.add(w.at, w.n, w.freq)
	}
	// gse's structures, 130 MB and more, are garbage from here: hand
	// their memory back to the system now rather than as the runtime
	// finds time (the process's resident size after start drops by it).
	debug.FreeOSMemory()
	return s, nil
}

// freq is the frequency of w: > 0 for a word, 0 for the beginning of
// one (not a word itself), and known false when no word begins so.
func (s *Segmenter) freq(w string) (f float64, known bool) {
	v, ok := s.words.get(w)
	if !ok {
		return 0, false
	}
	return max(float64(v), 0), true
}

// Cut is jieba's cut, as gse's Cut(text, true) makes it (but where gse
// strays, see the package): the most probable path through the
// dictionary's words, runs of single characters that are not a word cut
// by the HMM. text should be lower case (gse folds it itself).
func (s *Segmenter) Cut(text string) []string {
	at := runeStarts(text)
	n := len(at) - 1
	// best[k] is the most probable cut of the text from character k:
	// its log probability and where its first word ends.
	type route struct {
		logp float64
		end  int
	}
	best := make([]route, n+1)
	for k := n - 1; k >= 0; k-- {
		found := false
		pick := route{logp: math.Inf(-1)}
		try := func(end int, f float64) {
			r := route{logp: math.Log(f) - s.logT + best[end].logp, end: end}
			// ties go to the longer word, as in gse
			if r.logp > pick.logp || (r.logp == pick.logp && r.end > pick.end) {
				pick = r
			}
		}
		for end := k + 1; end <= n; end++ {
			f, known := s.freq(text[at[k]:at[end]])
			if !known {
				break
			}
			if f > 0 {
				found = true
				try(end, f)
			}
		}
		if !found {
			try(k+1, 1) // a character no word begins with counts as seen once
		}
		best[k] = pick
	}

	var out []string
	run := -1 // the first of the single characters not yet given out
	flush := func(upTo int) {
		if run < 0 {
			return
		}
		buf := text[at[run]:at[upTo]]
		switch {
		case upTo-run == 1:
			out = append(out, buf)
		case s.isWord(buf):
			for i := run; i < upTo; i++ {
				out = append(out, text[at[i]:at[i+1]])
			}
		default:
			out = append(out, hmm.Cut(buf)...)
		}
		run = -1
	}
	for x := 0; x < n; {
		y := best[x].end
		if y-x == 1 {
			if run < 0 {
				run = x
			}
		} else {
			flush(x)
			out = append(out, text[at[x]:at[y]])
		}
		x = y
	}
	flush(n)
	return out
}

func (s *Segmenter) isWord(w string) bool {
	f, _ := s.freq(w)
	return f > 0
}

// CutSearch is search mode, as gse's CutSearch(text, true): Cut's words, each longer one
// preceded by its dictionary words of two characters (for a word of more
// than two) and of three (more than three).
func (s *Segmenter) CutSearch(text string) []string {
	words := s.Cut(text)
	out := make([]string, 0, len(words)+len(words)/2)
	for _, w := range words {
		n := utf8.RuneCountInString(w)
		for _, size := range []int{2, 3} {
			if n <= size {
				continue
			}
			at := runeStarts(w)
			for i := 0; i+size <= n; i++ {
				if g := w[at[i]:at[i+size]]; s.isWord(g) {
					out = append(out, g)
				}
			}
		}
		out = append(out, w)
	}
	return out
}

// runeStarts are the byte offsets of s's characters, and len(s) last.
func runeStarts(s string) []int {
	out := make([]int, 0, len(s)+1)
	for i := range s {
		out = append(out, i)
	}
	return append(out, len(s))
}

// table is an open-addressing hash table from byte ranges of blob to a
// frequency (-1 for a prefix): three arrays of numbers and one string,
// nothing for the garbage collector to walk.
type table struct {
	blob  string
	seed  maphash.Seed
	at    []uint32 // where the key begins in blob; 0 with n 0: empty
	n     []uint16 // the key's length in bytes
	value []float32
	used  int
}

func newTable(blob string, capacity int) table {
	size := 1
	for size < capacity*2 {
		size <<= 1
	}
	return table{blob: blob, seed: maphash.MakeSeed(), at: make([]uint32, size), n: make([]uint16, size), value: make([]float32, size)}
}

func (t *table) slot(key string) int {
	mask := len(t.at) - 1
	i := int(maphash.String(t.seed, key)) & mask
	for t.n[i] != 0 && t.blob[t.at[i]:int(t.at[i])+int(t.n[i])] != key {
		i = (i + 1) & mask
	}
	return i
}

// add sets the key blob[at:at+n]; a word's frequency replaces a prefix's
// mark, never the other way, and the first frequency of a word stays
// (gse keeps the first of duplicate lines).
func (t *table) add(at, n int, v float64) {
	key := t.blob[at : at+n]
	i := t.slot(key)
	if t.n[i] != 0 {
		if t.value[i] < 0 && v >= 0 {
			t.value[i] = float32(v)
		}
		return
	}
	if 2*(t.used+1) > len(t.at) {
		t.grow()
		i = t.slot(key)
	}
	t.at[i], t.n[i], t.value[i] = uint32(at), uint16(n), float32(v)
	t.used++
}

func (t *table) grow() {
	old := *t
	*t = newTable(old.blob, len(old.at))
	t.seed = old.seed
	for i, n := range old.n {
		if n != 0 {
			j := t.slot(old.blob[old.at[i] : int(old.at[i])+int(n)])
			t.at[j], t.n[j], t.value[j] = old.at[i], n, old.value[i]
			t.used++
		}
	}
}

func (t *table) get(key string) (float32, bool) {
	if key == "" || len(key) > math.MaxUint16 {
		return 0, false
	}
	i := t.slot(key)
	if t.n[i] == 0 {
		return 0, false
	}
	return t.value[i], true
}
