package content

import (
	"strings"
	"testing"
)

func TestSlugify(t *testing.T) {
	cases := map[string]string{
		"梧桐语讲坛 2024 秋季":       "wu-tong-yu-jiang-tan-2024-qiu-ji",
		"银龄之窗：老教授的养生课":        "yin-ling-zhi-chuang-lao-jiao-shou-de-yang-sheng-ke",
		"Health & Happiness!": "health-happiness",
		"iPhone 使用课":          "iphone-shi-yong-ke",
		"！！！":                 "",
		"   ":                 "",
		"COVID-19 防控":         "covid-19-fang-kong",
		"第2期《乐老学院》开学":         "di-2-qi-le-lao-xue-yuan-kai-xue",
	}
	for title, want := range cases {
		if got := Slugify(title); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", title, got, want)
		}
	}
}

func TestSlugifyStaysShortAndValid(t *testing.T) {
	got := Slugify(strings.Repeat("离退休工作高质量发展", 10))
	if len(got) > MaxSlugLength || !ValidSlug(got) || strings.HasSuffix(got, "-") {
		t.Fatalf("long title gives %q (%d bytes)", got, len(got))
	}
}

func TestSlugCandidates(t *testing.T) {
	if got := slugCandidate("abc", 1); got != "abc" {
		t.Errorf("attempt 1 = %q", got)
	}
	if got := slugCandidate("abc", 3); got != "abc-3" {
		t.Errorf("attempt 3 = %q", got)
	}
	long := strings.Repeat("a", MaxSlugLength)
	for _, n := range []int{2, 9, 10, 25} {
		if got := slugCandidate(long, n); !ValidSlug(got) {
			t.Errorf("attempt %d on a full-length slug = %q (%d bytes), not valid", n, got, len(got))
		}
	}
}

func FuzzSlugifyIsAlwaysValid(f *testing.F) {
	for _, s := range []string{"梧桐语讲坛", "a--b", "-x-", "Ω≈ç√", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		got := Slugify(title)
		if got != "" && !ValidSlug(got) {
			t.Fatalf("Slugify(%q) = %q is not a valid slug", title, got)
		}
	})
}
