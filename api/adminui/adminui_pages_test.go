package adminui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestBrowserAdminPageAndSiteMenu: an administrator writes 联系我们 in the
// story editor (no column, tags or cover), publishes it, puts it in the
// site's menu with the office's phone number, and a javascript: link in
// the menu is refused, naming the entry.
func TestBrowserAdminPageAndSiteMenu(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	a := admintab.SignedIn(t, s)
	a.Click(`#nav a[href="/admin/pages"]`)
	a.WaitFor("新建页面")
	a.Audit("the pages list")
	a.Click(`a[href="/admin/pages/new"]`)
	a.WaitJS(`document.getElementById("st-title")`, "the editor")
	if admintab.JS[bool](a, `!!document.getElementById("st-column-edit") && document.getElementById("st-column-edit").isConnected`) {
		t.Fatal("the page editor offers a column")
	}
	a.TypeInto("#st-title", "联系我们")
	a.TypeInto("#st-body", "## 电话\n\n综合办公室：029-8266 8000\n")
	a.WaitJS(`document.querySelector("#st-preview h2")`, "the preview")
	a.WaitSaved()
	a.Shot("admin-page-editor")
	a.Audit("the page editor")
	id := admintab.JS[string](a, `location.pathname.split("/").pop()`)
	a.Click(`button[data-action="publish"]`)
	a.WaitJS(`document.querySelector(".workflow .status-published")`, "published")
	p := s.Do("GET", "/api/admin/v1/pages/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	if p["title"] != "联系我们" || p["status"] != "published" {
		t.Fatalf("the saved page: %v", p)
	}
	slug := p["slug"].(string)

	a.Click(`#nav a[href="/admin/site"]`)
	a.WaitFor("联系电话")
	a.Audit("the site menu")
	a.Click(`#site-add`) // an outside link
	last := `.menu-entry:last-child`
	a.Do(chromedp.SetValue(chromedp.CSS(last+" .target"), "javascript:alert(1)"), chromedp.SetValue(chromedp.CSS(last+" .label"), "点我"),
		chromedp.SetValue(chromedp.CSS("#site-phone"), "029-8266 8000"))
	a.Click(`form.site-settings button[type=submit]`)
	a.WaitJS(`/第 \d+ 项的目标/.test(document.querySelector("form.site-settings .error").innerText)`, "the bad link named")
	a.Shot("admin-site-menu-refused")
	a.Do(chromedp.SetValue(chromedp.CSS(last+" select.kind"), "page"))
	admintab.JS[bool](a, `document.querySelector("`+last+` select.kind").dispatchEvent(new Event("change")), true`)
	a.Do(chromedp.SetValue(chromedp.CSS(last+" .target"), slug))
	admintab.JS[bool](a, `document.querySelector("`+last+` input.label").value = "", true`) // the page's title stands in
	a.Click(`form.site-settings button[type=submit]`)
	a.WaitJS(`document.getElementById("status").innerText.includes("已保存")`, "saved")
	st := s.Do("GET", "/api/admin/v1/site", s.Token, nil).Want(http.StatusOK).JSON()
	menu := st["menu"].([]any)
	if st["phone"] != "029-8266 8000" || st["custom"] != true || menu[len(menu)-1].(map[string]any)["target"] != slug {
		t.Fatalf("the saved settings: %v", st)
	}
	home := string(s.Do("GET", "/", "", nil).Want(http.StatusOK).Body)
	if !strings.Contains(home, `<a href="/pages/`+slug+`">联系我们</a>`) || !strings.Contains(home, "tel:02982668000") {
		t.Fatal("the website does not show the page in its menu, or the phone number")
	}
}
