package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestConfigurationPageListsEverySetting keeps docs/configuration.md true:
// every environment variable the server reads is a row of its table, with
// its flag beside it, and every YINLING_ variable of the table is one the
// server reads.
func TestConfigurationPageListsEverySetting(t *testing.T) {
	const page = "../../docs/configuration.md"
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile("`([^`]*)`")
	documented := map[string]string{} // variable → the flag its row names
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| `YINLING_") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 4 {
			t.Fatalf("%s: a row of the table without a flag column: %s", page, line)
		}
		var envs, flags []string
		for _, m := range code.FindAllStringSubmatch(cells[1], -1) {
			envs = append(envs, m[1])
		}
		for _, m := range code.FindAllStringSubmatch(cells[2], -1) {
			flags = append(flags, m[1])
		}
		if len(envs) != len(flags) {
			t.Errorf("%s: the row of %v names %d flags for %d variables", page, envs, len(flags), len(envs))
			continue
		}
		for i, e := range envs {
			if _, twice := documented[e]; twice {
				t.Errorf("%s: %s has two rows", page, e)
			}
			documented[e] = flags[i]
		}
	}
	read := map[string]bool{}
	for _, s := range settings() {
		read[s.env] = true
		flag, ok := documented[s.env]
		switch {
		case !ok:
			t.Errorf("%s: the server reads %s (--%s), which the table does not list", page, s.env, s.flag)
		case flag != "--"+s.flag:
			t.Errorf("%s: %s's flag is --%s, the table says %s", page, s.env, s.flag, flag)
		}
	}
	for e := range documented {
		if !read[e] {
			t.Errorf("%s: the table lists %s, which the server does not read", page, e)
		}
	}
	if len(documented) == 0 {
		t.Fatalf("%s: no YINLING_ rows found", page)
	}
}
