// Package outreach_test walks the admin UI's screens that reach people
// beyond the website, in Chromium: lectures and their registrants (the
// calls and texts to make, the printed notice and QR codes), videos and
// their uploads, and the channels (Douyin, 视频号, the 公众号). They are a
// test package of their own, beside api/adminui's walks, so `go test`
// runs the two halves side by side and neither comes near its
// per-package timeout on a 2-core machine.
package outreach_test

import (
	"testing"

	"github.com/yinling-cms/yinling/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
