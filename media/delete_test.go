package media_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"testing"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// TestDeleteLeavesNothingAndLateRenditionsAreCollected deletes an image
// with a rendition, then stores what a rendition made during the deletion
// would leave: the record, the object and the renditions are gone, and
// the late one is an orphan CollectOrphans removes.
func TestDeleteLeavesNothingAndLateRenditionsAreCollected(t *testing.T) {
	lib := newLibrary(t)
	ctx := context.Background()
	var img bytes.Buffer
	_ = png.Encode(&img, image.NewGray(image.Rect(0, 0, 1400, 10)))
	a, err := lib.Store(ctx, media.Upload{Filename: "wide.png", Alt: "宽图", Body: bytes.NewReader(img.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	other, err := lib.Store(ctx, media.Upload{Filename: "other.png", Body: bytes.NewReader(img.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	rd := media.NewRenditions(lib, 1, 0)
	for _, x := range []media.Asset{a, other} {
		if _, err := rd.Get(ctx, x, 640); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Delete(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Get(ctx, a.ID); !fault.Is(err, fault.NotFound) {
		t.Fatalf("the record after deletion: %v", err)
	}
	for _, prefix := range []string{a.Key, "renditions/" + a.ID + "/"} {
		if objs, err := lib.Blobs.List(ctx, prefix); err != nil || len(objs) != 0 {
			t.Fatalf("left under %s: %v, %v", prefix, objs, err)
		}
	}
	late := "renditions/" + a.ID + "/960.png"
	if err := lib.Blobs.Put(ctx, late, bytes.NewReader([]byte("x")), 1, "image/png"); err != nil {
		t.Fatal(err)
	}
	if n, err := lib.CollectOrphans(ctx, 0); err != nil || n != 1 {
		t.Fatalf("collected %d, %v; want the late rendition", n, err)
	}
	if objs, err := lib.Blobs.List(ctx, "renditions/"+other.ID+"/"); err != nil || len(objs) != 1 {
		t.Fatalf("the other image's rendition: %v, %v", objs, err)
	}
}

func TestAltTextIsCheckedAndChangedAtItsVersion(t *testing.T) {
	lib := newLibrary(t)
	ctx := context.Background()
	var img bytes.Buffer
	_ = png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2)))
	if _, err := lib.Store(ctx, media.Upload{Filename: "a.png", Alt: "一行\n两行", Body: bytes.NewReader(img.Bytes())}); !fault.Is(err, fault.Invalid) {
		t.Fatalf("an upload with a line break in its alt text: %v", err)
	}
	a, err := lib.Store(ctx, media.Upload{Filename: "a.png", Alt: "旧", Body: bytes.NewReader(img.Bytes())})
	if err != nil || a.Version != 1 {
		t.Fatalf("stored %+v, %v", a, err)
	}
	b, err := lib.SetAlt(ctx, a.ID, 1, " 新 ")
	if err != nil || b.Alt != "新" || b.Version != 2 {
		t.Fatalf("changed: %+v, %v", b, err)
	}
	if _, err := lib.SetAlt(ctx, a.ID, 1, "过时"); !fault.Is(err, fault.Conflict) {
		t.Fatalf("stale: %v", err)
	}
}
