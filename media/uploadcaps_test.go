package media_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// TestTwoInstancesTogetherKeepTheCapOnOpenUploads: two instances on one
// object store, each taking starts at once, never open more than the cap
// between them (each counts again after saving, and undoes its own when
// over).
func TestTwoInstancesTogetherKeepTheCapOnOpenUploads(t *testing.T) {
	lib := newLibrary(t)
	ctx := context.Background()
	instances := []*media.Uploads{
		{Library: lib, Key: []byte("k"), BaseURL: "http://a", MaxOpenPerUser: 100, MaxOpen: 5},
		{Library: lib, Key: []byte("k"), BaseURL: "http://b", MaxOpenPerUser: 100, MaxOpen: 5},
	}
	var opened, refused atomic.Int32
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Go(func() {
			_, err := instances[i%2].Start(ctx, media.StartUpload{Filename: "a.mp4", ContentType: "video/mp4", Size: 100 << 20,
				SHA256: strings.Repeat("cd", 32), CreatedBy: "editor"})
			switch {
			case err == nil:
				opened.Add(1)
			case fault.Is(err, fault.TooMany):
				refused.Add(1)
			default:
				t.Errorf("start: %v", err)
			}
		})
	}
	wg.Wait()
	sessions, err := lib.Blobs.List(ctx, "uploads/")
	if err != nil {
		t.Fatal(err)
	}
	if opened.Load() > 5 || opened.Load() < 2 || int(opened.Load()) != len(sessions) || opened.Load()+refused.Load() != 24 {
		t.Fatalf("%d opened, %d refused, %d sessions kept; want at most 5, one instance's at least", opened.Load(), refused.Load(), len(sessions))
	}
}
