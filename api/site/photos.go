package site

import (
	"strconv"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/present"
	"github.com/yinling-cms/yinling/themes"
)

// shareWidth is the widest picture a link preview gets: WeChat and
// OpenGraph want about 1,200 px, and an original may be many times that.
const shareWidth = 1280

// sharePicture is the address of a picture (absolute) for link previews:
// its rendition of shareWidth when it is wider, else itself.
func sharePicture(url string, width int) string {
	if width > shareWidth {
		return url + "?w=" + strconv.Itoa(shareWidth)
	}
	return url
}

// pagePicture is the picture of a page's link preview and JSON-LD: its
// cover, else the first photo of its body ("": none, the page keeps the
// site's picture).
func (h *handlers) pagePicture(cover *themes.Image, first *present.Photo) string {
	switch {
	case cover != nil:
		return sharePicture(cover.URL, cover.Width)
	case first != nil:
		return sharePicture(httpx.MediaURL(h.d.BaseURL, first.ID), first.Width)
	}
	return ""
}
