package videos

import "github.com/yinling-cms/yinling/content"

// MediaUses are the media a video entry uses (the video, its cover, its
// subtitles), in its working copy and in what readers see.
func (v Video) MediaUses() []content.MediaUse {
	uses := inputUses(nil, v.Input)
	if l := v.Live; l != nil {
		uses = inputUses(uses, l.Input)
	}
	return uses
}

func inputUses(uses []content.MediaUse, in Input) []content.MediaUse {
	uses = content.AddUse(uses, in.Video, content.RoleVideo)
	uses = content.AddUse(uses, in.Cover, content.RoleCover)
	return content.AddUse(uses, in.Subtitles, content.RoleSubtitles)
}
