package adminui_test

import (
	"net/http"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestBrowserAdminSampleContent: on a new site the administrator's
// dashboard offers the sample content; loading it puts 【示例】 stories on
// the website's home page, and the card then offers their removal, which
// asks first (cancelling keeps them) and then takes them away.
func TestBrowserAdminSampleContent(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	a := admintab.SignedIn(t, s)
	a.WaitFor("网站还是空的")
	a.Shot("admin-sample-offer")
	a.Audit("the dashboard offering sample content")
	a.Click(`#sample button.primary`)
	a.WaitFor("网站上有示例内容")
	a.WaitJS(`document.getElementById("status").innerText.includes("示例内容已载入")`, "loaded")
	a.Shot("admin-sample-loaded")

	a.Open("/")
	a.WaitFor("【示例】金秋登高，银龄同行")
	a.Shot("site-home-with-samples")
	a.Open("/stories/sample-autumn-walk")
	a.WaitJS(`document.querySelector("article img, main img") && document.querySelector("main img").complete && document.querySelector("main img").naturalWidth > 0`, "the sample photo")
	a.Shot("site-sample-story")
	// The sample video plays in the browser: its first frame decoded.
	a.Open("/videos/sample-autumn-walk")
	a.WaitJS(`(() => { const v = document.querySelector("video"); if (v && v.readyState < 2) { v.muted = true; v.play().catch(() => {}) } return v && v.readyState >= 2 && v.videoWidth === 720 && Math.round(v.duration) === 9 })()`, "the sample video playing")
	a.Shot("site-sample-video")

	a.Open("/admin")
	a.WaitFor("网站上有示例内容")
	a.Click(`#sample button`)
	a.WaitJS(`document.querySelector("dialog[open]")`, "the confirmation")
	a.Shot("admin-sample-confirm")
	a.Click(`dialog[open] .actions button:not(.primary)`)
	a.WaitJS(`!document.querySelector("dialog[open]") && !document.querySelector("#sample button").disabled`, "cancelled")
	if st := s.Do("GET", "/api/admin/v1/sample", s.Token, nil).Want(http.StatusOK).JSON(); st["loaded"] != true {
		t.Fatalf("cancelling removed the samples: %v", st)
	}
	a.Click(`#sample button`)
	a.Confirm()
	a.WaitJS(`document.getElementById("status").innerText.includes("示例内容已删除")`, "removed")
	a.WaitFor("网站还是空的")
	if st := s.Do("GET", "/api/admin/v1/sample", s.Token, nil).Want(http.StatusOK).JSON(); st["loaded"] != false {
		t.Fatalf("after removal: %v", st)
	}
	// Readers' pages may stay a minute in a browser's cache
	// (max-age=60): this browser fetched the home page with the samples
	// above, so it asks the server again, as a reader's reload after the
	// minute would.
	admintab.JS[bool](a, `fetch("/", {cache: "reload"}).then(() => true)`)
	a.Open("/")
	a.WaitFor("还没有")
	if admintab.JS[bool](a, `document.body.innerText.includes("【示例】")`) {
		t.Fatalf("the home page still shows samples: %s", admintab.JS[string](a, `document.body.innerText`))
	}
	a.Shot("site-home-after-removal")
}
