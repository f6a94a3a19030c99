package media

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

// CheckAlt checks an alternative text: at most MaxAltLength characters of
// text on one line, nothing invisible or reordering in it (a screen reader
// reads it out; a line break or a control character there helps no one).
//
// Errors: fault.Invalid with a field error on "alt".
func CheckAlt(alt string) error {
	if !plain.Line(alt) || utf8.RuneCountInString(alt) > MaxAltLength {
		return fault.Fields(fault.FieldError{Field: "alt",
			Message: fmt.Sprintf("must be one line of at most %d characters, without control characters", MaxAltLength)})
	}
	return nil
}

// List returns a page of the library, newest first.
//
// Errors: fault.Invalid for an unknown kind or a search text that is too
// long or not text.
func (l *Library) List(ctx context.Context, q AssetQuery) ([]Asset, error) {
	var errs []fault.FieldError
	if q.Kind != "" && !slices.Contains(Kinds(), q.Kind) {
		errs = append(errs, fault.FieldError{Field: "type", Message: "must be one of " + strings.Join(Kinds(), ", ")})
	}
	q.Text = strings.TrimSpace(q.Text)
	if !plain.Line(q.Text) || utf8.RuneCountInString(q.Text) > 100 {
		errs = append(errs, fault.FieldError{Field: "q", Message: "must be one line of at most 100 characters"})
	}
	if q.After != "" && !ident.Valid(q.After) {
		errs = append(errs, fault.FieldError{Field: "cursor", Message: "the cursor is not valid; start again from the first page"})
	}
	if len(errs) > 0 {
		return nil, fault.Fields(errs...)
	}
	q.Text = strings.ToLower(q.Text)
	return l.Assets.ListAssets(ctx, q)
}

// SetAlt replaces an asset's alternative text if the record is still at
// version expect, and returns the asset as it now is.
//
// Errors: fault.NotFound; fault.Invalid for bad text (CheckAlt);
// fault.Conflict with the current version when expect is stale.
func (l *Library) SetAlt(ctx context.Context, id string, expect int64, alt string) (Asset, error) {
	alt = strings.TrimSpace(alt)
	if err := CheckAlt(alt); err != nil {
		return Asset{}, err
	}
	a, err := l.Get(ctx, id)
	if err != nil {
		return Asset{}, err
	}
	if a.Version != expect {
		return Asset{}, &fault.Error{Kind: fault.Conflict, Current: a.Version,
			Message: "the media was changed by someone else; reload it and apply your changes again"}
	}
	a.Alt, a.Version = alt, a.Version+1
	if err := l.Assets.UpdateAsset(ctx, a, expect); err != nil {
		return Asset{}, err
	}
	return a, nil
}

// Delete removes an asset: its record first, then its bytes and every
// rendition made of it.
//
// The record goes first because a failure half way must not leave a
// record pointing at missing bytes: pages and feeds would link to a 404,
// and no job would ever notice. Bytes left behind by a failure after the
// record is gone (the object store not answering, the process killed) are
// orphans that CollectOrphans deletes after OrphanGrace: it walks assets/
// and renditions/ for objects whose record is gone. A rendition being
// made while the asset is deleted may be stored after this removed the
// others; it is such an orphan too.
//
// Errors: those of the record's deletion only (fault.Unavailable when
// the database does not answer). Once the record is gone the asset is
// gone for every reader; bytes the object store failed to delete are left
// to orphan collection rather than reported as a failed delete.
func (l *Library) Delete(ctx context.Context, a Asset) error {
	if err := l.Assets.DeleteAsset(ctx, a.ID); err != nil {
		return err
	}
	keys := []string{a.Key}
	if renditions, err := l.Blobs.List(ctx, renditionPrefix(a.ID)); err == nil {
		for _, r := range renditions {
			keys = append(keys, r.Key)
		}
	}
	for _, k := range keys {
		_ = l.Blobs.Delete(ctx, k) // left for CollectOrphans when it fails
	}
	return nil
}

// renditionPrefix is where the renditions of an asset are kept.
func renditionPrefix(id string) string { return "renditions/" + id + "/" }
