package markdown

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// headingIDs makes heading ids that keep Chinese (goldmark's default keeps
// only ASCII, turning every Chinese heading into "heading", "-", "--1").
// Letters and digits of any script stay, ASCII is lower-cased, everything
// else becomes one hyphen; repeats get "-1", "-2", ... so ids stay unique
// within a document. Each base remembers the last number it gave, so a
// document of n identical headings costs n steps, not n²/2 (10,000 "# a"
// took 14 s when every id counted up from 1).
type headingIDs struct {
	used  map[string]bool
	next  map[string]int
	steps int // numbers tried, for the test that keeps this linear
}

func newHeadingIDs() *headingIDs { return &headingIDs{used: map[string]bool{}, next: map[string]int{}} }

// Generate implements parser.IDs.
func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	var b strings.Builder
	dash := false
	for _, r := range string(value) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	base := b.String()
	if r := []rune(base); len(r) > 80 {
		base = string(r[:80])
	}
	if base == "" {
		base = "section"
	}
	id := base
	for h.used[id] {
		h.steps++
		h.next[base]++
		id = base + "-" + strconv.Itoa(h.next[base])
	}
	h.used[id] = true
	return []byte(id)
}

// Put implements parser.IDs: ids written by hand are taken too.
func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }
