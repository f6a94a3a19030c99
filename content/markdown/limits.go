package markdown

import (
	"strings"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// What one document may hold. goldmark's work grows faster than the text
// on a few shapes (measured here on 190 KB: 190,000 ">" took 28 s, 47,500
// unclosed "[a](" 16 s, while 190 KB of ordinary Chinese text takes
// milliseconds), so those shapes are bounded before it runs, far above
// what a story needs.
const (
	// MaxQuoteDepth is the deepest nesting of block quotes.
	MaxQuoteDepth = 32
	// MaxLinks is the most links and images ("](" and "][") in one text.
	MaxLinks = 2000
)

// checkLimits refuses a text that holds more than the limits allow, with a
// message naming the limit (fault.Invalid). It reads the text once.
func checkLimits(src string) error {
	if links := strings.Count(src, "](") + strings.Count(src, "]["); links > MaxLinks {
		return fault.New(fault.Invalid, "the text has %d links or images; at most %d are allowed in one text", links, MaxLinks)
	}
	for line := range strings.SplitSeq(src, "\n") {
		depth := 0
	scan:
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '>':
				depth++
			case ' ', '\t':
			default:
				break scan
			}
		}
		if depth > MaxQuoteDepth {
			return fault.New(fault.Invalid, "the text nests block quotes %d deep; at most %d levels are allowed", depth, MaxQuoteDepth)
		}
	}
	return nil
}
