package record

import (
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/pages"
)

// Page is a standing page at rest.
type Page struct {
	ID        string `bson:"_id" json:"id"`
	Slug      string `bson:"slug" json:"slug"`
	Title     string `bson:"title" json:"title"`
	Summary   string `bson:"summary" json:"summary"`
	Body      string `bson:"body" json:"body"`
	BodyHTML  string `bson:"body_html" json:"body_html"`
	Lifecycle `bson:",inline"`
	Live      *LivePage `bson:"live" json:"live"`
}

// LivePage is a page's published snapshot at rest.
type LivePage struct {
	Title       string    `bson:"title" json:"title"`
	Summary     string    `bson:"summary" json:"summary"`
	BodyHTML    string    `bson:"body_html" json:"body_html"`
	PublishedAt time.Time `bson:"published_at" json:"published_at"`
	UpdatedAt   time.Time `bson:"updated_at" json:"updated_at"`
	Revision    int64     `bson:"revision" json:"revision"`
}

// PageKind is how the stores keep pages: readers' lists by publication
// time, no groups or tags. Pages came after media were written as paths,
// so they have no MediaPaths step.
var PageKind = Kind[pages.Page, Page]{
	Name:   pages.Kind,
	Record: FromPage,
	Item:   Page.Page,
	Index: func(p pages.Page) Index {
		ix := Index{ID: p.ID, Slug: p.Slug, Version: p.Version, Status: string(p.Status), Author: p.Author, TrashedAt: p.TrashedAt}
		if p.Schedule != nil {
			ix.DueAt = &p.Schedule.At
		}
		if l := p.Live; l != nil {
			ix.Live = &LiveIndex{At: l.PublishedAt}
		}
		ix.Media = content.UsedIDs(p.MediaUses())
		return ix
	},
	Texts: func(r *Page) []*string {
		texts := []*string{&r.Body, &r.BodyHTML}
		if r.Live != nil {
			texts = append(texts, &r.Live.BodyHTML)
		}
		return texts
	},
	TextPaths: []string{"body", "body_html", "live.body_html"},
	Paths:     Paths{Group: "group", Tags: "tags", LiveAt: "live.published_at", LiveGroup: "live.group", LiveTags: "live.tags"},
}

// FromPage gives the record of a page.
func FromPage(p pages.Page) Page {
	r := Page{ID: p.ID, Slug: p.Slug, Title: p.Title, Summary: p.Summary, Body: p.Body, BodyHTML: p.BodyHTML,
		Lifecycle: FromLifecycle(p.Lifecycle, p.Revision)}
	if l := p.Live; l != nil {
		r.Live = &LivePage{Title: l.Title, Summary: l.Summary, BodyHTML: l.BodyHTML, PublishedAt: ms(l.PublishedAt), UpdatedAt: ms(l.UpdatedAt), Revision: l.Revision}
	}
	return r
}

// Page gives the domain's page.
func (r Page) Page() pages.Page {
	p := pages.Page{ID: r.ID, Slug: r.Slug, Title: r.Title, Summary: r.Summary, Body: r.Body, BodyHTML: r.BodyHTML,
		Revision: r.Revision, Lifecycle: r.Lifecycle.Lifecycle()}
	if l := r.Live; l != nil {
		p.Live = &pages.Live{Title: l.Title, Summary: l.Summary, BodyHTML: l.BodyHTML, PublishedAt: l.PublishedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC(), Revision: l.Revision}
	}
	return p
}
