package adminui_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// bearer calls the admin API from Go with a token and answers the status.
func bearer(t *testing.T, base, path, token string) int {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestBrowserMyAccount: an editor signed in in two browsers sees both
// sessions on 我的账户 and ends the other one (that browser is signed
// out); creates an API token shown once in a dialog, which then works as
// a Bearer token and is not in the page once the dialog is closed;
// changes the password (the server's rules shown beside the field when
// the new one is too short), which revokes the token; and signs in with
// the new password.
func TestBrowserMyAccount(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	s.CreateUser("lihua", "plum-blossom-tea", "editor")

	a := admintab.Open(t, base)
	a.SignIn("lihua", "plum-blossom-tea")
	b := admintab.Open(t, base)
	b.SignIn("lihua", "plum-blossom-tea")

	a.Click(`#nav a[href="/admin/account"]`)
	a.WaitFor("我登录的设备")
	a.WaitJS(`document.querySelectorAll("#adm-sessions tbody tr").length === 2`, "two sessions listed")
	if got := a.Text(); !strings.Contains(got, "当前设备") || !strings.Contains(got, "王老师") {
		t.Fatalf("the account page:\n%s", got)
	}
	a.Shot("admin-account-1280")
	a.Audit("the account page")
	// End the other browser's session: the only row with a button.
	a.Click(`#adm-sessions tbody tr button`)
	a.WaitStatus("已结束该设备的登录")
	a.WaitJS(`document.querySelectorAll("#adm-sessions tbody tr").length === 1`, "one session left")
	b.Click(`#nav a[href="/admin/account"]`)
	b.WaitJS(`document.querySelector("#username")`, "the other browser is back at the sign-in form")
	if st := admintab.JS[float64](b, `fetch("/api/admin/v1/session", {credentials: "same-origin"}).then(r => r.status)`); st != 401 {
		t.Fatalf("the ended session still answers %v", st)
	}

	// A token, shown once.
	a.Submit(`form[aria-labelledby="adm-newtoken-h"]`, map[string]string{"name": "网站首页读取", "scope": "read"})
	a.WaitJS(`document.querySelector("dialog.adm-once[open]")`, "the token dialog")
	secret := admintab.JS[string](a, `document.getElementById("adm-secret").value`)
	if !strings.HasPrefix(secret, "ylt_") || !strings.Contains(a.Text()+admintab.JS[string](a, `document.querySelector("dialog.adm-once").innerText`), "不会再显示") {
		t.Fatalf("the dialog shows %q", secret)
	}
	a.Shot("admin-account-token-once")
	a.Audit("the token dialog")
	if st := bearer(t, base, "/api/admin/v1/stories", secret); st != http.StatusOK {
		t.Fatalf("the new token answers %d", st)
	}
	a.Click(`dialog.adm-once .actions button.primary`)
	a.WaitJS(`!document.querySelector("dialog.adm-once") && document.querySelector("#adm-tokens tbody tr")`, "the token listed")
	if admintab.JS[bool](a, `document.body.innerHTML.includes(`+jsString(secret)+`)`) {
		t.Fatal("the token is still in the page after its dialog closed")
	}
	if got := a.Text(); !strings.Contains(got, "网站首页读取") || !strings.Contains(got, "只读") {
		t.Fatalf("the token list:\n%s", got)
	}

	// The password: the server's rules are shown beside the field (in
	// Chinese); then a good one.
	form := `form[aria-labelledby="adm-password-h"]`
	a.Submit(form, map[string]string{"current_password": "plum-blossom-tea", "password": "short", "password_again": "short"})
	a.WaitJS(`document.querySelector(`+jsString(form+` [name=password][aria-invalid=true]`)+`)`, "the new password marked")
	if got := a.Text(); !strings.Contains(got, "至少需要 8 个字符") || strings.Contains(got, "must be at least") {
		t.Fatalf("the rule is not shown:\n%s", got)
	}
	a.Submit(form, map[string]string{"current_password": "wrong-password", "password": "autumn-chrysanthemum", "password_again": "autumn-chrysanthemum"})
	a.WaitJS(`document.querySelector(`+jsString(form+` [name=current_password][aria-invalid=true]`)+`)`, "the current password marked")
	a.Submit(form, map[string]string{"current_password": "plum-blossom-tea", "password": "autumn-chrysanthemum", "password_again": "autumn-chrysanthemu"})
	a.WaitFor("两次输入的新密码不一样")
	a.Shot("admin-account-password-errors")
	a.Submit(form, map[string]string{"current_password": "plum-blossom-tea", "password": "autumn-chrysanthemum", "password_again": "autumn-chrysanthemum"})
	a.WaitStatus("密码已修改")
	if st := bearer(t, base, "/api/admin/v1/stories", secret); st != http.StatusUnauthorized {
		t.Fatalf("after the password change the token answers %d", st)
	}
	a.Click("#signout")
	a.WaitFor("登录管理后台")
	a.SignIn("lihua", "autumn-chrysanthemum")
	a.Do(chromedp.EmulateViewport(768, 1024))
	a.Click(`#nav a[href="/admin/account"]`)
	a.WaitFor("我登录的设备")
	a.NoSidewaysScroll("the account page")
	a.Shot("admin-account-768")
	s.Do("POST", "/api/admin/v1/session", "", map[string]any{"username": "lihua", "password": "plum-blossom-tea"}).Problem(http.StatusUnauthorized)
}

// jsString quotes s for a script.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// TestBrowserAdminUsers: an administrator creates a user with two roles
// (a bad username first: the server's rule beside the field, the rest of
// the form kept), who can then sign in; on the user's page sees their
// sessions and token, revokes the token, signs them out everywhere,
// resets their password (they sign in with the new one), and changes
// their display name and roles.
func TestBrowserAdminUsers(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Click(`#nav a[href="/admin/manage"]`)
	a.WaitFor("新建用户")
	form := `form[aria-labelledby="adm-newuser-h"]`
	a.Click(form + ` input[name=roles][value=publisher]`)
	a.Submit(form, map[string]string{"username": "Zhao Ming!", "display_name": "赵明", "password": "winter-plum-2026"})
	a.WaitJS(`document.querySelector(`+jsString(form+` [name=username][aria-invalid=true]`)+`)`, "the username marked")
	if v := admintab.JS[string](a, `document.querySelector(`+jsString(form+` [name=display_name]`)+`).value`); v != "赵明" {
		t.Fatalf("the form lost the display name: %q", v)
	}
	a.Shot("admin-users-error")
	a.Submit(form, map[string]string{"username": "zhaoming"})
	a.WaitStatus("已创建用户 zhaoming")
	a.WaitJS(`document.querySelector('a[href^="/admin/manage/users/"]') && [...document.querySelectorAll("main tbody tr")].some(r => r.innerText.includes("zhaoming"))`, "the user listed")
	if got := a.Text(); !strings.Contains(got, "发布人、编辑") {
		t.Fatalf("the users list:\n%s", got)
	}
	a.Shot("admin-users-1280")
	a.Audit("the users page")

	b := admintab.Open(t, base)
	b.SignIn("zhaoming", "winter-plum-2026")
	session := s.Login("zhaoming", "winter-plum-2026")
	tok := s.Do("POST", "/api/admin/v1/tokens", session, map[string]any{"name": "同步工具", "scope": "write"}).Want(http.StatusCreated).Field("token").(string)

	a.Do(chromedp.Click(chromedp.Search(`//a[text()="zhaoming"]`)))
	a.WaitFor("编辑用户 zhaoming")
	a.WaitFor("同步工具")
	if n := admintab.JS[int](a, `document.querySelectorAll('section[aria-labelledby="adm-usess-h"] table')[0].tBodies[0].rows.length`); n != 2 {
		t.Fatalf("%d sessions listed, want 2:\n%s", n, a.Text())
	}
	a.Shot("admin-user-1280")
	a.Audit("a user's page")
	a.Click(`section[aria-labelledby="adm-usess-h"] tbody button`) // the token's revoke button
	a.Confirm()
	a.WaitStatus("令牌已作废")
	if st := bearer(t, base, "/api/admin/v1/stories", tok); st != http.StatusUnauthorized {
		t.Fatalf("the revoked token answers %d", st)
	}
	a.WaitFor("编辑用户 zhaoming")
	a.Do(chromedp.Click(chromedp.Search(`//button[text()="让此用户在所有设备退出"]`)))
	a.Confirm()
	a.WaitStatus("其他设备都已退出登录")
	if st := admintab.JS[float64](b, `fetch("/api/admin/v1/session", {credentials: "same-origin"}).then(r => r.status)`); st != 401 {
		t.Fatalf("the user's browser is still signed in: %v", st)
	}
	a.WaitFor("编辑用户 zhaoming")
	a.Submit(`form[aria-labelledby="adm-reset-h"]`, map[string]string{"password": "spring-bamboo-88"})
	a.WaitStatus("密码已重设")
	b.Open("/admin/")
	b.SignIn("zhaoming", "spring-bamboo-88")

	a.WaitFor("编辑用户 zhaoming")
	edit := `form[aria-labelledby="adm-edituser-h"]`
	a.Click(edit + ` input[name=roles][value=organizer]`)
	a.Submit(edit, map[string]string{"display_name": "赵明老师"})
	a.WaitStatus("用户已保存")
	users := s.Do("GET", "/api/admin/v1/users", s.Token, nil).Want(http.StatusOK)
	if !strings.Contains(string(users.Body), `"display_name":"赵明老师","roles":["publisher","editor","organizer"]`) {
		t.Fatalf("the user was not changed: %s", users.Body)
	}
	// Disabled, the user cannot sign in, and the list says so.
	a.WaitFor("编辑用户 zhaoming")
	a.Click(edit + ` input[name=disabled]`)
	a.Submit(edit, nil)
	a.WaitStatus("用户已保存")
	s.Do("POST", "/api/admin/v1/session", "", map[string]any{"username": "zhaoming", "password": "spring-bamboo-88"}).Problem(http.StatusUnauthorized)
	a.Click(`.adm-sub a[href="/admin/manage/users"]`)
	a.WaitFor("已停用")
	a.Do(chromedp.EmulateViewport(768, 1024))
	a.NoSidewaysScroll("the users page")
	a.Shot("admin-users-768")
}

// TestBrowserAdminColumnsAndAudit: an administrator creates a column (a
// bad key first, refused beside the field), edits it, is told clearly
// why a column holding stories cannot be deleted, deletes the new one;
// then filters the audit log by action, target and a Beijing-time range
// and sees the column's creation, and pages through with the cursor.
func TestBrowserAdminColumnsAndAudit(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	s.CreateStory(map[string]any{"title": "重阳节登高活动纪实", "column": "culture"})
	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/manage/columns")
	a.WaitFor("新建栏目")
	form := `form[aria-labelledby="adm-colform-h"]`
	a.Submit(form, map[string]string{"key": "Retiree Voices", "name": "银发心声", "description": "老同志的来信和回忆", "order": "70"})
	a.WaitJS(`document.querySelector(`+jsString(form+` [name=key][aria-invalid=true]`)+`)`, "the key marked")
	a.Submit(form, map[string]string{"key": "retiree-voices"})
	a.WaitStatus("已创建栏目“银发心声”")
	a.WaitJS(`[...document.querySelectorAll("main tbody tr")].some(r => r.innerText.includes("retiree-voices"))`, "the column listed")
	a.Shot("admin-columns-1280")
	a.Audit("the columns page")

	a.Click(`button[aria-label="编辑栏目“银发心声”"]`)
	a.WaitFor("编辑栏目“银发心声”")
	if admintab.JS[bool](a, `!document.querySelector(`+jsString(form+` [name=key]`)+`).disabled`) {
		t.Fatal("the key of a column can be edited")
	}
	a.Submit(form, map[string]string{"name": "银发心声录", "order": "15"})
	a.WaitStatus("栏目“银发心声录”已保存")
	cols := s.Do("GET", "/api/admin/v1/columns", s.Token, nil).Want(http.StatusOK)
	if !strings.Contains(string(cols.Body), `"key":"retiree-voices","name":"银发心声录","description":"老同志的来信和回忆","order":15,"in_menu":true,"version":2`) {
		t.Fatalf("the column was not changed: %s", cols.Body)
	}

	a.Click(`button[aria-label="删除栏目“文化生活”"]`)
	a.Confirm()
	a.WaitFor("栏目“文化生活”里还有报道，不能删除")
	if got := a.Text(); !strings.Contains(got, "重阳节登高活动纪实") {
		t.Fatalf("the refusal does not say which story:\n%s", got)
	}
	a.Shot("admin-columns-in-use")
	a.Click(`button[aria-label="删除栏目“银发心声录”"]`)
	a.Confirm()
	a.WaitStatus("已删除栏目“银发心声录”")

	// 55 changes to one column make two pages of the log.
	v := 1
	for i := range 55 {
		s.Do("PUT", "/api/admin/v1/columns/services", s.Token, map[string]any{"name": "服务关怀", "order": 50 + i, "version": v}).Want(http.StatusOK)
		v++
	}
	a.Click(`.adm-sub a[href="/admin/manage/audit"]`)
	a.WaitFor("筛选")
	beijing := time.FixedZone("CST", 8*3600)
	filters := `form.adm-filters`
	a.Submit(filters, map[string]string{"action": "created", "target": "column:retiree-voices",
		"from": time.Now().In(beijing).Add(-time.Hour).Format("2006-01-02T15:04"), "to": time.Now().In(beijing).Add(time.Hour).Format("2006-01-02T15:04")})
	a.WaitFor("column created: 银发心声")
	if n := admintab.JS[int](a, `document.querySelectorAll("main tbody tr").length`); n != 1 {
		t.Fatalf("%d entries for the filter:\n%s", n, a.Text())
	}
	if got := a.Text(); !strings.Contains(got, "admin") || !strings.Contains(got, "创建") || !strings.Contains(got, "北京时间") {
		t.Fatalf("the audit entry:\n%s", got)
	}
	if q := admintab.JS[string](a, `location.search`); !strings.Contains(q, "from=") || !strings.Contains(q, "%2B08%3A00") {
		t.Fatalf("the range is not sent in Beijing time: %s", q)
	}
	a.Shot("admin-audit-1280")
	a.Audit("the audit log")
	// A range that ended an hour ago holds nothing.
	a.Submit(filters, map[string]string{"from": time.Now().In(beijing).Add(-3 * time.Hour).Format("2006-01-02T15:04"), "to": time.Now().In(beijing).Add(-time.Hour).Format("2006-01-02T15:04")})
	a.WaitFor("没有符合条件的记录")

	a.Open("/admin/manage/audit?action=updated&target=column:services")
	a.WaitFor("下一页")
	if n := admintab.JS[int](a, `document.querySelectorAll("main tbody tr").length`); n != 50 {
		t.Fatalf("the first page has %d entries", n)
	}
	a.Do(chromedp.Click(chromedp.Search(`//a[text()="下一页 →"]`)))
	a.WaitFor("回到第一页")
	a.WaitJS(`document.querySelectorAll("main tbody tr").length === 5`, "the second page's 5 entries")
	if strings.Contains(a.Text(), "下一页") {
		t.Fatal("the last page offers a next one")
	}
	a.Do(chromedp.EmulateViewport(768, 1024))
	a.NoSidewaysScroll("the audit log")
	a.Shot("admin-audit-768")
}

// TestBrowserAdminWebhooksAndExport: an administrator sees the webhook
// endpoints (name, URL, events; never the secret) with their recent
// deliveries; downloads an export with a progress bar whose manifest,
// shown in the page, lists the counts; and is shown the import command
// (imports need an empty store: the command line only).
func TestBrowserAdminWebhooksAndExport(t *testing.T) {
	t.Parallel()
	hooks := sitetest.NewHookReceiver(t)
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithWebhooks(syndication.Endpoint{Name: "校园大屏", URL: hooks.URL + "/yinling", Secret: hooks.Secret, Events: []string{"video.*"}}))
	base := s.Listen()
	s.CreateStory(map[string]any{"title": "重阳节登高活动纪实", "column": "culture"})
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "登高", "video": clip["id"],
		"channels": []string{"webhook"}}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	s.RunOutbox()

	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/manage/webhooks")
	a.WaitFor("校园大屏")
	a.WaitFor("已送达")
	got := a.Text()
	for _, want := range []string{hooks.URL + "/yinling", "video.*", "已设置（不显示）", "重阳登高", "video.published"} {
		if !strings.Contains(got, want) {
			t.Errorf("the webhooks page lacks %q:\n%s", want, got)
		}
	}
	if HTML := admintab.JS[string](a, `document.documentElement.outerHTML`); strings.Contains(HTML, hooks.Secret[6:]) {
		t.Fatal("the webhooks page holds the secret")
	}
	a.Shot("admin-webhooks-1280")
	a.Audit("the webhooks page")

	a.Click(`.adm-sub a[href="/admin/manage/backup"]`)
	a.WaitFor("yinling import --data-dir")
	a.Click("#adm-export-start")
	a.WaitFor("导出完成")
	a.WaitJS(`document.getElementById("adm-export-save")`, "the save link")
	// The bar ends where the bytes unpacked meet the length announced.
	if bar := admintab.JS[[]float64](a, `[document.getElementById("adm-export-bar").value, document.getElementById("adm-export-bar").max]`); bar[0] != bar[1] || bar[1] < 10_000 {
		t.Fatalf("the progress bar stands at %v of %v", bar[0], bar[1])
	}
	shown := a.Text()
	if !strings.Contains(shown, "报道\t1") || !strings.Contains(shown, "短视频\t1") || !strings.Contains(shown, "2 个媒体文件") && !strings.Contains(shown, "1 个媒体文件") {
		t.Fatalf("the page does not show the manifest's counts:\n%s", shown)
	}
	a.Shot("admin-export-1280")
	a.Audit("the export page")
	// Save it as a person would: the browser downloads the file.
	dir := t.TempDir()
	a.Do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	}))
	name := admintab.JS[string](a, `document.getElementById("adm-export-save").getAttribute("download")`)
	if !regexp.MustCompile(`^yinling-export-\d{8}-\d{6}\.tar\.gz$`).MatchString(name) {
		t.Fatalf("the file is called %q", name)
	}
	a.Click("#adm-export-save")
	var body []byte
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil && len(b) > 0 {
			body = b
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the browser saved no %s", name)
		}
	}
	files, m, _ := sitetest.ReadExport(t, body)
	counts := map[string]int64{}
	for _, c := range m.Collections {
		counts[c.Name] = c.Count
	}
	if counts["stories"] != 1 || counts["videos"] != 1 || counts["users"] != 1 || len(m.Media) != len(files)-len(m.Collections)-1 || len(m.Media) == 0 {
		t.Fatalf("the downloaded export: %d files, manifest %+v", len(files), m)
	}
	if !strings.Contains(shown, fmt.Sprintf("%d 个媒体文件", len(m.Media))) || !strings.Contains(shown, "yinling import --data-dir /srv/yinling-new "+name) {
		t.Fatalf("the page's media count differs from the manifest's %d:\n%s", len(m.Media), shown)
	}
	log := s.Do("GET", "/api/admin/v1/audit?action=exported", s.Token, nil).Want(http.StatusOK)
	if !strings.Contains(string(log.Body), `"actor":"admin"`) {
		t.Fatalf("the export is not in the audit log: %s", log.Body)
	}

	// The downloaded file checked on the server as an import would; then
	// one with a record altered.
	verify := `form[aria-labelledby="adm-verify-h"]`
	a.Do(chromedp.SetUploadFiles(chromedp.CSS(verify+` input[type=file]`), []string{filepath.Join(dir, name)}),
		chromedp.Click(chromedp.CSS(verify+` button[type=submit]`)))
	a.WaitFor("文件完整，可以用于导入")
	if got := a.Text(); !strings.Contains(got, name+"：导出于") || !strings.Contains(got, fmt.Sprintf("%d 个媒体文件", len(m.Media))) {
		t.Fatalf("the check of the export:\n%s", got)
	}
	a.Shot("admin-export-verified")
	altered := filepath.Join(t.TempDir(), "altered.tar.gz")
	if err := os.WriteFile(altered, sitetest.Repack(t, body, func(n string, b []byte) []byte {
		if n == "collections/stories.jsonl" {
			return bytes.Replace(b, []byte("重阳节"), []byte("中秋节"), 1)
		}
		return b
	}), 0o600); err != nil {
		t.Fatal(err)
	}
	a.Do(chromedp.SetUploadFiles(chromedp.CSS(verify+` input[type=file]`), []string{altered}),
		chromedp.Click(chromedp.CSS(verify+` button[type=submit]`)))
	a.WaitFor("这个文件不能用于导入")
	if got := a.Text(); !strings.Contains(got, "collections/stories.jsonl") || strings.Contains(got, "文件完整，可以用于导入") {
		t.Fatalf("the check of an altered export:\n%s", got)
	}
	a.Audit("the export page after a failed check")

	a.Do(chromedp.EmulateViewport(768, 1024))
	a.NoSidewaysScroll("the export page")
	a.Shot("admin-export-768")
}
