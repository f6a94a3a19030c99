package record

import (
	"time"

	"github.com/yinling-cms/yinling/content/sample"
)

// SampleName is the settings row (Setting) that records the sample
// content: its N the record's version, its Value the Sample record as
// JSON, like the pinned stories (FeaturedName).
const SampleName = "sample:content"

// Sample is the record of the sample content at rest.
type Sample struct {
	Items    []SampleItem `json:"items"`
	Series   []string     `json:"series"`
	Assets   []string     `json:"assets"`
	LoadedAt time.Time    `json:"loaded_at"`
	LoadedBy string       `json:"loaded_by,omitempty"`
}

// SampleItem is one sample item at rest.
type SampleItem struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// FromSample gives the record of what the samples made.
func FromSample(r sample.Record) Sample {
	d := Sample{Items: make([]SampleItem, len(r.Items)), Series: append([]string{}, r.Series...), Assets: append([]string{}, r.Assets...),
		LoadedAt: ms(r.LoadedAt), LoadedBy: r.LoadedBy}
	for i, it := range r.Items {
		d.Items[i] = SampleItem{Kind: it.Kind, ID: it.ID}
	}
	return d
}

// Sample gives the domain's record, at version n.
func (d Sample) Sample(n int64) sample.Record {
	r := sample.Record{Series: d.Series, Assets: d.Assets, LoadedAt: d.LoadedAt.UTC(), LoadedBy: d.LoadedBy, Version: n}
	for _, it := range d.Items {
		r.Items = append(r.Items, sample.Item{Kind: it.Kind, ID: it.ID})
	}
	return r
}
