package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/sample"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

var sampleTests = []test{
	{"the sample record is empty at first, then written by version", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		if r, err := s.SampleRecord(ctx); err != nil || r.Version != 0 || r.Loaded() {
			t.Fatalf("at first: %+v, %v", r, err)
		}
		first := sample.Record{Items: []sample.Item{{Kind: "stories", ID: "s1"}, {Kind: "pages", ID: "p1"}}, Series: []string{"r1"},
			Assets: []string{"m1", "m2"}, LoadedAt: ms(time.Now()), LoadedBy: "管理员", Version: 1}
		if err := s.PutSampleRecord(ctx, first, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.PutSampleRecord(ctx, first, 0); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a second first write: %v", err)
		}
		if got, err := s.SampleRecord(ctx); err != nil || !reflect.DeepEqual(got, first) {
			t.Fatalf("read back: %+v, %v\nwant %+v", got, err, first)
		}
		if err := s.PutSampleRecord(ctx, sample.Record{Version: 2}, 5); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale write: %v", err)
		}
		if err := s.PutSampleRecord(ctx, sample.Record{Version: 2}, 1); err != nil {
			t.Fatal(err)
		}
		if got, err := s.SampleRecord(ctx); err != nil || got.Loaded() || got.Version != 2 {
			t.Fatalf("emptied: %+v, %v", got, err)
		}
	}},
}
