package adminui

import (
	"strings"
	"testing"
)

// TestTheCatalogueRefusesAKeyGivenTwice: within one file or across two,
// a message key given twice for a language is an error naming it, not a
// silent pick of one text.
func TestTheCatalogueRefusesAKeyGivenTwice(t *testing.T) {
	for name, files := range map[string][]string{
		"one file":  {`{"zh-CN": {"a": "甲", "b": "乙", "a": "丙"}}`},
		"two files": {`{"zh-CN": {"a": "甲"}, "en": {"a": "A"}}`, `{"en": {"b": "B", "a": "A2"}}`},
	} {
		cat := map[string]map[string]string{}
		var err error
		for i, f := range files {
			if err = mergeMessages(cat, "f"+string(rune('0'+i)), []byte(f)); err != nil {
				break
			}
		}
		if err == nil || !strings.Contains(err.Error(), `"a"`) {
			t.Errorf("%s: %v", name, err)
		}
	}
	cat := map[string]map[string]string{}
	if err := mergeMessages(cat, "ok", []byte(`{"zh-CN": {"a": "甲"}, "en": {"a": "A"}}`)); err != nil || cat["en"]["a"] != "A" || cat["zh-CN"]["a"] != "甲" {
		t.Fatalf("%v %v", cat, err)
	}
	if _, err := New(); err != nil {
		t.Fatalf("the embedded catalogue: %v", err)
	}
}
