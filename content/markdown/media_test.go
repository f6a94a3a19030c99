package markdown

import (
	"context"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

const photo = "0123456789abcdefghjkmnpq"

// TestImagesItWillNotShowAreRefused: a text with an image the sanitizer
// would take away is refused naming the image, never saved without it;
// this site's images, as paths or as absolute URLs of its address under
// either scheme, are shown, as paths.
func TestImagesItWillNotShowAreRefused(t *testing.T) {
	r := newRenderer(t)
	for _, c := range []struct {
		name, src string
		refused   string // the image the error names; "" when shown
		shown     string // then: what the HTML holds
	}{
		{"a path of this site's media", "![合影](/media/" + photo + "/合影.jpg?w=640)", "", `src="/media/` + photo + `/%E5%90%88%E5%BD%B1.jpg?w=640"`},
		{"this site's address", "![合影](https://ltx.example.edu/media/" + photo + "/a.jpg)", "", `src="/media/` + photo + `/a.jpg"`},
		{"this site's address over http", "![合影](http://LTX.example.edu/media/" + photo + ")", "", `src="/media/` + photo + `"`},
		{"an image by reference", "![合影][1]\n\n[1]: /media/" + photo, "", `src="/media/` + photo + `"`},
		{"another host", "![外站](https://tracker.example.com/pixel.gif)", "https://tracker.example.com/pixel.gif", ""},
		{"another host's media path", "![旧址](http://localhost:8080/media/" + photo + "/a.jpg)", "http://localhost:8080/media/" + photo + "/a.jpg", ""},
		{"a path outside the media", "![图标](/static/logo.png)", "/static/logo.png", ""},
		{"a relative file name", "![图](photo.jpg)", "photo.jpg", ""},
		{"javascript", "![x](javascript:alert(1))", "javascript:alert(1)", ""},
		{"a data URL", "![截图](data:image/png;base64,iVBORw0KGgo=)", "data:image/png;base64,iVBORw0KGgo=", ""},
		{"an empty address", "![空]()", "", ""},
		{"a bad image among good ones", "![a](/media/" + photo + ")\n\n![b](https://cdn.example.com/b.jpg)", "https://cdn.example.com/b.jpg", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := r.Render(context.Background(), c.src)
			if c.shown != "" {
				if err != nil || !strings.Contains(out, c.shown) {
					t.Fatalf("render = %q, %v; want it to hold %s", out, err, c.shown)
				}
				return
			}
			fe := fault.As(err)
			if fe == nil || fe.Kind != fault.Invalid || !strings.Contains(fe.Message, `"`+c.refused+`"`) {
				t.Fatalf("render = %q, %v; want it refused naming %q", out, err, c.refused)
			}
		})
	}
	t.Run("several are counted", func(t *testing.T) {
		_, err := r.Render(context.Background(), "![a](http://old.example/a.jpg) ![b](http://old.example/b.jpg) ![c](/media/"+photo+")")
		if fe := fault.As(err); fe == nil || !strings.HasPrefix(fe.Message, `2 images are not in this site's media library`) ||
			!strings.Contains(fe.Message, `"http://old.example/a.jpg"`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a long address is cut in the message", func(t *testing.T) {
		_, err := r.Render(context.Background(), "![截图](data:image/png;base64,"+strings.Repeat("A", 100000)+")")
		if fe := fault.As(err); fe == nil || len(fe.Message) > 400 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a link to another host is no image", func(t *testing.T) {
		if _, err := r.Render(context.Background(), "[新闻](https://news.example.com/a.jpg)"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a text saved before the check renders without the image", func(t *testing.T) {
		out, err := r.RenderSaved(context.Background(), "![外站](https://tracker.example.com/pixel.gif)")
		if err != nil || strings.Contains(out, "tracker") {
			t.Fatalf("got %q, %v", out, err)
		}
	})
}

// TestCanonical: a save keeps this site's media as paths, whatever the
// scheme, case or default port of its address; other hosts, other paths
// and longer ids are left as they are.
func TestCanonical(t *testing.T) {
	r := newRenderer(t)
	for _, c := range []struct{ in, want string }{
		{"![a](https://ltx.example.edu/media/" + photo + "/a.jpg?w=640)", "![a](/media/" + photo + "/a.jpg?w=640)"},
		{"![a](http://ltx.example.edu:80/media/" + photo + ")", "![a](/media/" + photo + ")"},
		{"[表](HTTPS://LTX.EXAMPLE.EDU:443/media/" + photo + "/表.pdf)", "[表](/media/" + photo + "/表.pdf)"},
		{"<https://ltx.example.edu/media/" + photo + ">", "</media/" + photo + ">"},
		{"![a](https://ltx.example.edu:8443/media/" + photo + ")", "![a](https://ltx.example.edu:8443/media/" + photo + ")"},
		{"![a](https://other.example.edu/media/" + photo + ")", "![a](https://other.example.edu/media/" + photo + ")"},
		{"![a](https://ltx.example.edu/media/" + photo + "x)", "![a](https://ltx.example.edu/media/" + photo + "x)"},
		{"[站](https://ltx.example.edu/stories/a)", "[站](https://ltx.example.edu/stories/a)"},
	} {
		if got := r.Canonical(c.in); got != c.want {
			t.Errorf("Canonical(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestMediaPaths: the rewrite a schema step makes takes any host the
// caller calls ours, in Markdown, HTML and JSON alike.
func TestMediaPaths(t *testing.T) {
	known := func(_, id string) bool { return id == photo }
	for _, c := range []struct {
		in, want string
		changed  bool
	}{
		{"![a](http://localhost:8080/media/" + photo + "/a.jpg)", "![a](/media/" + photo + "/a.jpg)", true},
		{`<img src="http://10.0.0.5/media/` + photo + `" alt="a"/>`, `<img src="/media/` + photo + `" alt="a"/>`, true},
		{`{"body":"![a](https://old.example.edu/media/` + photo + `)"}`, `{"body":"![a](/media/` + photo + `)"}`, true},
		{"![a](http://localhost:8080/media/abcdefghjkmnpqrstvwxyz012)", "![a](http://localhost:8080/media/abcdefghjkmnpqrstvwxyz012)", false},
		{"![a](/media/" + photo + ")", "![a](/media/" + photo + ")", false},
		{"ftp://localhost/media/" + photo, "ftp://localhost/media/" + photo, false},
	} {
		got, changed := MediaPaths(c.in, known)
		if got != c.want || changed != c.changed {
			t.Errorf("MediaPaths(%q) = %q, %v; want %q, %v", c.in, got, changed, c.want, c.changed)
		}
	}
}
