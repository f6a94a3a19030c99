package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/media"
)

var recordTests = []test{
	{"audit entries: listed newest first, filtered, paged after an id", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		base := ms(time.Now().Add(-time.Hour))
		var all []audit.Entry
		for i := range 12 {
			e := audit.Entry{ID: ident.New(), At: base.Add(time.Duration(i) * time.Minute), ActorID: []string{"u1", "u2"}[i%2],
				Actor: "编辑", Action: []audit.Action{audit.SignIn, audit.Transition, audit.Restored}[i%3],
				Target: []string{"stories:a", "stories:b"}[i%2], Address: "192.0.2.1", Detail: "draft -> in_review"}
			all = append(all, e)
			time.Sleep(time.Millisecond) // ids sort by the millisecond
		}
		if err := s.Append(ctx, all[:6]...); err != nil {
			t.Fatal(err)
		}
		if err := s.Append(ctx, all[6:]...); err != nil {
			t.Fatal(err)
		}
		keep := func(f func(audit.Entry) bool) []audit.Entry {
			var out []audit.Entry
			for i := len(all) - 1; i >= 0; i-- {
				if f(all[i]) {
					out = append(out, all[i])
				}
			}
			return out
		}
		cases := []struct {
			name string
			q    audit.Query
			want []audit.Entry
		}{
			{"all", audit.Query{Limit: 100}, keep(func(audit.Entry) bool { return true })},
			{"by actor", audit.Query{ActorID: "u2", Limit: 100}, keep(func(e audit.Entry) bool { return e.ActorID == "u2" })},
			{"by action", audit.Query{Action: audit.Restored, Limit: 100}, keep(func(e audit.Entry) bool { return e.Action == audit.Restored })},
			{"by target", audit.Query{Target: "stories:a", Limit: 100}, keep(func(e audit.Entry) bool { return e.Target == "stories:a" })},
			{"from and to", audit.Query{From: base.Add(3 * time.Minute), To: base.Add(7 * time.Minute), Limit: 100},
				keep(func(e audit.Entry) bool {
					return !e.At.Before(base.Add(3*time.Minute)) && e.At.Before(base.Add(7*time.Minute))
				})},
			{"a page after an id", audit.Query{After: all[8].ID, Limit: 3}, []audit.Entry{all[7], all[6], all[5]}},
		}
		for _, c := range cases {
			got, err := s.List(ctx, c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if len(got) == 0 && len(c.want) == 0 {
				continue
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
			}
		}
	}},
	{"assets: read back, told apart as images, deleted", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		img := media.Asset{ID: ident.New(), Key: "assets/x", Filename: "西迁.jpg", ContentType: "image/jpeg", Size: 1234,
			SHA256: "ab", Width: 640, Height: 480, Alt: "老教授合影", CreatedBy: "u1", CreatedAt: ms(time.Now()), Version: 1}
		pdf := media.Asset{ID: ident.New(), Key: "assets/y", Filename: "a.pdf", ContentType: "application/pdf", Size: 9,
			SHA256: "cd", CreatedBy: "u1", CreatedAt: ms(time.Now()), Version: 1}
		for _, a := range []media.Asset{img, pdf} {
			if err := s.InsertAsset(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := s.GetAsset(ctx, img.ID); err != nil || !reflect.DeepEqual(got, img) {
			t.Fatalf("get = %+v, %v\nwant %+v", got, err, img)
		}
		if isImage, err := s.AssetExists(ctx, img.ID); err != nil || !isImage {
			t.Fatalf("image exists = %v, %v", isImage, err)
		}
		if isImage, err := s.AssetExists(ctx, pdf.ID); err != nil || isImage {
			t.Fatalf("pdf exists = %v (image?), %v", isImage, err)
		}
		if err := s.DeleteAsset(ctx, img.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetAsset(ctx, img.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("after delete: %v, want NotFound", err)
		}
		if _, err := s.AssetExists(ctx, img.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("exists after delete: %v, want NotFound", err)
		}
	}},
}
