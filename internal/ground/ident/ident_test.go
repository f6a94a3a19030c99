package ident

import (
	"sort"
	"testing"
	"time"
)

func TestNewIsValidUniqueAndSortable(t *testing.T) {
	seen := map[string]bool{}
	var ids []string
	for i := 0; i < 1000; i++ {
		id := New()
		if !Valid(id) {
			t.Fatalf("New() = %q is not Valid", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		ids = append(ids, id)
		if i%250 == 0 {
			time.Sleep(2 * time.Millisecond)
		}
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatal("ids made later do not sort after earlier ones, within a millisecond too")
	}
	for _, bad := range []string{"", "short", "06h2836hak9s5hv8r0h6gy4A", "06h2836hak9s5hv8r0h6gy4u", "../../../../../../etc/pas"} {
		if Valid(bad) {
			t.Errorf("Valid(%q) = true", bad)
		}
	}
}

func TestIdsOfOneMillisecondCountUp(t *testing.T) {
	var m monotonic
	at := time.UnixMilli(1_800_000_000_000)
	m.rand = [9]byte{0, 0, 0, 0, 0, 0, 0, 0xff, 0xff} // the carry crosses bytes
	m.ms = uint64(at.UnixMilli())
	a, b := m.next(at), m.next(at.Add(-time.Second)) // the clock stepped back
	if !(a < b) || a[:10] != b[:10] {
		t.Fatalf("%s then %s: want the second after the first, in the same millisecond", a, b)
	}
	if c := m.next(at.Add(time.Millisecond)); !(b < c) {
		t.Fatalf("the next millisecond's id %s sorts before %s", c, b)
	}
}
