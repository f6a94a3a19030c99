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
// gse's (its embedded simplified-Chinese dictionary, kept here as a list
// of words and numbers made from gse's by go generate, so a start reads
// it in a tenth of a second instead of running gse's loader for
// seconds); the cut is checked word for word against gse's.
// Where gse strays from jieba it follows jieba: gse gives a character
// that only begins words (a digit, say) probability 0, which makes every
// cut before it a tie the longest word wins; here it counts as seen once.
package zhseg

import (
	"bytes"
	"compress/gzip"
	_ "embed" // the dictionary
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/go-ego/gse/hmm"
)

// Segmenter cuts text; it is safe for concurrent use.
type Segmenter struct {
	words table
	logT  float64 // log of the sum of all the words' frequencies
}

// Word is one word of the dictionary and its frequency, as gse reads
// it from its dictionary file.
type Word struct {
	Text string
	Freq float64
}

// dictZhS is gse's embedded simplified-Chinese dictionary as zhseg keeps
// it: the words and their frequencies, in gse's order, made by gendict
// (go generate) and checked against gse by TestTheDictionaryIsGses. The
// words are gse's data (github.com/go-ego/gse, Apache License 2.0; in
// part from jieba, MIT), shipped in the binary as gse shipped them.
// Reading gse's text with gse took 2 s on an idle core and 14 s on a
// busy 2-core machine (each instance starting at once paid it, and
// searched nothing meanwhile); this takes a tenth of a second.
//
//go:generate go run ./gendict -o dict_zh_s.bin.gz
//go:embed dict_zh_s.bin.gz
var dictZhS []byte

// New is a Segmenter over the simplified-Chinese dictionary embedded in
// the program (gse's words and frequencies, see dictZhS).
func New() (*Segmenter, error) {
	raw, err := unzipped()
	if err != nil {
		return nil, err
	}
	// The words' bytes, one after another, are the table's blob: read
	// in place, without a string of each.
	var blob strings.Builder
	blob.Grow(len(raw))
	var ws []word
	err = walk(raw, func(text []byte, freq float64) {
		if ws == nil {
			ws = make([]word, 0, len(raw)/16)
		}
		ws = append(ws, word{at: blob.Len(), n: len(text), freq: freq})
		blob.Write(text)
	})
	if err != nil {
		return nil, err
	}
	return fromTable(blob.String(), ws), nil
}

// Words are the words of the embedded dictionary, in gse's order.
func Words() ([]Word, error) {
	raw, err := unzipped()
	if err != nil {
		return nil, err
	}
	var words []Word
	err = walk(raw, func(text []byte, freq float64) { words = append(words, Word{Text: string(text), Freq: freq}) })
	return words, err
}

func unzipped() ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(dictZhS))
	if err != nil {
		return nil, fmt.Errorf("zhseg: read the dictionary: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("zhseg: read the dictionary: %w", err)
	}
	return raw, nil
}

// walk calls f with each word of raw (the format WriteWords writes,
// unzipped) in order.
func walk(raw []byte, f func(text []byte, freq float64)) error {
	if !bytes.HasPrefix(raw, []byte(dictMagic)) {
		return errors.New("zhseg: the dictionary is not of this version")
	}
	raw = raw[len(dictMagic):]
	count, k := binary.Uvarint(raw)
	if k <= 0 || count > uint64(len(raw)) {
		return errors.New("zhseg: the dictionary is damaged")
	}
	raw = raw[k:]
	for range count {
		n, k := binary.Uvarint(raw)
		if k <= 0 || uint64(len(raw)-k) < n+8 {
			return errors.New("zhseg: the dictionary is damaged")
		}
		text := raw[k : k+int(n)]
		raw = raw[k+int(n):]
		f(text, math.Float64frombits(binary.LittleEndian.Uint64(raw)))
		raw = raw[8:]
	}
	if len(raw) != 0 {
		return errors.New("zhseg: the dictionary is damaged")
	}
	return nil
}

// dictMagic begins the dictionary's bytes (once unzipped): the format.
const dictMagic = "zhseg-dict-1\n"

// WriteWords writes words in the format Words reads (gzip-compressed).
func WriteWords(w io.Writer, words []Word) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	b := []byte(dictMagic)
	b = binary.AppendUvarint(b, uint64(len(words)))
	for _, wd := range words {
		b = binary.AppendUvarint(b, uint64(len(wd.Text)))
		b = append(b, wd.Text...)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(wd.Freq))
	}
	if _, err := zw.Write(b); err != nil {
		return err
	}
	return zw.Close()
}

// FromWords is a Segmenter over words (in gse's order: the first of
// duplicate words keeps its frequency).
func FromWords(words []Word) *Segmenter {
	var blob strings.Builder
	ws := make([]word, 0, len(words))
	for _, w := range words {
		ws = append(ws, word{at: blob.Len(), n: len(w.Text), freq: w.Freq})
		blob.WriteString(w.Text)
	}
	return fromTable(blob.String(), ws)
}

// word is a word of a blob: its bytes blob[at:at+n] and its frequency.
type word struct {
	at, n int
	freq  float64
}

func fromTable(blob string, ws []word) *Segmenter {
	total := 0.0
	for _, w := range ws {
		total += w.freq
	}
	s := &Segmenter{logT: math.Log(total)}
	s.words = newTable(blob, 4*len(ws))
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
	return s
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
