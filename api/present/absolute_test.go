package present

import "testing"

func TestAbsoluteHTML(t *testing.T) {
	const origin, page = "https://ltx.example.edu", "https://ltx.example.edu/stories/xi-qian"
	for _, c := range []struct{ name, in, want string }{
		{"a path of the site gets its origin", `<p><img src="/media/abc/a.jpg" alt="a"></p>`,
			`<p><img src="https://ltx.example.edu/media/abc/a.jpg" alt="a"></p>`},
		{"an anchor is the story's own", `<a href="#%E5%87%BA" rel="noreferrer">出</a>`,
			`<a href="https://ltx.example.edu/stories/xi-qian#%E5%87%BA" rel="noreferrer">出</a>`},
		{"a reference relative to the page resolves against it", `<a href="other?x=1">o</a>`,
			`<a href="https://ltx.example.edu/stories/other?x=1">o</a>`},
		{"a scheme-relative address takes the page's scheme", `<a href="//cdn.example.com/x">x</a>`, `<a href="https://cdn.example.com/x">x</a>`},
		{"absolute addresses and other schemes stay", `<a href="https://example.com/a">a</a> <a href="mailto:x@example.com">m</a>`,
			`<a href="https://example.com/a">a</a> <a href="mailto:x@example.com">m</a>`},
		{"text that looks like an attribute stays", `<p>href=&#34;/x&#34; &amp; src=/y</p>`, `<p>href=&#34;/x&#34; &amp; src=/y</p>`},
		{"an escaped ampersand in a URL stays escaped", `<a href="/s?a=1&amp;b=2">s</a>`, `<a href="https://ltx.example.edu/s?a=1&amp;b=2">s</a>`},
		{"no link, nothing to do", `<p>正文</p>`, `<p>正文</p>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := AbsoluteHTML(origin, page, c.in); got != c.want {
				t.Errorf("AbsoluteHTML(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}
