package wechatoa

import (
	"context"
	"fmt"
	"io"

	"github.com/yinling-cms/yinling/media"
)

// maxImageRead bounds an image read whole for upload: a rendition is a
// few hundred KB; an original not decoded for renditions may be larger.
const maxImageRead = 64 << 20

// LibraryImages reads images from the media library through its
// renditions: Images over media.
type LibraryImages struct {
	Library    *media.Library
	Renditions *media.Renditions
}

// Image implements Images.
func (l LibraryImages) Image(ctx context.Context, id string, width int) ([]byte, string, error) {
	a, err := l.Library.Get(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if !a.IsImage() {
		return nil, "", fmt.Errorf("media %s is not an image", id)
	}
	r, err := l.Renditions.Get(ctx, a, width)
	if err != nil {
		return nil, "", err
	}
	if r.Size > maxImageRead {
		return nil, "", fmt.Errorf("the image %s is %d MB, too large to send", id, r.Size>>20)
	}
	rc, err := l.Library.Blobs.Get(ctx, r.Key, 0, r.Size)
	if err != nil {
		return nil, "", err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxImageRead))
	if err != nil {
		return nil, "", fmt.Errorf("read the image %s: %w", id, err)
	}
	return data, r.ContentType, nil
}
