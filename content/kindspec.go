package content

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content/search"
)

// KindSpec is one kind of item as the code that treats every kind alike
// sees it: the scheduler and the trash's purge, the media library, the
// search index, the website's sitemap and search results. Each kind
// package gives its own from its service (stories.Spec, lectures.Spec,
// videos.Spec); cmd/yinling/assembly builds the list once, and each of
// those consumers ranges over it instead of naming the kinds. What is
// particular to a kind (its fields, checks, screens and readers' pages)
// stays typed, in its package and its surfaces.
//
// Every field is set. The funcs return what the kind's store returns:
// fault.Unavailable when the database does not answer.
type KindSpec struct {
	// Name is the kind's name (stories.Kind, ...): its collection, its
	// path on every surface ("/" + Name), its kind in search documents,
	// in ItemRef and in the audit log.
	Name string
	// Noun names one item in messages ("story").
	Noun string
	// Label names the kind to readers, in the website's language (报道).
	Label string
	// Item reads the item id names, trashed ones included, as the media
	// library shows a use. Errors: fault.NotFound.
	Item func(ctx context.Context, id string) (ItemSummary, error)
	// RunDue runs the kind's scheduled steps that are due and answers the
	// soonest next one (zero: none within the hour); see Workflow.RunDue.
	RunDue func(ctx context.Context) (time.Time, error)
	// PurgeTrash deletes the items trashed before cutoff and answers how
	// many; see Workflow.PurgeTrash.
	PurgeTrash func(ctx context.Context, cutoff time.Time) (int, error)
	// Search is the kind's items for the search index.
	Search search.Source
	// Live yields the slug of every item readers see, with the time what
	// they see last changed, in the order of readers' lists; it stops at
	// yield's first error and returns it.
	Live func(ctx context.Context, yield func(slug string, changed time.Time) error) error
}

// ItemSummary is what KindSpec.Item tells of an item: its working
// copy's title, its status, whether it is in the trash, and the media its
// working and live copies use.
type ItemSummary struct {
	Title   string
	Status  Status
	Trashed bool
	Uses    []MediaUse
}

// KindSpecs are the kinds of a site, in the order they are shown.
type KindSpecs []KindSpec

// Names lists the kinds' names.
func (ks KindSpecs) Names() []string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.Name
	}
	return names
}

// Lookup returns the kind named name; ok is false when there is none.
func (ks KindSpecs) Lookup(name string) (k KindSpec, ok bool) {
	for _, k := range ks {
		if k.Name == name {
			return k, true
		}
	}
	return KindSpec{}, false
}

// KindSpec gives the parts of the kind's KindSpec that every kind has alike
// (Name, Noun, Item, RunDue, PurgeTrash); uses lists the media an item
// uses. The kind fills in the rest.
func (w *Workflow[T, F]) KindSpec(uses func(T) []MediaUse) KindSpec {
	return KindSpec{Name: w.kind.Name, Noun: w.kind.Noun,
		Item: func(ctx context.Context, id string) (ItemSummary, error) {
			item, err := w.kind.Store.Get(ctx, id)
			if err != nil {
				return ItemSummary{}, err
			}
			lc := w.kind.Head(&item).Lifecycle
			return ItemSummary{Title: w.kind.Title(&item), Status: lc.Status, Trashed: lc.TrashedAt != nil, Uses: uses(item)}, nil
		},
		RunDue: w.RunDue, PurgeTrash: w.PurgeTrash}
}

// LiveSlugs walks the pages of a kind's readers' list (list answers the
// page after cursor, "" the first) and yields each item's slug with when
// readers' copy last changed: KindSpec.Live for a kind's lists.
func LiveSlugs[T any](ctx context.Context, list func(ctx context.Context, cursor string) (Page[T], error),
	slug func(T) (string, time.Time), yield func(slug string, changed time.Time) error) error {
	cursor := ""
	for {
		page, err := list(ctx, cursor)
		if err != nil {
			return err
		}
		for _, item := range page.Items {
			if err := yield(slug(item)); err != nil {
				return err
			}
		}
		if page.NextCursor == "" {
			return nil
		}
		cursor = page.NextCursor
	}
}
