package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/content/reads"
)

var readTests = []test{
	{"read counts are added, never overwritten, and totals read back", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		add := func(rows ...reads.Row) {
			t.Helper()
			if n, err := s.AddReads(ctx, rows); err != nil || n != len(rows) {
				t.Fatalf("AddReads = %d, %v", n, err)
			}
		}
		add(reads.Row{Kind: "stories", ID: "s1", Day: 20261207, N: 3}, reads.Row{Kind: "stories", ID: "s1", Day: reads.Total, N: 3})
		add(reads.Row{Kind: "stories", ID: "s1", Day: 20261207, N: 2}, reads.Row{Kind: "stories", ID: "s1", Day: reads.Total, N: 2},
			reads.Row{Kind: "videos", ID: "s1", Day: reads.Total, N: 9})
		got, err := s.ReadTotals(ctx, "stories", []string{"s1", "never"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got["s1"] != 5 {
			t.Errorf("totals = %v, want s1: 5 (a kind's ids apart from another's; none for an id never read)", got)
		}
		if n, err := s.AddReads(ctx, nil); err != nil || n != 0 {
			t.Errorf("AddReads of nothing = %d, %v", n, err)
		}
	}},
	{"twenty writers adding at once add up exactly", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.AddReads(ctx, []reads.Row{{Kind: "lectures", ID: "l1", Day: 20261208, N: int64(i + 1)},
					{Kind: "lectures", ID: "l1", Day: reads.Total, N: int64(i + 1)}})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.ReadTotals(ctx, "lectures", []string{"l1"})
		if err != nil || got["l1"] != 210 {
			t.Fatalf("total after 20 writers = %v, %v; want 210", got, err)
		}
	}},
	{"the most read of a range of days, most first, totals left out", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		var rows []reads.Row
		for i := range 12 {
			id := fmt.Sprintf("s%02d", i)
			rows = append(rows, reads.Row{Kind: "stories", ID: id, Day: 20261207, N: int64(i)},
				reads.Row{Kind: "stories", ID: id, Day: 20261209, N: 1},
				reads.Row{Kind: "stories", ID: id, Day: 20261130, N: 1000}, // the week before
				reads.Row{Kind: "stories", ID: id, Day: reads.Total, N: 5000})
		}
		rows = append(rows, reads.Row{Kind: "videos", ID: "v1", Day: 20261213, N: 10}, reads.Row{Kind: "lectures", ID: "l1", Day: 20261214, N: 99})
		if _, err := s.AddReads(ctx, rows); err != nil {
			t.Fatal(err)
		}
		got, err := s.MostRead(ctx, 20261207, 20261213, 4)
		if err != nil {
			t.Fatal(err)
		}
		want := []reads.Count{{Kind: "stories", ID: "s11", N: 12}, {Kind: "stories", ID: "s10", N: 11},
			{Kind: "stories", ID: "s09", N: 10}, {Kind: "videos", ID: "v1", N: 10}}
		if !slices.Equal(got, want) {
			t.Errorf("most read = %v, want %v", got, want)
		}
		if none, err := s.MostRead(ctx, 20250101, 20250107, 10); err != nil || len(none) != 0 {
			t.Errorf("a week with no reads = %v, %v", none, err)
		}
	}},
}
