package record

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/yinling-cms/yinling/content/menu"
)

// SiteSettingsID names the site's settings among the settings: their
// version is the Setting's N, and the settings, as SiteSettings in JSON,
// its Value.
const SiteSettingsID = "site"

// SiteSettings are the site's settings at rest (menu.Settings).
type SiteSettings struct {
	Menu      []MenuEntry `json:"menu"`
	Custom    bool        `json:"custom"`
	Phone     string      `json:"phone"`
	UpdatedAt time.Time   `json:"updated_at"`
	UpdatedBy string      `json:"updated_by"`
}

// MenuEntry is a menu entry at rest.
type MenuEntry struct {
	Kind   string `json:"kind"`
	Target string `json:"target"`
	Label  string `json:"label"`
}

// FromSiteSettings gives the setting holding s.
func FromSiteSettings(s menu.Settings) Setting {
	r := SiteSettings{Menu: make([]MenuEntry, len(s.Menu)), Custom: s.Custom, Phone: s.Phone, UpdatedAt: ms(s.UpdatedAt), UpdatedBy: s.UpdatedBy}
	for i, e := range s.Menu {
		r.Menu[i] = MenuEntry(e)
	}
	v, _ := json.Marshal(r) // strings, a bool and a time: cannot fail
	return Setting{ID: SiteSettingsID, N: s.Version, Value: v}
}

// SiteSettings gives the domain's settings held by the setting.
func (r Setting) SiteSettings() (menu.Settings, error) {
	var d SiteSettings
	if err := json.Unmarshal(r.Value, &d); err != nil {
		return menu.Settings{}, fmt.Errorf("record: the site's settings: %w", err)
	}
	s := menu.Settings{Menu: make([]menu.Entry, len(d.Menu)), Custom: d.Custom, Phone: d.Phone, Version: r.N,
		UpdatedAt: d.UpdatedAt.UTC(), UpdatedBy: d.UpdatedBy}
	for i, e := range d.Menu {
		s.Menu[i] = menu.Entry(e)
	}
	return s, nil
}
