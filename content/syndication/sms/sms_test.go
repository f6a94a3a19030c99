package sms

import (
	"testing"
	"time"
)

// TestSendsAreSpacedToTheRate: at two a second, a send right after
// another waits half a second; one after that has passed goes at once.
func TestSendsAreSpacedToTheRate(t *testing.T) {
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	c := &SMS{cfg: Config{PerSecond: 2, Clock: func() time.Time { return now }}}
	if w := c.take(); w != 0 {
		t.Fatalf("the first send waits %v", w)
	}
	if w := c.take(); w != 500*time.Millisecond {
		t.Fatalf("the second send waits %v, want 500ms", w)
	}
	now = now.Add(500 * time.Millisecond)
	if w := c.take(); w != 0 {
		t.Fatalf("a send after the interval waits %v", w)
	}
}

// TestATitleIsCutToTheVariableLimit: Aliyun's 35 characters, with "…".
func TestATitleIsCutToTheVariableLimit(t *testing.T) {
	long := "书法入门：从握笔开始的十堂课，兼谈碑帖临摹、章法布局与落款钤印的基本规矩"
	got := Cut(long, 35)
	if r := []rune(got); len(r) != 35 || r[34] != '…' || string(r[:34]) != string([]rune(long)[:34]) {
		t.Fatalf("cut to %q", got)
	}
	if Cut("书法入门", 35) != "书法入门" {
		t.Fatal("a short title was cut")
	}
	if got := Spoken(time.Date(2026, 12, 10, 7, 0, 0, 0, time.UTC)); got != "2026年12月10日15:00" {
		t.Fatalf("spoken as %q", got)
	}
}

// TestTemplatesAreReadByChange: known changes only; an empty code means
// none.
func TestTemplatesAreReadByChange(t *testing.T) {
	tpl, err := ParseTemplates(`{"postponed": "SMS_1", "promoted": "SMS_5", "cancelled": " "}`)
	if err != nil || len(tpl) != 2 || tpl["postponed"] != "SMS_1" || tpl["promoted"] != "SMS_5" {
		t.Fatalf("templates %v, %v", tpl, err)
	}
	for _, bad := range []string{`{"delayed": "SMS_1"}`, `["SMS_1"]`, `{"postponed": 1}`} {
		if _, err := ParseTemplates(bad); err == nil {
			t.Errorf("%s was taken", bad)
		}
	}
	if tpl, err := ParseTemplates(""); err != nil || len(tpl) != 0 {
		t.Fatalf("no templates: %v, %v", tpl, err)
	}
}
