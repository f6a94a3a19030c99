package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/menu"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

var siteTests = []test{
	{"the site's settings read back exactly, and a save on a stale version is a conflict", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		if _, err := s.SiteSettings(ctx); !fault.Is(err, fault.NotFound) {
			t.Fatalf("before the first save: %v, want NotFound", err)
		}
		st := menu.Settings{Custom: true, Phone: "029-8266 8000", Version: 1, UpdatedAt: ms(time.Now()), UpdatedBy: "admin-1",
			Menu: []menu.Entry{{Kind: menu.EntryPage, Target: "about", Label: "关于我们"}, {Kind: menu.EntryLink, Target: "https://www.xjtu.edu.cn/", Label: "学校主页"}}}
		if err := s.PutSiteSettings(ctx, st, 0); err != nil {
			t.Fatal(err)
		}
		if got, err := s.SiteSettings(ctx); err != nil || !reflect.DeepEqual(got, st) {
			t.Fatalf("read back: %+v, %v\nwant %+v", got, err, st)
		}
		if err := s.PutSiteSettings(ctx, st, 0); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a second first save: %v, want Conflict", err)
		}
		next := st
		next.Version, next.Menu = 2, []menu.Entry{}
		wins := race(t, 8, func(int) (bool, error) {
			err := s.PutSiteSettings(ctx, next, 1)
			if fault.Is(err, fault.Conflict) {
				return false, nil
			}
			return err == nil, err
		})
		if wins != 1 {
			t.Fatalf("%d saves on version 1 went through, want 1", wins)
		}
		if got, err := s.SiteSettings(ctx); err != nil || got.Version != 2 || len(got.Menu) != 0 {
			t.Fatalf("after the race: %+v, %v", got, err)
		}
	}},
}
