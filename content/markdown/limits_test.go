package markdown

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// TestHeadingIDsStayLinear: n identical headings try n numbers in all
// (they tried n²/2: 47,500 "# a" held a CPU for ten minutes).
func TestHeadingIDsStayLinear(t *testing.T) {
	h := newHeadingIDs()
	h.Put([]byte("a-3")) // a hand-written id in the way
	const n = 10_000
	seen := map[string]bool{}
	for range n {
		id := string(h.Generate([]byte("a"), 0))
		if seen[id] {
			t.Fatalf("id %q given twice", id)
		}
		seen[id] = true
	}
	if h.steps > n+1 {
		t.Fatalf("%d identical headings tried %d numbers; want at most %d", n, h.steps, n+1)
	}
}

// TestCostlyShapesAreRefusedNamingTheLimit: the shapes goldmark needs tens
// of seconds for are refused before it runs, with the limit named; texts
// of ordinary shape are not.
func TestCostlyShapesAreRefusedNamingTheLimit(t *testing.T) {
	r, err := New("https://ltx.example.edu")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, c := range map[string]struct {
		src, limit string
	}{
		"190,000 quote markers": {strings.Repeat(">", 190_000), "block quotes"},
		"quotes 33 deep":        {strings.Repeat("> ", 33) + "深", "block quotes"},
		"47,500 unclosed links": {strings.Repeat("[a](", 47_500), "links"},
		"2,001 reference links": {strings.Repeat("[a][b] ", 2001), "links"},
	} {
		_, err := r.Render(ctx, c.src)
		if fe := fault.As(err); fe == nil || fe.Kind != fault.Invalid || !strings.Contains(fe.Message, c.limit) {
			t.Errorf("%s: %v, want Invalid naming the %s limit", name, err, c.limit)
		}
	}
	for name, src := range map[string]string{
		"47,500 identical headings": strings.Repeat("# a\n", 47_500),
		"quotes 32 deep":            strings.Repeat("> ", 32) + "深",
		"2,000 links":               strings.Repeat("[银龄](/x) ", 2000),
	} {
		if _, err := r.Render(ctx, src); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestRendersWaitForAFreeSlot: while every slot is held, a render waits,
// and answers Unavailable when its request ends first.
func TestRendersWaitForAFreeSlot(t *testing.T) {
	r, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	for range cap(r.slots) {
		r.slots <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := r.Render(ctx, "# 标题"); !fault.Is(err, fault.Unavailable) {
		t.Fatalf("a render with every slot held: %v, want Unavailable", err)
	}
	<-r.slots
	if out, err := r.Render(context.Background(), "# 标题"); err != nil || !strings.Contains(out, "标题") {
		t.Fatalf("with a slot free: %q, %v", out, err)
	}
}
