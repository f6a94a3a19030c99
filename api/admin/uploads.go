package admin

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// uploadIn is a big upload as a client declares it.
type uploadIn struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	PartSize    int64  `json:"part_size"`
	Alt         string `json:"alt"`
	// ThroughServer asks for part URLs on this server whatever the store
	// (the admin UI: its CSP lets the browser speak to this origin only).
	ThroughServer bool `json:"through_server"`
}

func (h *handlers) uploads() (*media.Uploads, error) {
	if h.d.Uploads == nil {
		return nil, fault.New(fault.NotFound, "big uploads are not set up on this server")
	}
	return h.d.Uploads, nil
}

// startUpload is POST /media/uploads: 201 with the upload's id, its
// parts and where to PUT each (presigned S3 URLs, or the server's own
// signed URLs on the disk store), good until expires_at.
func (h *handlers) startUpload(c *fiber.Ctx) error {
	u, err := h.uploads()
	if err != nil {
		return err
	}
	var in uploadIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	st, err := u.Start(c.UserContext(), media.StartUpload{Filename: in.Filename, ContentType: in.ContentType, Size: in.Size,
		SHA256: in.SHA256, PartSize: in.PartSize, Alt: in.Alt, CreatedBy: currentUser(c).ID, ThroughServer: in.ThroughServer})
	if err != nil {
		return err
	}
	c.Location("/api/admin/v1/media/uploads/" + st.ID)
	return httpx.WriteJSON(c, fiber.StatusCreated, st)
}

// getUpload is GET /media/uploads/{id}: the parts received and fresh URLs
// for the rest (resuming an interrupted upload).
func (h *handlers) getUpload(c *fiber.Ctx) error {
	u, err := h.uploads()
	if err != nil {
		return err
	}
	st, err := u.Resume(c.UserContext(), c.Params("id"), currentUser(c).ID)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, st)
}

// completeUpload is POST /media/uploads/{id}/complete, optionally with
// {"parts": [{"number", "md5"}]} (each part's MD5 in hex, checked before
// the parts are joined): 201 with the asset once the file is checked.
func (h *handlers) completeUpload(c *fiber.Ctx) error {
	u, err := h.uploads()
	if err != nil {
		return err
	}
	var body completeIn
	if c.Get(fiber.HeaderContentType) != "" {
		if err := httpx.DecodeJSON(c, &body); err != nil {
			return err
		}
	}
	md5s := map[int]string{}
	for _, p := range body.Parts {
		md5s[p.Number] = p.MD5
	}
	a, err := u.Complete(c.UserContext(), c.Params("id"), currentUser(c).ID, md5s)
	if err != nil {
		return err
	}
	c.Location("/api/admin/v1/media/" + a.ID)
	return httpx.WriteJSON(c, fiber.StatusCreated, h.toAssetOut(a))
}

// abortUpload is DELETE /media/uploads/{id}.
func (h *handlers) abortUpload(c *fiber.Ctx) error {
	u, err := h.uploads()
	if err != nil {
		return err
	}
	if err := u.Abort(c.UserContext(), c.Params("id"), currentUser(c).ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// putPart is PUT /uploads/{id}/parts/{n}?expires=&signature=: a part of
// a big upload on the disk store, under the URL the server signed (no
// session: the signature is the permission, as with S3's presigned URLs).
func (h *handlers) putPart(c *fiber.Ctx) error {
	u, err := h.uploads()
	if err != nil {
		return err
	}
	q, err := httpx.QueryParams(c, "expires", "signature")
	if err != nil {
		return err
	}
	n, err1 := strconv.Atoi(c.Params("n"))
	expires, err2 := strconv.ParseInt(q["expires"], 10, 64)
	if err1 != nil || err2 != nil {
		return fault.New(fault.NotFound, "no such part")
	}
	body := httpx.BodyStream(c)
	if body == nil {
		body = bytesReader(c.Body())
	}
	if err := u.PutPart(c.UserContext(), c.Params("id"), n, expires, q["signature"], body); err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, `"`+c.Params("id")+"-"+c.Params("n")+`"`)
	return c.SendStatus(fiber.StatusOK)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// completeIn is the optional body of completing a big upload: the parts'
// checksums.
type completeIn struct {
	Parts []struct {
		Number int    `json:"number"`
		MD5    string `json:"md5"`
	} `json:"parts"`
}
