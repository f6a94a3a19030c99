package lectures

import "github.com/yinling-cms/yinling/content"

// MediaUses are the media a session uses (its cover, its speakers'
// photos, what its text shows or links), in its working copy and in what
// readers see.
func (l Lecture) MediaUses() []content.MediaUse {
	uses := inputUses(nil, l.Input)
	if lv := l.Live; lv != nil {
		uses = inputUses(uses, lv.Input)
		uses = content.UsesIn(uses, content.RoleBody, lv.BodyHTML)
	}
	return uses
}

func inputUses(uses []content.MediaUse, in Input) []content.MediaUse {
	uses = content.AddUse(uses, in.Cover, content.RoleCover)
	for _, sp := range in.Speakers {
		uses = content.AddUse(uses, sp.Photo, content.RolePhoto)
	}
	return content.UsesIn(uses, content.RoleBody, in.Body)
}
