package present

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// bodyPhoto finds a picture of the site's media library in a rendered,
// sanitized body: the sanitizer admits an <img> only with a src of our
// media by its path (/media/{id}, any file name after it), written first,
// and escapes ">" in every value, so an attribute cannot hide a tag end.
// A src with a query (an author's ?w=) is left as it is.
var bodyPhoto = regexp.MustCompile(`<img src="/media/([0-9a-z]{24})(?:/[^"?#]*)?"([^>]*?)\s*/?>`)

// bodySizes is how wide a body photo is shown: the text column of the
// default theme (46rem at most), the whole screen on a phone.
const bodySizes = "(max-width: 46rem) 100vw, 46rem"

// Photo is a body photo's first picture as link previews want it.
type Photo struct {
	ID            string
	Width, Height int
}

// Photos gives the photos of a rendered body what a phone needs to
// load them small: srcset and sizes from the allowlisted rendition widths
// (media.RenditionWidths, narrower than the photo, and the photo itself),
// their intrinsic width and height from the media library (no jump as they
// load), and loading="lazy" for all but the first picture of the page
// (eager is how many load at once: 1 without a cover, 0 below one). It
// runs on the stored, sanitized HTML when a page is built, so every story
// gets it, however old, and adds only attributes made from the library's
// data to tags the sanitizer wrote. A picture the library no longer holds,
// or whose size it does not know, is left as it is. It answers the body
// and its first photo (nil: none), for link previews, and the library's
// errors other than fault.NotFound.
func (v *Views) Photos(ctx context.Context, body string, eager int) (string, *Photo, error) {
	if v.d.Media == nil || !strings.Contains(body, `<img src="/media/`) {
		return body, nil, nil
	}
	found := bodyPhoto.FindAllStringSubmatchIndex(body, -1)
	if len(found) == 0 {
		return body, nil, nil
	}
	var (
		b     strings.Builder
		first *Photo
		last  int
		n     int
	)
	for _, m := range found {
		id := body[m[2]:m[3]]
		a, err := v.d.Media.Get(ctx, id)
		if fault.Is(err, fault.NotFound) {
			continue
		}
		if err != nil {
			return "", nil, err
		}
		if !a.IsImage() || a.Width <= 0 || a.Height <= 0 {
			continue
		}
		if first == nil {
			first = &Photo{ID: id, Width: a.Width, Height: a.Height}
		}
		b.WriteString(body[last:m[5]]) // the tag up to the end of the sanitizer's attributes (src, alt, title)
		if set := photoSrcset(a); set != "" {
			b.WriteString(` srcset="` + set + `" sizes="` + bodySizes + `"`)
		}
		b.WriteString(` width="` + strconv.Itoa(a.Width) + `" height="` + strconv.Itoa(a.Height) + `"`)
		if n >= eager {
			b.WriteString(` loading="lazy"`)
		}
		b.WriteString(` decoding="async"/>`)
		last, n = m[1], n+1
	}
	if last == 0 {
		return body, first, nil
	}
	b.WriteString(body[last:])
	return b.String(), first, nil
}

// photoSrcset is an image's srcset: its renditions narrower than it and
// the image itself at its width ("" for an image that has none: a GIF
// keeps its animation, a very large one is served as it is).
func photoSrcset(a media.Asset) string {
	if a.ContentType == "image/gif" || int64(a.Width)*int64(a.Height) > media.MaxPixels {
		return ""
	}
	var parts []string
	for _, w := range media.RenditionWidths {
		if w < a.Width {
			parts = append(parts, "/media/"+a.ID+"?w="+strconv.Itoa(w)+" "+strconv.Itoa(w)+"w")
		}
	}
	if parts == nil {
		return ""
	}
	return strings.Join(append(parts, "/media/"+a.ID+" "+strconv.Itoa(a.Width)+"w"), ", ")
}
