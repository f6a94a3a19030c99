package content

import (
	"context"
	"time"
)

// DefaultKeepRevisions is how many revisions of an item are kept when not
// configured; revisions that were published are kept whatever their age.
const DefaultKeepRevisions = 50

// Revision is a full snapshot of an item's editable fields, made by every
// save. Its number is the item's version right after that save.
type Revision struct {
	Kind       string
	ItemID     string
	Number     int64
	Fields     map[string]string // the kind's fields; "body" is Markdown
	AuthorID   string
	AuthorName string
	At         time.Time
	Note       string
	Published  bool // this revision was published at least once
}

// RevisionStore keeps revisions.
//
// Errors: a missing revision is fault.NotFound; inserting a number that
// exists is fault.Conflict (two saves of one version: one loses); a
// database that does not answer is fault.Unavailable.
type RevisionStore interface {
	InsertRevision(ctx context.Context, r Revision) error
	GetRevision(ctx context.Context, kind, itemID string, number int64) (Revision, error)
	// ListRevisions returns an item's revisions, newest first.
	ListRevisions(ctx context.Context, kind, itemID string) ([]Revision, error)
	// MarkRevisionsPublished marks revisions (item id -> number) as
	// published, in one write; missing ones are skipped.
	MarkRevisionsPublished(ctx context.Context, kind string, revisions map[string]int64) error
	DeleteRevisions(ctx context.Context, kind, itemID string, numbers []int64) error
}

// prune deletes the oldest revisions of an item beyond keep, never one that
// was published.
func prune(ctx context.Context, store RevisionStore, kind, itemID string, keep int) error {
	revs, err := store.ListRevisions(ctx, kind, itemID)
	if err != nil {
		return err
	}
	var drop []int64
	kept := 0
	for _, r := range revs {
		if kept < keep || r.Published {
			kept++
			continue
		}
		drop = append(drop, r.Number)
	}
	if len(drop) == 0 {
		return nil
	}
	return store.DeleteRevisions(ctx, kind, itemID, drop)
}

// FieldChange is one field that differs between two revisions.
type FieldChange struct {
	Field string
	From  string
	To    string
}

// Comparison is what changed between two revisions: the fields, and a line
// diff of the Markdown body.
type Comparison struct {
	From, To Revision
	Fields   []FieldChange
	Body     []DiffLine
}

func compare(a, b Revision, order []string) Comparison {
	c := Comparison{From: a, To: b}
	for _, f := range order {
		if f == "body" {
			continue
		}
		if a.Fields[f] != b.Fields[f] {
			c.Fields = append(c.Fields, FieldChange{Field: f, From: a.Fields[f], To: b.Fields[f]})
		}
	}
	c.Body = DiffLines(a.Fields["body"], b.Fields["body"])
	return c
}
