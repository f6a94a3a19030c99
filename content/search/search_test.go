package search_test

import (
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func TestCheckRefusesWhatNoReaderMeans(t *testing.T) {
	for in, want := range map[string]string{"  西迁  故事 ": "西迁 故事", "王老师": "王老师", "CPU 2024": "CPU 2024", "C++ 入门": "C++ 入门"} {
		if got, err := search.Check(in); err != nil || got != want {
			t.Errorf("Check(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "   ", strings.Repeat("讲", 101), "***", `title:"x" AND (y*) OR -z^2`, "西迁\x00", "+++---"} {
		if _, err := search.Check(bad); !fault.Is(err, fault.Invalid) {
			t.Errorf("Check(%q) = %v, want a field error", bad, err)
		}
	}
}

func TestParseQueryRefusesDatesTheIndexCannotHold(t *testing.T) {
	for _, v := range []string{"9999-12-31", "0001-01-01", "1600-05-01T00:00:00Z"} {
		if _, err := search.ParseQuery(map[string]string{"q": "西迁", "to": v}); !fault.Is(err, fault.Invalid) {
			t.Errorf("to=%s: %v, want a field error (the index would fail: a 500)", v, err)
		}
	}
	if _, err := search.ParseQuery(map[string]string{"q": "西迁", "from": "1956-08-01", "to": "2026-10-01"}); err != nil {
		t.Errorf("ordinary dates: %v", err)
	}
}
