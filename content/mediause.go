package content

import (
	"context"
	"regexp"
	"slices"

	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// MediaUse is one place an item uses a media asset: the asset's id and
// the role it has there (RoleCover, RoleBody, ...).
type MediaUse struct {
	ID   string
	Role string
}

// Roles a media asset has in an item.
const (
	RoleCover     = "cover"     // a story's, lecture's or video's cover
	RoleBody      = "body"      // linked or shown in the text
	RolePhoto     = "photo"     // a lecture speaker's photo
	RoleVideo     = "video"     // a video entry's video
	RoleSubtitles = "subtitles" // a video entry's subtitles
)

// mediaPath finds media links in Markdown and HTML: /media/{id}, alone or
// after the site's address, as the admin UI and the renderer write them.
var mediaPath = regexp.MustCompile(`/media/([0-9a-z]{24})(?:[^0-9a-z]|$)`)

// MediaIn returns the ids of the media a text links to or shows, once
// each, in the order they first appear.
func MediaIn(text string) []string {
	var ids []string
	for _, m := range mediaPath.FindAllStringSubmatch(text, -1) {
		if id := m[1]; ident.Valid(id) && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// UsesIn adds to uses the media a text holds, in role.
func UsesIn(uses []MediaUse, role string, texts ...string) []MediaUse {
	for _, t := range texts {
		for _, id := range MediaIn(t) {
			uses = AddUse(uses, id, role)
		}
	}
	return uses
}

// AddUse adds the use of id in role, unless id is empty or the use is
// there already.
func AddUse(uses []MediaUse, id, role string) []MediaUse {
	u := MediaUse{ID: id, Role: role}
	if id == "" || slices.Contains(uses, u) {
		return uses
	}
	return append(uses, u)
}

// UsedIDs lists the asset ids of uses, once each.
func UsedIDs(uses []MediaUse) []string {
	ids := []string{}
	for _, u := range uses {
		if !slices.Contains(ids, u.ID) {
			ids = append(ids, u.ID)
		}
	}
	return ids
}

// ItemRef names an item of any kind.
type ItemRef struct {
	Kind string // the kind's name (KindSpec.Name)
	ID   string
}

// MaxMediaUsers caps how many items MediaUsers returns: enough to show
// where an asset is used and that it is used at all.
const MaxMediaUsers = 100

// MediaUseStore finds the items that use a media asset. Each store keeps
// a list of the assets every item uses (record.Index.Media), written with
// the item in the same write, so the lookup is one indexed query and not
// a scan of every item's text.
//
// Errors: fault.Unavailable when the database does not answer.
type MediaUseStore interface {
	// MediaUsers lists up to limit items of every kind, trashed ones
	// included, whose working or live copy uses the asset, by kind and id.
	MediaUsers(ctx context.Context, assetID string, limit int) ([]ItemRef, error)
}
