package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/internal/fault"
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
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
}

func (h *handlers) toAssetOut(a media.Asset) assetOut {
	return assetOut{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256,
		Width: a.Width, Height: a.Height, Alt: a.Alt, CreatedAt: a.CreatedAt,
		URL: h.mediaURL(a.ID) + "/" + url.PathEscape(a.Filename)}
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
	var body io.Reader = c.Context().RequestBodyStream()
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
			c.Location(h.mediaURL(a.ID))
			return writeJSON(c, fiber.StatusCreated, h.toAssetOut(a))
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
	return writeJSON(c, fiber.StatusOK, h.toAssetOut(a))
}

// serveMedia sends the bytes of an asset with its stored type, Range
// support and long cache headers. Media are served so they cannot run
// script: nosniff, a sandboxing CSP, and no type but the sniffed one.
func (h *handlers) serveMedia(c *fiber.Ctx) error {
	a, err := h.d.Media.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	etag := `"` + a.SHA256 + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("inline", map[string]string{"filename": a.Filename}))
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && etagMatches(inm, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	offset, length, partial, err := parseRange(c.Get(fiber.HeaderRange), a.Size)
	if err != nil {
		c.Set(fiber.HeaderContentRange, "bytes */"+strconv.FormatInt(a.Size, 10))
		return err
	}
	if ir := c.Get(fiber.HeaderIfRange); partial && ir != "" && ir != etag {
		offset, length, partial = 0, a.Size, false
	}
	// The bytes are sent after the handler returns, when the request's
	// deadline context is already cancelled: the stream gets its own,
	// ended when fasthttp closes the reader.
	ctx, cancel := context.WithTimeout(context.Background(), h.d.UploadTimeout)
	rc, err := h.d.Media.Open(ctx, a, offset, length)
	if err != nil {
		cancel()
		return err
	}
	rc = cancelOnClose{rc, cancel}
	c.Set(fiber.HeaderContentType, a.ContentType)
	if partial {
		c.Status(fiber.StatusPartialContent)
		c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", offset, offset+length-1, a.Size))
	}
	if c.Method() == fiber.MethodHead {
		_ = rc.Close()
		c.Response().Header.SetContentLength(int(length))
		return nil
	}
	// fasthttp closes rc (an io.Closer) when the body has been sent.
	return c.SendStream(rc, int(length))
}

// cancelOnClose ends a context when the reader is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// parseRange reads a Range header of one range. It answers the offset and
// length to send and whether it is a partial answer. Several ranges, or a
// header we do not understand, get the whole file (RFC 9110 allows
// ignoring Range); a range that starts past the end is RangeInvalid.
func parseRange(header string, size int64) (offset, length int64, partial bool, err error) {
	if header == "" || !strings.HasPrefix(header, "bytes=") || strings.Contains(header, ",") {
		return 0, size, false, nil
	}
	spec := strings.TrimSpace(strings.TrimPrefix(header, "bytes="))
	first, last, ok := strings.Cut(spec, "-")
	if !ok {
		return 0, size, false, nil
	}
	unsatisfiable := fault.New(fault.RangeInvalid, "the range is outside the file of %d bytes", size)
	if first == "" { // suffix: the last N bytes
		n, perr := strconv.ParseInt(last, 10, 64)
		if perr != nil || n < 0 {
			return 0, size, false, nil
		}
		if n == 0 {
			return 0, 0, false, unsatisfiable
		}
		n = min(n, size)
		return size - n, n, true, nil
	}
	start, perr := strconv.ParseInt(first, 10, 64)
	if perr != nil || start < 0 {
		return 0, size, false, nil
	}
	if start >= size {
		return 0, 0, false, unsatisfiable
	}
	end := size - 1
	if last != "" {
		e, perr := strconv.ParseInt(last, 10, 64)
		if perr != nil || e < start {
			return 0, size, false, nil
		}
		end = min(e, size-1)
	}
	return start, end - start + 1, true, nil
}
