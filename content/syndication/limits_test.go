package syndication_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/media"
)

// TestHashtagsTypedInTheCaptionCount: the #话题 typed in a caption are
// hashtags to Douyin's checks, with those given apart, each once; a #
// in a web address is not one; the text posted adds only the hashtags
// not typed.
func TestHashtagsTypedInTheCaptionCount(t *testing.T) {
	l := syndication.DefaultLimits()["douyin"]
	var typed []string
	for i := range 9 {
		typed = append(typed, fmt.Sprintf("#话题%d", i))
	}
	for _, c := range []struct {
		name     string
		post     syndication.Post
		problems []string
	}{
		{"ten hashtags, some typed, some given, one both ways, pass",
			syndication.Post{Caption: "登高 " + strings.Join(typed, " "), Hashtags: []string{"话题0", "重阳节"}}, nil},
		{"eleven hashtags, typed and given, are too many",
			syndication.Post{Caption: "登高 " + strings.Join(typed, " ") + " #Taichi", Hashtags: []string{"重阳节"}},
			[]string{"hashtags: douyin: 11 hashtags; at most 10"}},
		{"a # in a web address is not a hashtag",
			syndication.Post{Caption: strings.Join(typed, " ") + " https://ltx.example.edu/videos/a#top", Hashtags: []string{"重阳节"}}, nil},
		{"a typed hashtag longer than 20 characters is refused",
			syndication.Post{Caption: "#" + strings.Repeat("长", 21)},
			[]string{"hashtags: douyin: #" + strings.Repeat("长", 21) + " has 21 characters; at most 20"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, p := range l.Check("douyin", c.post, media.Asset{}) {
				got = append(got, p.Field+": "+p.Message)
			}
			if strings.Join(got, "\n") != strings.Join(c.problems, "\n") {
				t.Fatalf("problems %q, want %q", got, c.problems)
			}
		})
	}
	p := syndication.Post{Caption: "登高 #重阳节日 #敬老", Hashtags: []string{"重阳节", "敬老"}}
	if got := p.Text(); got != "登高 #重阳节日 #敬老 #重阳节" {
		t.Fatalf("Text() = %q", got)
	}
}
