package admin

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Exports is how the admin API exports the whole site, as `yinling export`
// does, and checks an export, as `yinling import` does before it writes
// anything (cmd wires both to internal/backup; nil: not offered).
type Exports struct {
	// Prepare readies one export: it reads every record of one
	// consistent view of the store where the store has one (the embedded
	// database's snapshot) and lists the media, so that what the export
	// holds and its length are known before it is written.
	Prepare func(ctx context.Context) (Export, error)
	// Verify reads the export archive (.tar.gz) at path and checks it
	// against its manifest, writing nothing. One that unpacks to more
	// than ratio times its size (or floor bytes, if that is more) is an
	// ErrTooExpanded, its other defects (cut short, altered, not an
	// export) an ErrBadExport, each with the reason in its message; when
	// ctx ends first, its error.
	Verify func(ctx context.Context, path string, ratio, floor int64) (ExportSummary, error)
	// Schedule is the scheduled backups' settings (nil: none are made).
	Schedule *BackupSchedule

	running atomic.Bool // one export at a time: each reads everything
}

// Export is an export ready to go over a connection: the gzip-compressed
// tar archive `yinling export` writes.
type Export interface {
	// Summary is what the export holds.
	Summary() ExportSummary
	// Size is the length of the tar archive inside the gzip stream.
	Size() int64
	// Write writes the archive to w as it is read; on an error it is cut
	// short, so an import refuses it.
	Write(ctx context.Context, w io.Writer) error
	// Close lets go of everything the export holds, written or not.
	Close() error
}

// ExportSummary is what an export holds, as its manifest says.
type ExportSummary struct {
	Format      string
	Version     int
	CreatedAt   time.Time
	Source      string // the store exported: "sqlite" or "mongodb"
	Collections []ExportCollection
	Media       int   // media objects
	MediaBytes  int64 // their bytes
}

// ExportCollection is one collection of an export.
type ExportCollection struct {
	Name  string
	Count int64
	Bytes int64
}

// The defects Verify finds in a file.
var (
	ErrTooExpanded = errors.New("it unpacks to far more than an export does")
	ErrBadExport   = errors.New("the file is not a whole export")
)

// ExportSizeHeader names the length of the tar archive inside an
// export's gzip stream, sent before it: a client's progress.
const ExportSizeHeader = "X-Export-Size"

var beijing = time.FixedZone("CST", 8*3600)

// exportSite is GET /export: the export `yinling export NAME.tar.gz`
// writes, streamed (records are read to temporary files first, so the
// counts and the archive's length are known; media go from the object
// store to the connection). One at a time; each is in the audit log.
func (h *handlers) exportSite(c *fiber.Ctx) error {
	x := h.d.Exports
	if x == nil {
		return fault.New(fault.NotFound, "exports are not offered by this server; use yinling export")
	}
	if c.Method() == fiber.MethodHead {
		// Not an export read for nothing, nor a streamed body on an
		// answer that has none.
		c.Set(fiber.HeaderAllow, fiber.MethodGet)
		return c.SendStatus(fiber.StatusMethodNotAllowed)
	}
	if !x.running.CompareAndSwap(false, true) {
		return fault.New(fault.Conflict, "another export is under way; try again when it has finished")
	}
	done := func() { x.running.Store(false) }
	s, err := x.Prepare(c.UserContext())
	if err != nil {
		done()
		return err
	}
	m := s.Summary()
	var records int64
	for _, col := range m.Collections {
		records += col.Count
	}
	detail := fmt.Sprintf("%d records in %d collections, %d media objects (%d bytes)", records, len(m.Collections), m.Media, m.MediaBytes)
	if err := h.audited(c, audit.Exported, "site", detail); err != nil {
		_ = s.Close()
		done()
		return err
	}
	file := "yinling-export-" + m.CreatedAt.In(beijing).Format("20060102-150405") + ".tar.gz"
	c.Set(fiber.HeaderContentType, "application/gzip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+file+`"`)
	c.Set(ExportSizeHeader, strconv.FormatInt(s.Size(), 10))
	timeout := h.d.UploadTimeout
	if timeout <= 0 {
		timeout = time.Hour
	}
	by := currentUser(c).Username
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer done()
		defer s.Close()
		// The handler has returned: the stream has its own deadline.
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := s.Write(ctx, w); err != nil {
			slog.Default().Warn("an export was cut short", "by", by, "err", err)
			return
		}
		_ = w.Flush()
	})
	return nil
}

// The bounds of checking an uploaded export: it may unpack to 100 times
// its size (at least 64 MB; real exports, mostly media and JSON, stay far
// below), and the check may take two minutes (an export at the upload
// limit takes well under one).
const (
	verifyRatio = 100
	verifyFloor = 64 << 20
	verifyTime  = 2 * time.Minute
)

// verifiedOut is what an export holds, once checked.
type verifiedOut struct {
	Format      string            `json:"format"`
	Version     int               `json:"version"`
	CreatedAt   time.Time         `json:"created_at"`
	Source      string            `json:"source"`
	Collections []collectionCount `json:"collections"`
	Media       int               `json:"media"`
	MediaBytes  int64             `json:"media_bytes"`
}

type collectionCount struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
	Bytes int64  `json:"bytes"`
}

// verifyExport is POST /export/verify with an export archive (.tar.gz)
// as the body: it is checked as `yinling import` checks it before
// writing anything (every file's size and SHA-256 against the manifest,
// every record decoded), and what it holds is answered. Nothing is
// imported: an import needs an empty store, so it stays a command. The
// body is kept in a temporary file until the answer, at most the upload
// limit.
func (h *handlers) verifyExport(c *fiber.Ctx) error {
	x := h.d.Exports
	if x == nil {
		return fault.New(fault.NotFound, "exports are not offered by this server; use yinling import")
	}
	limit := h.d.UploadLimit
	if n := c.Request().Header.ContentLength(); n > 0 && int64(n) > limit {
		return fault.New(fault.TooLarge, "the file is larger than the upload limit of %d MB; check it with yinling import on the new server", limit>>20)
	}
	if mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); mt != "application/gzip" && mt != "application/x-gzip" {
		return fault.New(fault.Unsupported, "send the export's .tar.gz file as the body, with Content-Type: application/gzip")
	}
	if !x.running.CompareAndSwap(false, true) {
		return fault.New(fault.Conflict, "an export or a check is under way; try again when it has finished")
	}
	defer x.running.Store(false)
	body := httpx.BodyStream(c)
	if body == nil {
		body = bytes.NewReader(c.Body())
	}
	f, err := os.CreateTemp("", "yinling-verify-*.tar.gz")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	n, err := io.Copy(f, io.LimitReader(body, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return fault.Wrap(fault.Invalid, err, "the file did not arrive whole; send it again")
	case n > limit:
		return fault.New(fault.TooLarge, "the file is larger than the upload limit of %d MB; check it with yinling import on the new server", limit>>20)
	}
	// A file from outside is checked within bounds: a gzip bomb of a few
	// MB would otherwise unpack for hours.
	ctx, cancel := context.WithTimeout(c.UserContext(), verifyTime)
	defer cancel()
	m, err := x.Verify(ctx, f.Name(), verifyRatio, verifyFloor)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil && c.UserContext().Err() == nil {
		return fault.New(fault.TooLarge, "the check took longer than %d minutes; check the file with yinling import on the new server", int(verifyTime.Minutes()))
	}
	if errors.Is(err, ErrTooExpanded) {
		return fault.Wrap(fault.Invalid, err, fmt.Sprintf("the file unpacks to far more than an export does (over %d times its size): it is not an export of this site", verifyRatio))
	}
	if errors.Is(err, ErrBadExport) {
		msg := strings.ReplaceAll(err.Error(), f.Name(), "the file")
		return fault.Wrap(fault.Invalid, err, msg)
	}
	if err != nil {
		return err
	}
	out := verifiedOut{Format: m.Format, Version: m.Version, CreatedAt: m.CreatedAt, Source: m.Source, Media: m.Media, MediaBytes: m.MediaBytes,
		Collections: []collectionCount{}}
	for _, col := range m.Collections {
		out.Collections = append(out.Collections, collectionCount(col))
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}
