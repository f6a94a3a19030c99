package record

import (
	"context"
	"encoding/json"

	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// MediaPaths is the rewrite both stores make once (the SQLite store's
// schema step 9, the Mongo store's note "media-paths" in its migrations),
// and again after an import, whose export may be older: texts keep media
// as paths since then (markdown.Renderer.Canonical), where the admin UI
// wrote an uploaded image as an absolute URL of the site's address of the
// day. Such a URL broke when the address changed, and the sanitizer then
// took the image out of the HTML of the next save.
//
// Every absolute http(s) URL, whatever its host, whose path is /media/{id}
// of an asset the library holds becomes that path: in the Markdown of the
// working and live copies, in every revision, in series' descriptions. The
// HTML of a text that changed is rendered again from it, which also brings
// back the images an earlier save took out. Versions stay as they are: the
// texts mean what they meant.
type MediaPaths struct {
	assets map[string]bool
	md     *markdown.Renderer
	// revision finds a revision of an item (a story's live copy keeps no
	// Markdown of its own: it is the revision it was taken from);
	// fault.NotFound when it is gone.
	revision func(ctx context.Context, kind, itemID string, n int64) (Revision, error)
}

// NewMediaPaths makes the rewrite for a library holding the assets with
// these ids; revision reads a revision from the store being rewritten.
func NewMediaPaths(assetIDs []string, revision func(ctx context.Context, kind, itemID string, n int64) (Revision, error)) (*MediaPaths, error) {
	md, err := markdown.New("")
	if err != nil {
		return nil, err
	}
	m := &MediaPaths{assets: make(map[string]bool, len(assetIDs)), md: md, revision: revision}
	for _, id := range assetIDs {
		m.assets[id] = true
	}
	return m, nil
}

// Text is s with the media URLs of the library written as paths, and
// whether that changed it. s may be Markdown, HTML or JSON.
func (m *MediaPaths) Text(s string) (string, bool) {
	return markdown.MediaPaths(s, func(_, id string) bool { return m.assets[id] })
}

// markdown rewrites a Markdown text and, when that changed it, renders
// its HTML again.
func (m *MediaPaths) markdown(ctx context.Context, src, html *string) (bool, error) {
	out, changed := m.Text(*src)
	if !changed {
		return false, nil
	}
	h, err := m.md.RenderSaved(ctx, out)
	if err != nil {
		return false, err
	}
	*src, *html = out, h
	return true, nil
}

// Revision rewrites a revision's snapshot (the kind's fields as JSON:
// Markdown, no HTML), reporting whether it changed.
func (m *MediaPaths) Revision(r *Revision) bool {
	out, changed := m.Text(r.Snapshot)
	r.Snapshot = out
	return changed
}

// Series rewrites a series' description and renders it again.
func (m *MediaPaths) Series(ctx context.Context, r *Series) (bool, error) {
	return m.markdown(ctx, &r.Description, &r.DescriptionHTML)
}

// story rewrites a story's body and its HTML; the live copy's HTML is
// rendered again from the Markdown it was taken from (the working copy's,
// or the revision's it names). Rewrite items before revisions: a revision
// rewritten already would show no change. A live copy whose revision is
// gone gets its HTML's URLs rewritten as they are.
func (m *MediaPaths) story(ctx context.Context, r *Story) (bool, error) {
	changed, err := m.markdown(ctx, &r.Body, &r.BodyHTML)
	if err != nil || r.Live == nil {
		return changed, err
	}
	if r.Live.Revision == r.Revision {
		if changed {
			r.Live.BodyHTML = r.BodyHTML
		}
		return changed, nil
	}
	rev, err := m.revision(ctx, stories.Kind, r.ID, r.Live.Revision)
	if fault.Is(err, fault.NotFound) {
		html, live := m.Text(r.Live.BodyHTML)
		r.Live.BodyHTML = html
		return changed || live, nil
	}
	if err != nil {
		return false, err
	}
	var f stories.Input
	if err := json.Unmarshal([]byte(rev.Snapshot), &f); err != nil {
		return false, err
	}
	live, err := m.markdown(ctx, &f.Body, &r.Live.BodyHTML)
	return changed || live, err
}

// lecture rewrites a session's working and live copies, each with its own
// Markdown.
func (m *MediaPaths) lecture(ctx context.Context, r *Lecture) (bool, error) {
	changed, err := m.markdown(ctx, &r.Body, &r.BodyHTML)
	if err != nil || r.Live == nil {
		return changed, err
	}
	live, err := m.markdown(ctx, &r.Live.Body, &r.Live.BodyHTML)
	return changed || live, err
}
