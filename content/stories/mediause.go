package stories

import (
	"github.com/yinling-cms/yinling/content"
)

// MediaUses are the media a story uses: in its working copy and in what
// readers see, so an asset the live copy still shows counts as used.
func (s Story) MediaUses() []content.MediaUse {
	uses := content.AddUse(nil, s.Cover, content.RoleCover)
	uses = content.UsesIn(uses, content.RoleBody, s.Body)
	if l := s.Live; l != nil {
		uses = content.AddUse(uses, l.Cover, content.RoleCover)
		uses = content.UsesIn(uses, content.RoleBody, l.BodyHTML)
	}
	return uses
}
