package themes

import (
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/media/qr"
)

// shanghai is the time zone pages show (China has had no daylight
// saving since 1991).
var shanghai = time.FixedZone("CST", 8*3600)

// The functions a theme's templates may call:
//
//	date t          2026年12月9日 (Asia/Shanghai); t a time.Time or *time.Time
//	datetime t      2026年12月9日 15:00
//	clock t         15:00
//	weekday t       星期三
//	isodate t       2026-12-09T15:00:00+08:00 (for <time datetime>)
//	relative t      刚刚, 5分钟前, 3小时前, 2天前, or the date past a week
//	truncate s n    s cut to n characters (not bytes), with … when cut
//	media id        the address of a media id ("" for "")
//	static name     the fingerprinted address of a static file of the theme
//	jsonld v        v as JSON for <script type="application/ld+json">
//	html s          s, already sanitized HTML (a story's body_html), unescaped
//	eventWords s    an event status in words: 如期举行, 延期, 改期, 已取消, 改为线上
//	join list sep   strings.Join
//	add a b         a + b
//	seq n           0, 1, ..., n-1 (for loops)
//	minutes s       a duration in seconds as 1分05秒
//	textSizes       the names of the text-size steps: 标准, 大, 较大, 特大
//	srcset img      an Image's srcset: its renditions narrower than it
//	                (?w=320, 640, 960, 1280) and itself at its width
//	sized img w     the address of the rendition of width w (the image
//	                itself when it is not wider)
//	qrcode url      the QR code of url (an absolute address: the page's
//	                Canonical) as an inline SVG 4 cm wide, titled with the
//	                address, for the printed page
func (t *Theme) funcs(opts Options) template.FuncMap {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	mediaURL := opts.MediaURL
	if mediaURL == nil {
		mediaURL = func(id string) string { return "/media/" + id }
	}
	return template.FuncMap{
		"date":     func(v any) string { return format(v, "2006年1月2日") },
		"datetime": func(v any) string { return format(v, "2006年1月2日 15:04") },
		"clock":    func(v any) string { return format(v, "15:04") },
		"weekday": func(v any) string {
			tm, ok := asTime(v)
			if !ok {
				return ""
			}
			return [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}[tm.In(shanghai).Weekday()]
		},
		"isodate":  func(v any) string { return format(v, time.RFC3339) },
		"relative": func(v any) string { return relative(v, now()) },
		"truncate": truncate,
		"media": func(id string) string {
			if id == "" {
				return ""
			}
			return mediaURL(id)
		},
		"static": func(name string) string {
			if h := t.hashes[name]; h != "" {
				return "/static/" + h + "/" + name
			}
			return "/static/" + name
		},
		"jsonld": func(v any) (template.JS, error) {
			b, err := json.Marshal(v)
			if err != nil {
				return "", err
			}
			// json.Marshal escapes <, > and & already, so </script> cannot
			// end the block early.
			return template.JS(b), nil
		},
		"html": func(s string) template.HTML { return template.HTML(s) }, //nolint:gosec // sanitized when saved (content/markdown)
		"eventWords": func(s string) string {
			switch s {
			case "postponed":
				return "延期"
			case "rescheduled":
				return "改期"
			case "cancelled":
				return "已取消"
			case "moved_online":
				return "改为线上"
			}
			return "如期举行"
		},
		"srcset":    srcset,
		"thousands": thousands,
		"qrcode": func(url string) (template.HTML, error) {
			c, err := qr.Encode(url)
			if err != nil {
				return "", err
			}
			return template.HTML(c.SVG()), nil // the SVG escapes the URL in its title
		},
		"sized": func(img *Image, w int) string {
			if img == nil {
				return ""
			}
			if img.Width > w && slices.Contains(renditionWidths, w) {
				return withWidth(img.URL, w)
			}
			return img.URL
		},
		"minutes": func(sec float64) string {
			n := int(sec + 0.5)
			if n >= 60 {
				return fmt.Sprintf("%d分%02d秒", n/60, n%60)
			}
			return fmt.Sprintf("%d秒", n)
		},
		"join":      strings.Join,
		"textSizes": func() []string { return []string{"标准", "大", "较大", "特大"} },
		"add":       func(a, b int) int { return a + b },
		"seq": func(n int) []int {
			out := make([]int, max(n, 0))
			for i := range out {
				out[i] = i
			}
			return out
		},
	}
}

// renditionWidths are media.RenditionWidths (themes imports no media:
// the list is the website's contract with the media server, tested there).
var renditionWidths = []int{320, 640, 960, 1280}

func withWidth(url string, w int) string { return url + "?w=" + strconv.Itoa(w) }

func srcset(img *Image) string {
	if img == nil || img.Width == 0 {
		return ""
	}
	var parts []string
	for _, w := range renditionWidths {
		if w < img.Width {
			parts = append(parts, withWidth(img.URL, w)+" "+strconv.Itoa(w)+"w")
		}
	}
	return strings.Join(append(parts, img.URL+" "+strconv.Itoa(img.Width)+"w"), ", ")
}

func asTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t == nil {
			return time.Time{}, false
		}
		return *t, !t.IsZero()
	}
	return time.Time{}, false
}

func format(v any, layout string) string {
	t, ok := asTime(v)
	if !ok {
		return ""
	}
	return t.In(shanghai).Format(layout)
}

func relative(v any, now time.Time) string {
	t, ok := asTime(v)
	if !ok {
		return ""
	}
	switch d := now.Sub(t); {
	case d < time.Minute:
		return "刚刚"
	case d < time.Hour:
		return fmt.Sprintf("%d分钟前", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d小时前", int(d.Hours()))
	case d < 7*24*time.Hour:
		return fmt.Sprintf("%d天前", int(d.Hours()/24))
	}
	return format(t, "2006年1月2日")
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

// thousands writes n with a comma every three digits (1,234).
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
