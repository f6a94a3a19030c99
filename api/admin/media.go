package admin

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// assetOut is an asset as the API shows it.
type assetOut struct {
	ID          string    `json:"id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Width       int       `json:"width,omitempty"`
	Height      int       `json:"height,omitempty"`
	Alt         string    `json:"alt"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
	// Path is the address to write in texts: /media/{id}/{name}, which
	// stays right when the site's address changes (URL does not).
	Path string `json:"path"`
	// Videos: read from the container.
	DurationS  float64 `json:"duration_s,omitempty"`
	VideoCodec string  `json:"video_codec,omitempty"`
	AudioCodec string  `json:"audio_codec,omitempty"`
	Rotation   int     `json:"rotation,omitempty"`
	// Kind is the library's type: image, video, document or subtitles.
	Kind    string `json:"kind"`
	Version int64  `json:"version"`
}

func (h *handlers) toAssetOut(a media.Asset) assetOut {
	return assetOut{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256,
		Width: a.Width, Height: a.Height, Alt: a.Alt, CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt, DurationS: float64(a.DurationMS) / 1000,
		VideoCodec: a.VideoCodec, AudioCodec: a.AudioCodec, Rotation: a.Rotation, Kind: a.Kind(), Version: a.Version,
		URL: httpx.MediaURL(h.d.BaseURL, a.ID) + "/" + url.PathEscape(a.Filename), Path: httpx.MediaURL("", a.ID) + "/" + url.PathEscape(a.Filename)}
}

// maxFieldSize caps the text fields of an upload form.
const maxFieldSize = 4 << 10

// uploadMedia streams a multipart upload (fields: alt, then file) into the
// media library. The body is read from the socket as it arrives; the file
// part goes straight to the library, which spools it to disk.
func (h *handlers) uploadMedia(c *fiber.Ctx) error {
	limit := h.d.UploadLimit
	if n := c.Request().Header.ContentLength(); n > 0 && int64(n) > limit+maxFieldSize*4 {
		return fault.New(fault.TooLarge, "the file is larger than the limit of %d MB", limit>>20)
	}
	mt, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return fault.New(fault.Unsupported, "send the file as multipart/form-data with a field named file")
	}
	body := httpx.BodyStream(c)
	if body == nil {
		body = strings.NewReader(string(c.Body()))
	}
	mr := multipart.NewReader(body, params["boundary"])
	var alt string
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fault.Fields(fault.FieldError{Field: "file", Message: "is required"})
		}
		if err != nil {
			return fault.Wrap(fault.Invalid, err, "the multipart body is malformed")
		}
		switch part.FormName() {
		case "alt":
			b, err := io.ReadAll(io.LimitReader(part, maxFieldSize+1))
			if err != nil || len(b) > maxFieldSize {
				return fault.Fields(fault.FieldError{Field: "alt", Message: "is too long"})
			}
			alt = string(b)
		case "file":
			a, err := h.d.Media.Store(c.UserContext(), media.Upload{
				Filename: part.FileName(), ContentType: part.Header.Get("Content-Type"),
				Alt: alt, CreatedBy: currentUser(c).ID, Body: part,
			})
			if err != nil {
				return err
			}
			// Read what follows the file (the closing boundary, the end of
			// a chunked body) so the connection stays in step for the next
			// request; anything long after the file is not ours to keep.
			_, _ = io.Copy(io.Discard, io.LimitReader(body, maxFieldSize))
			c.Location(httpx.MediaURL(h.d.BaseURL, a.ID))
			return httpx.WriteJSON(c, fiber.StatusCreated, h.toAssetOut(a))
		default:
			return fault.Fields(fault.FieldError{Field: part.FormName(), Message: "unknown form field; send alt (optional) before file"})
		}
	}
}

func (h *handlers) getMedia(c *fiber.Ctx) error {
	a, err := h.d.Media.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return h.writeAsset(c, fiber.StatusOK, a)
}
