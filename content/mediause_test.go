package content

import (
	"slices"
	"testing"
)

func TestMediaInFindsTheLinksToMediaOnce(t *testing.T) {
	const a, b = "06h36qb17yt48jk5vrzzdsdn", "06h36qb17yt48jk5vrzzdsdp"
	for _, c := range []struct {
		name, text string
		want       []string
	}{
		{"an image with a rendition", "![合影](/media/" + a + "/合影.jpg?w=640)", []string{a}},
		{"the site's address before it", "[通知](https://ltx.example.edu/media/" + b + ")", []string{b}},
		{"in HTML", `<img src="/media/` + a + `?w=320" alt="x">`, []string{a}},
		{"twice, and another", "/media/" + a + " /media/" + b + "/x /media/" + a, []string{a, b}},
		{"at the end", "/media/" + a, []string{a}},
		{"too long to be an id", "/media/" + a + "x", nil},
		{"not an id (no u in ids)", "/media/06h36qb17yt48jk5vrzzdsdu", nil},
		{"upper case", "/media/06H36QB17YT48JK5VRZZDSDN", nil},
		{"no link", "西迁精神 media " + a, nil},
	} {
		if got := MediaIn(c.text); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
