package videos

import (
	"slices"
	"strings"
	"unicode"
)

// CaptionHashtags returns the #话题 typed in a caption, in order, each
// once, without the #. A hashtag is a # followed by letters, digits,
// marks or _ (Chinese or ASCII), up to the first character that is none
// of them: a space, punctuation (，。！), the end, or another # (which
// begins the next: "#重阳节#登高" is two, as Douyin reads it). A # inside a web address (a word holding
// "://" or starting "www.") is a fragment, not a hashtag.
func CaptionHashtags(caption string) []string {
	var out []string
	for _, word := range strings.FieldsFunc(caption, unicode.IsSpace) {
		if strings.Contains(word, "://") || strings.HasPrefix(strings.ToLower(word), "www.") {
			continue
		}
		for rest := word; ; {
			i := strings.IndexByte(rest, '#')
			if i < 0 {
				break
			}
			rest = rest[i+1:]
			end := strings.IndexFunc(rest, func(r rune) bool { return !topicRune(r) })
			if end < 0 {
				end = len(rest)
			}
			if tag := rest[:end]; tag != "" && !slices.Contains(out, tag) {
				out = append(out, tag)
			}
			rest = rest[end:]
		}
	}
	return out
}

// topicRune reports whether r may be part of a hashtag.
func topicRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// AllHashtags are the entry's hashtags as a post carries them: those
// given (Hashtags), then those typed in the caption that are not among
// them.
func AllHashtags(hashtags []string, caption string) []string {
	out := append([]string(nil), hashtags...)
	for _, h := range CaptionHashtags(caption) {
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}
