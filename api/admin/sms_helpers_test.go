package admin_test

import (
	"testing"
	"time"
)

// spoken is an instant as a text message says it: 2006年1月2日15:04, Beijing
// time.
func spoken(t *testing.T, rfc3339 string) string {
	t.Helper()
	at, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		t.Fatal(err)
	}
	return at.In(time.FixedZone("CST", 8*3600)).Format("2006年1月2日15:04")
}
