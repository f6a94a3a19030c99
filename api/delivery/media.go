package delivery

import (
	"context"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// serveMedia sends the bytes of an asset with its stored type, Range
// support and long cache headers. Media are served so they cannot run
// script: nosniff, a sandboxing CSP, and no type but the sniffed one.
func (h *handlers) serveMedia(c *fiber.Ctx) error {
	a, err := h.d.Media.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	if w := c.Query("w"); w != "" {
		return h.serveRendition(c, a, w)
	}
	if len(c.Request().URI().QueryString()) > 0 {
		return fault.Fields(fault.FieldError{Field: "w", Message: "the only query is w, a rendition's width"})
	}
	etag := `"` + a.SHA256 + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	disposition := "attachment"
	if a.Inline() {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename}))
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && httpx.ETagMatches(inm, etag) {
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
	ctx, cancel := context.WithTimeout(context.Background(), h.d.StreamTimeout)
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

// serveRendition sends an image at one of the allowlisted widths (made
// on first request, kept in the object store), cacheable for a year.
func (h *handlers) serveRendition(c *fiber.Ctx, a media.Asset, w string) error {
	width, err := strconv.Atoi(w)
	if err != nil || h.d.Renditions == nil {
		return fault.Fields(fault.FieldError{Field: "w", Message: fmt.Sprintf("must be one of %v", media.RenditionWidths)})
	}
	rd, err := h.d.Renditions.Get(c.UserContext(), a, width)
	if fe := fault.As(err); fe != nil && fe.Kind == fault.Invalid {
		return fault.Fields(fault.FieldError{Field: "w", Message: fe.Message})
	}
	if err != nil {
		return err
	}
	etag := `"` + a.SHA256[:16] + "-" + w + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentDisposition, "inline")
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && httpx.ETagMatches(inm, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.d.StreamTimeout)
	rc, err := h.d.Renditions.OpenRendition(ctx, rd, 0, rd.Size)
	if err != nil {
		cancel()
		return err
	}
	c.Set(fiber.HeaderContentType, rd.ContentType)
	if c.Method() == fiber.MethodHead {
		_ = rc.Close()
		cancel()
		c.Response().Header.SetContentLength(int(rd.Size))
		return nil
	}
	return c.SendStream(cancelOnClose{rc, cancel}, int(rd.Size))
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
