package record

import (
	"time"

	"github.com/yinling-cms/yinling/content/lectures"
)

// Series is a lecture series at rest; its fields are the domain's
// lectures.SeriesInput, inline.
type Series struct {
	ID                   string `bson:"_id" json:"id"`
	Slug                 string `bson:"slug" json:"slug"`
	lectures.SeriesInput `bson:",inline"`
	DescriptionHTML      string    `bson:"description_html" json:"description_html"`
	Version              int64     `bson:"version" json:"version"`
	CreatedBy            string    `bson:"created_by" json:"created_by"`
	CreatedAt            time.Time `bson:"created_at" json:"created_at"`
	UpdatedAt            time.Time `bson:"updated_at" json:"updated_at"`
}

// FromSeries gives the record of a series.
func FromSeries(s lectures.Series) Series {
	in := s.SeriesInput
	in.Organizers = nonNil(in.Organizers)
	return Series{ID: s.ID, Slug: s.Slug, SeriesInput: in, DescriptionHTML: s.DescriptionHTML, Version: s.Version,
		CreatedBy: s.CreatedBy, CreatedAt: ms(s.CreatedAt), UpdatedAt: ms(s.UpdatedAt)}
}

// Series gives the domain's series.
func (r Series) Series() lectures.Series {
	in := r.SeriesInput
	in.Organizers = nonNil(in.Organizers)
	return lectures.Series{ID: r.ID, Slug: r.Slug, SeriesInput: in, DescriptionHTML: r.DescriptionHTML, Version: r.Version,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}
