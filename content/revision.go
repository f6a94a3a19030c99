package content

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// DefaultKeepRevisions is how many revisions of an item are kept when not
// configured; revisions that were published are kept whatever their age.
const DefaultKeepRevisions = 50

// Revision is a full snapshot of an item's editable fields, made by every
// save. Its number is the item's version right after that save.
type Revision struct {
	Kind   string
	ItemID string
	Number int64
	// Snapshot is the kind's editable fields (its Kind's F) as JSON: typed
	// when read back (lists stay lists, numbers numbers), whatever the kind.
	Snapshot   []byte
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

// FieldChange is one field that differs between two revisions: its
// values as text (strings as they are, anything else as JSON).
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

// compare lists the fields that differ between two snapshots, in order,
// and diffs the body field line by line.
func compare(a, b Revision, order []string, body string) (Comparison, error) {
	c := Comparison{From: a, To: b}
	fa, err := snapshotFields(a)
	if err != nil {
		return c, err
	}
	fb, err := snapshotFields(b)
	if err != nil {
		return c, err
	}
	for _, f := range order {
		if f == body {
			continue
		}
		if va, vb := fieldText(fa[f]), fieldText(fb[f]); va != vb {
			c.Fields = append(c.Fields, FieldChange{Field: f, From: va, To: vb})
		}
	}
	if body != "" {
		c.Body = DiffLines(fieldText(fa[body]), fieldText(fb[body]))
	}
	return c, nil
}

func snapshotFields(r Revision) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Snapshot, &m); err != nil {
		return nil, fmt.Errorf("content: revision %d of %s: %w", r.Number, r.ItemID, err)
	}
	return m, nil
}

// fieldText is a field's value as a comparison shows it.
func fieldText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}
