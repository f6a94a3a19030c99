package content

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// MaxSlugLength is the longest slug, in bytes.
const MaxSlugLength = 80

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a well-formed slug: lower-case letters,
// digits and single hyphens, at most MaxSlugLength bytes.
func ValidSlug(s string) bool { return len(s) <= MaxSlugLength && slugPattern.MatchString(s) }

// Slugify makes a readable URL slug from a title: Chinese characters become
// their pinyin (without tones), ASCII letters and digits are kept and
// lower-cased, everything else separates words. "梧桐语讲坛 2024" gives
// "wu-tong-yu-jiang-tan-2024". The slug is cut at a word boundary to at
// most MaxSlugLength bytes; a title with nothing usable gives "".
func Slugify(title string) string {
	args := pinyin.NewArgs()
	args.Style = pinyin.Normal
	var words []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			words = append(words, word.String())
			word.Reset()
		}
	}
	for _, r := range title {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			word.WriteRune(unicode.ToLower(r))
		case unicode.Is(unicode.Han, r):
			flush()
			if py := pinyin.SinglePinyin(r, args); len(py) > 0 && py[0] != "" {
				words = append(words, py[0])
			}
		default:
			flush()
		}
	}
	flush()
	var b strings.Builder
	for _, w := range words {
		if b.Len()+len(w)+1 > MaxSlugLength {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(w)
	}
	return b.String()
}
