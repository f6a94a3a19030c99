package videos_test

import (
	"slices"
	"testing"

	"github.com/yinling-cms/yinling/content/videos"
)

func TestCaptionHashtagsAreTheTopicsTyped(t *testing.T) {
	for _, c := range []struct {
		name, caption string
		want          []string
	}{
		{"Chinese topics separated by spaces", "重阳登高 #重阳节 #敬老爱老 ", []string{"重阳节", "敬老爱老"}},
		{"ASCII and mixed topics", "#Taichi 晨练 #2026重阳 #tai_chi", []string{"Taichi", "2026重阳", "tai_chi"}},
		{"a topic ends at Chinese punctuation", "登高望远#重阳节，大家好！#银龄。", []string{"重阳节", "银龄"}},
		{"topics back to back are two", "#梧桐语讲坛#第三讲", []string{"梧桐语讲坛", "第三讲"}},
		{"a topic written twice counts once", "#重阳节 又是 #重阳节", []string{"重阳节"}},
		{"# in a web address is not a topic", "详见 https://ltx.example.edu/videos/a#top 和 www.example.cn/#x", nil},
		{"a lone # is not a topic", "第 # 期 ## #，", nil},
		{"a topic after a line break", "登高\n#重阳节", []string{"重阳节"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := videos.CaptionHashtags(c.caption); !slices.Equal(got, c.want) {
				t.Fatalf("CaptionHashtags(%q) = %q, want %q", c.caption, got, c.want)
			}
		})
	}
	if got := videos.AllHashtags([]string{"敬老", "重阳节"}, "登高 #重阳节 #银龄"); !slices.Equal(got, []string{"敬老", "重阳节", "银龄"}) {
		t.Fatalf("AllHashtags = %q", got)
	}
}
