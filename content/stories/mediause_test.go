package stories

import (
	"slices"
	"testing"

	"github.com/yinling-cms/yinling/content"
)

func TestAStoryUsesWhatItsWorkingAndLiveCopiesShow(t *testing.T) {
	const a, b, c = "06h36qb17yt48jk5vrzzdsdn", "06h36qb17yt48jk5vrzzdsdp", "06h36qb17yt48jk5vrzzdsdq"
	st := Story{Cover: a, Body: "![x](/media/" + b + ")", Live: &Live{Cover: c, BodyHTML: `<img src="/media/` + a + `">`}}
	want := []content.MediaUse{{ID: a, Role: content.RoleCover}, {ID: b, Role: content.RoleBody}, {ID: c, Role: content.RoleCover}, {ID: a, Role: content.RoleBody}}
	if got := st.MediaUses(); !slices.Equal(got, want) {
		t.Fatalf("uses %v, want %v", got, want)
	}
	if ids := content.UsedIDs(want); !slices.Equal(ids, []string{a, b, c}) {
		t.Fatalf("ids %v", ids)
	}
}
