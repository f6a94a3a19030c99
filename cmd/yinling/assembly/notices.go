package assembly

import (
	"fmt"
	"log/slog"

	"github.com/yinling-cms/yinling/media/poster"
)

// noticeFace is the Chinese font lectures' notices are drawn with, and
// their renderer.
type noticeFace struct {
	font *poster.Font
	r    *poster.Renderer
}

// noticeConcurrency is how many notices draw at once (2 MB each).
const noticeConcurrency = 2

// noticeFont opens the font YINLING_NOTICE_FONT names: "none" is no
// notice images; "" the first of poster.SystemFonts there is, or none
// (logged once: the admin UI says so where staff ask for a notice); a
// path that does not load stops the server, naming the setting.
func noticeFont(setting string, logger *slog.Logger) (*noticeFace, error) {
	path := setting
	switch setting {
	case "none":
		return nil, nil
	case "":
		if path = poster.FindFont(poster.SystemFonts); path == "" {
			logger.Warn("lecture notices as images are off: no Chinese font found (install fonts-noto-cjk, or set YINLING_NOTICE_FONT)")
			return nil, nil
		}
	}
	f, err := poster.LoadFont(path)
	if err != nil {
		return nil, fmt.Errorf("YINLING_NOTICE_FONT: %w", err)
	}
	return &noticeFace{font: f, r: poster.NewRenderer(f, noticeConcurrency)}, nil
}

func (n *noticeFace) renderer() *poster.Renderer {
	if n == nil {
		return nil
	}
	return n.r
}

func (n *noticeFace) close() error {
	if n == nil {
		return nil
	}
	return n.font.Close()
}
