package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/menu"
)

// siteOut is the site's settings as staff see them: the menu (the
// default until custom), the phone number, the version to send back.
type siteOut struct {
	Menu    []menu.Entry `json:"menu"`
	Custom  bool         `json:"custom"`
	Phone   string       `json:"phone"`
	Version int64        `json:"version"`
}

func writeSite(c *fiber.Ctx, st menu.Settings) error {
	c.Set(fiber.HeaderETag, `"`+itoa(st.Version)+`"`)
	return httpx.WriteJSON(c, fiber.StatusOK, siteOut{Menu: st.Menu, Custom: st.Custom, Phone: st.Phone, Version: st.Version})
}

// siteIn is the site's settings as an administrator sends them.
type siteIn struct {
	Menu    []menu.Entry `json:"menu"`
	Phone   string       `json:"phone"`
	Version *int64       `json:"version"`
}

// getSite is GET /site.
func (h *handlers) getSite(c *fiber.Ctx) error {
	st, err := h.d.Menu.Get(c.UserContext())
	if err != nil {
		return err
	}
	return writeSite(c, st)
}

// putSite is PUT /site: {"menu": [...] (null: the default), "phone",
// "version"} (0 before the first save; or If-Match).
func (h *handlers) putSite(c *fiber.Ctx) error {
	var in siteIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	v, err := version(c, in.Version, false)
	if err != nil {
		return err
	}
	st, err := h.d.Menu.Put(c.UserContext(), editor(c), menu.Input{Menu: in.Menu, Phone: in.Phone, Version: v})
	if err != nil {
		return err
	}
	return writeSite(c, st)
}
