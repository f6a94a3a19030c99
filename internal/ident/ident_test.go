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
	first, last := ids[0], ids[len(ids)-1]
	if !(first < last) || !sort.StringsAreSorted([]string{ids[0], ids[251], ids[502], ids[753]}) {
		t.Fatal("ids made later do not sort after earlier ones")
	}
	for _, bad := range []string{"", "short", "06h2836hak9s5hv8r0h6gy4A", "06h2836hak9s5hv8r0h6gy4u", "../../../../../../etc/pas"} {
		if Valid(bad) {
			t.Errorf("Valid(%q) = true", bad)
		}
	}
}
