package record

import (
	"time"

	"github.com/yinling-cms/yinling/content/stories"
)

// FeaturedName is the settings row (Setting) that holds the stories
// pinned to the home page: its N the list's version, its Value the
// Featured record as JSON. A named value rather than a collection of its
// own, so export and import carry it with the other settings, and no
// schema step was needed.
const FeaturedName = "featured:stories"

// Featured is the pinned stories at rest.
type Featured struct {
	Pins      []Pin     `json:"pins"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// Pin is one pinned story at rest.
type Pin struct {
	StoryID string     `json:"story_id"`
	Until   *time.Time `json:"until,omitempty"`
}

// FromFeatured gives the record of the pinned stories.
func FromFeatured(f stories.Featured) Featured {
	d := Featured{Pins: make([]Pin, len(f.Pins)), UpdatedAt: ms(f.UpdatedAt), UpdatedBy: f.UpdatedBy}
	for i, p := range f.Pins {
		d.Pins[i] = Pin{StoryID: p.StoryID, Until: p.Until}
	}
	return d
}

// Featured gives the domain's pinned stories, at version n.
func (d Featured) Featured(n int64) stories.Featured {
	f := stories.Featured{Version: n, UpdatedAt: d.UpdatedAt.UTC(), UpdatedBy: d.UpdatedBy}
	for _, p := range d.Pins {
		pin := stories.Pin{StoryID: p.StoryID}
		if p.Until != nil {
			u := p.Until.UTC()
			pin.Until = &u
		}
		f.Pins = append(f.Pins, pin)
	}
	return f
}
