package memlimit

import (
	"os"
	"path/filepath"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func write(t *testing.T, file, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTheLimitComesFromTheSettingOrTheCgroup(t *testing.T) {
	v2 := t.TempDir()
	write(t, filepath.Join(v2, "memory.max"), "1073741824\n")
	v1 := t.TempDir()
	write(t, filepath.Join(v1, "memory", "memory.limit_in_bytes"), "268435456\n")
	none := t.TempDir()
	write(t, filepath.Join(none, "memory.max"), "max\n")
	write(t, filepath.Join(none, "memory", "memory.limit_in_bytes"), "9223372036854771712\n")

	for _, tc := range []struct {
		name    string
		env     map[string]string
		setting int64
		root    string
		limit   int64
		source  string
	}{
		{"cgroup v2", nil, 0, v2, 1 << 30 * 9 / 10, "cgroup v2 " + filepath.Join(v2, "memory.max")},
		{"cgroup v1: 96 MiB kept outside", nil, 0, v1, 160 << 20, "cgroup v1 " + filepath.Join(v1, "memory", "memory.limit_in_bytes")},
		{"no limit", nil, 0, none, 0, ""},
		{"a tiny setting: half", nil, 150, none, 75 << 20, "YINLING_MEMORY_LIMIT"},
		{"no cgroup files", nil, 0, t.TempDir(), 0, ""},
		{"the setting beats the cgroup", nil, 2048, v2, 2048 << 20 * 9 / 10, "YINLING_MEMORY_LIMIT"},
		{"GOMEMLIMIT beats both", map[string]string{"GOMEMLIMIT": "300MiB"}, 2048, v2, -1, "GOMEMLIMIT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Choose(env(tc.env), tc.setting, tc.root)
			if c.Source != tc.source || tc.limit >= 0 && c.Limit != tc.limit {
				t.Fatalf("Choose = %+v, want limit %d from %q", c, tc.limit, tc.source)
			}
			if c.String() == "" {
				t.Fatal("no description")
			}
		})
	}
}
