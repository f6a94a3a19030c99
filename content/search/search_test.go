package search_test

import (
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/fault"
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
