package lectures

import (
	"strings"
	"time"
)

// JSONLD is a session as a schema.org Event, for a page to embed in a
// <script type="application/ld+json"> (search engines show dates, place
// and status from it). Dates carry their offset (+08:00).
type JSONLD struct {
	Context             string         `json:"@context"`
	Type                string         `json:"@type"`
	Name                string         `json:"name"`
	Description         string         `json:"description,omitempty"`
	URL                 string         `json:"url"`
	Image               []string       `json:"image,omitempty"`
	StartDate           string         `json:"startDate"`
	EndDate             string         `json:"endDate,omitempty"`
	EventStatus         string         `json:"eventStatus"`
	PreviousStartDate   []string       `json:"previousStartDate,omitempty"`
	EventAttendanceMode string         `json:"eventAttendanceMode"`
	Location            []any          `json:"location"`
	Performer           []jsonldPerson `json:"performer,omitempty"`
	Organizer           *jsonldOrg     `json:"organizer,omitempty"`
	Offers              *jsonldOffer   `json:"offers,omitempty"`
	IsAccessibleForFree bool           `json:"isAccessibleForFree"`
	InLanguage          string         `json:"inLanguage"`
	SuperEvent          *jsonldSeries  `json:"superEvent,omitempty"`
}

type jsonldPlace struct {
	Type    string        `json:"@type"`
	Name    string        `json:"name"`
	Address jsonldAddress `json:"address"`
}

type jsonldAddress struct {
	Type            string `json:"@type"`
	StreetAddress   string `json:"streetAddress,omitempty"`
	AddressLocality string `json:"addressLocality,omitempty"`
	AddressCountry  string `json:"addressCountry"`
}

type jsonldVirtual struct {
	Type string `json:"@type"`
	URL  string `json:"url"`
}

type jsonldPerson struct {
	Type        string `json:"@type"`
	Name        string `json:"name"`
	JobTitle    string `json:"jobTitle,omitempty"`
	Description string `json:"description,omitempty"`
	Image       string `json:"image,omitempty"`
}

type jsonldOrg struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

type jsonldOffer struct {
	Type          string `json:"@type"`
	Price         string `json:"price"`
	PriceCurrency string `json:"priceCurrency"`
	Availability  string `json:"availability"`
	URL           string `json:"url"`
	ValidFrom     string `json:"validFrom,omitempty"`
}

type jsonldSeries struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// JSONLDInput is what the builder needs beside the session.
type JSONLDInput struct {
	BaseURL string
	// Organizer is the office's name (the site's publisher).
	Organizer string
	// Series, when known, is the session's series (superEvent).
	Series *Series
	// MediaURL gives the address of a media id (images).
	MediaURL func(id string) string
	// Full reports whether a session that takes registration here is full
	// (its offer is then SoldOut).
	Full bool
}

const schema = "https://schema.org/"

// EventJSONLD builds the schema.org Event of a published session.
func EventJSONLD(l Lecture, in JSONLDInput) JSONLD {
	lv := l.Live
	base := strings.TrimSuffix(in.BaseURL, "/")
	page := base + "/lectures/" + l.Slug
	stamp := func(t time.Time) string { return t.In(shanghai).Format(time.RFC3339) }
	out := JSONLD{Context: "https://schema.org", Type: "EducationEvent", Name: lv.Title, Description: lv.Summary, URL: page,
		EventStatus: schema + eventStatusName(l.Event.Status), IsAccessibleForFree: true, InLanguage: "zh-CN", Location: []any{}}
	if lv.StartsAt != nil {
		out.StartDate = stamp(*lv.StartsAt)
	}
	if lv.EndsAt != nil {
		out.EndDate = stamp(*lv.EndsAt)
	}
	if l.Event.Status == EventRescheduled {
		for _, t := range l.Event.PreviousStarts {
			out.PreviousStartDate = append(out.PreviousStartDate, stamp(t))
		}
	}
	if lv.Cover != "" && in.MediaURL != nil {
		out.Image = []string{in.MediaURL(lv.Cover)}
	}
	inPerson := !lv.Venue.IsZero() && l.Event.Status != EventMovedOnline
	switch {
	case inPerson && lv.OnlineURL != "":
		out.EventAttendanceMode = schema + "MixedEventAttendanceMode"
	case inPerson || lv.OnlineURL == "":
		out.EventAttendanceMode = schema + "OfflineEventAttendanceMode"
	default:
		out.EventAttendanceMode = schema + "OnlineEventAttendanceMode"
	}
	if inPerson {
		v := lv.Venue
		var name []string
		for _, p := range []string{v.Campus, v.Building, v.Room} {
			if p != "" {
				name = append(name, p)
			}
		}
		out.Location = append(out.Location, jsonldPlace{Type: "Place", Name: strings.Join(name, " "),
			Address: jsonldAddress{Type: "PostalAddress", StreetAddress: v.Address, AddressCountry: "CN"}})
	}
	if lv.OnlineURL != "" {
		out.Location = append(out.Location, jsonldVirtual{Type: "VirtualLocation", URL: lv.OnlineURL})
	}
	for _, sp := range lv.Speakers {
		p := jsonldPerson{Type: "Person", Name: sp.Name, JobTitle: sp.Title, Description: sp.Bio}
		if sp.Photo != "" && in.MediaURL != nil {
			p.Image = in.MediaURL(sp.Photo)
		}
		out.Performer = append(out.Performer, p)
	}
	if in.Organizer != "" {
		out.Organizer = &jsonldOrg{Type: "Organization", Name: in.Organizer, URL: base + "/"}
	}
	if lv.Registration.Mode == RegistrationInternal || lv.Registration.Mode == RegistrationExternal {
		offer := &jsonldOffer{Type: "Offer", Price: "0", PriceCurrency: "CNY", Availability: schema + "InStock", URL: page}
		if lv.Registration.Mode == RegistrationExternal {
			offer.URL = lv.Registration.URL
		}
		if in.Full || l.Event.Status == EventCancelled {
			offer.Availability = schema + "SoldOut"
		}
		if o := lv.Registration.OpensAt; o != nil {
			offer.ValidFrom = stamp(*o)
		}
		out.Offers = offer
	}
	if in.Series != nil {
		out.SuperEvent = &jsonldSeries{Type: "EventSeries", Name: in.Series.Name, URL: base + "/lectures/series/" + in.Series.Slug}
	}
	return out
}

// eventStatusName is schema.org's name of an event status.
func eventStatusName(s EventStatus) string {
	switch s {
	case EventPostponed:
		return "EventPostponed"
	case EventRescheduled:
		return "EventRescheduled"
	case EventCancelled:
		return "EventCancelled"
	case EventMovedOnline:
		return "EventMovedOnline"
	}
	return "EventScheduled"
}
