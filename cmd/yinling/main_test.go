package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv"
)

// TestMain checks every exchange with the servers the tests start
// against the OpenAPI document (sitetest.CheckHTTP).
func TestMain(m *testing.M) {
	sitetest.CheckHTTP()
	testenv.Main(m)
}

// syncBuffer is an io.Writer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestVersionAndUsage(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"yinling", "version"}, envOf(nil), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "yinling ") {
		t.Fatalf("version printed %q", out.String())
	}
	if err := run(context.Background(), []string{"yinling", "frobnicate"}, envOf(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("unknown command: err = %v", err)
	}
}

func TestBadConfigurationStopsWithTheVariableNamed(t *testing.T) {
	err := run(context.Background(), []string{"yinling", "serve"}, envOf(map[string]string{"YINLING_S3_TLS": "maybe"}), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "YINLING_S3_TLS") {
		t.Fatalf("err = %v, want one naming YINLING_S3_TLS", err)
	}
}

// server runs `yinling serve` in the background and returns its base URL
// and a function that stops it (as SIGTERM would) and returns run's error.
func server(t *testing.T, env map[string]string) (string, *syncBuffer, func() error) {
	t.Helper()
	env["YINLING_ADDR"] = "127.0.0.1:0"
	if env["YINLING_DATA_DIR"] == "" {
		env["YINLING_DATA_DIR"] = t.TempDir()
	}
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"yinling"}, envOf(env), out) }()
	addr := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			var once sync.Once
			var err error
			stop := func() error {
				once.Do(func() { cancel(); err = <-done })
				return err
			}
			t.Cleanup(func() { _ = stop() })
			return "http://" + m[1], out, stop
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("the server stopped: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("the server did not start:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func call(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

func TestServeEndToEnd(t *testing.T) {
	modes := map[string]func(t *testing.T) map[string]string{
		"embedded database and disk media": func(t *testing.T) map[string]string { return map[string]string{} },
		"MongoDB protocol and S3 servers": func(t *testing.T) map[string]string {
			srv, bucket := testenv.S3(t)
			return map[string]string{
				"YINLING_MONGO_URI": testenv.MongoURI(t), "YINLING_MONGO_DB": "e2e_" + strings.ReplaceAll(bucket, "-", "_"),
				"YINLING_S3_ENDPOINT": srv.Endpoint, "YINLING_S3_ACCESS_KEY": srv.AccessKey,
				"YINLING_S3_SECRET_KEY": srv.SecretKey, "YINLING_S3_BUCKET": bucket + "-app",
			}
		},
	}
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			env := mode(t)
			env["YINLING_ADMIN_PASSWORD"] = "correct-horse-battery"
			base, out, stop := server(t, env)
			if !strings.Contains(out.String(), "created the administrator") {
				t.Fatalf("start-up did not say how to sign in:\n%s", out.String())
			}
			if env["YINLING_MONGO_URI"] == "" && !strings.Contains(out.String(), "embedded SQLite") {
				t.Fatalf("start-up did not say the mode:\n%s", out.String())
			}
			if st, _ := call(t, "GET", base+"/readyz", "", nil); st != 200 {
				t.Fatalf("readyz = %d", st)
			}
			st, login := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
			if st != 201 {
				t.Fatalf("login = %d %v", st, login)
			}
			token := login["token"].(string)

			cover := uploadPNG(t, base, token)
			st, story := call(t, "POST", base+"/api/admin/v1/stories", token, map[string]any{
				"title": "乐老学院开学典礼", "body": "今天，\n乐老学院开学了！", "column": "culture", "cover": cover,
			})
			if st != 201 {
				t.Fatalf("create = %d %v", st, story)
			}
			if st, _ := call(t, "POST", base+"/api/admin/v1/stories/"+story["id"].(string)+"/publish", token, nil); st != 200 {
				t.Fatalf("publish = %d", st)
			}
			st, live := call(t, "GET", base+"/api/content/v1/stories/le-lao-xue-yuan-kai-xue-dian-li", "", nil)
			if st != 200 || live["body_html"] != "<p>今天，乐老学院开学了！</p>" {
				t.Fatalf("live = %d %v", st, live)
			}
			res, err := http.Get(base + "/media/" + cover)
			if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("media: %v %v", res, err)
			}
			res.Body.Close()
			if err := stop(); err != nil {
				t.Fatalf("shutdown: %v", err)
			}
		})
	}
}

func uploadPNG(t *testing.T, base, token string) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("file", "dot.png")
	if err := png.Encode(w, image.NewGray(image.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/admin/v1/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var a map[string]any
	_ = json.NewDecoder(res.Body).Decode(&a)
	if res.StatusCode != 201 {
		t.Fatalf("upload = %d %v", res.StatusCode, a)
	}
	return a["id"].(string)
}

// TestShutdownFinishesRequestsInFlight starts an upload, asks the server to
// stop half-way, and checks the upload still completes.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	dataDir := t.TempDir()
	base, out, stop := server(t, map[string]string{"YINLING_ADMIN_PASSWORD": "correct-horse-battery", "YINLING_DATA_DIR": dataDir})
	defer func() {
		if t.Failed() {
			t.Log(out.String())
		}
	}()
	_, login := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
	token := login["token"].(string)

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	result := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", base+"/api/admin/v1/media", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("upload in flight: %v", err)
			result <- 0
			return
		}
		res.Body.Close()
		result <- res.StatusCode
	}()
	part, _ := mw.CreateFormFile("file", "talk.pdf")
	_, _ = part.Write([]byte("%PDF-1.4\n"))
	_, _ = part.Write(bytes.Repeat([]byte("% padding\n"), 100_000))

	// The request is in flight once the server spools its file.
	deadline := time.Now().Add(20 * time.Second)
	for {
		spooled, _ := filepath.Glob(filepath.Join(dataDir, "media", "tmp", "upload-*"))
		if len(spooled) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server never started on the upload")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(300 * time.Millisecond) // the server is now shutting down
	_, _ = part.Write(bytes.Repeat([]byte("% more\n"), 100_000))
	_, _ = io.WriteString(part, "%%EOF\n")
	_ = mw.Close()
	_ = pw.Close()

	if st := <-result; st != http.StatusCreated {
		t.Fatalf("the upload in flight got %d, want 201", st)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

func TestUserAdd(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := runWith(context.Background(), []string{"yinling", "user", "add", "--role", "editor", "--data-dir", dir, "wanglaoshi"},
		envOf(nil), strings.NewReader("a-long-password\n"), &out)
	if err != nil {
		t.Fatalf("user add: %v\n%s", err, out.String())
	}
	err = runWith(context.Background(), []string{"yinling", "user", "add", "--data-dir", dir, "short"},
		envOf(nil), strings.NewReader("short\n"), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("a short password: err = %v", err)
	}
	err = runWith(context.Background(), []string{"yinling", "user", "passwd", "--data-dir", dir, "wanglaoshi"},
		envOf(nil), strings.NewReader("another-long-password\n"), io.Discard)
	if err != nil {
		t.Fatalf("user passwd: %v", err)
	}
	base, _, stop := server(t, map[string]string{"YINLING_DATA_DIR": dir})
	if st, _ := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "wanglaoshi", "password": "a-long-password"}); st != 401 {
		t.Fatalf("the old password still works: %d", st)
	}
	st, login := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "wanglaoshi", "password": "another-long-password"})
	if st != 201 || login["user"].(map[string]any)["roles"].([]any)[0] != "editor" {
		t.Fatalf("login as the new user: %d %v", st, login)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := runWith(context.Background(), []string{"yinling", "user", "disable", "--data-dir", dir, "wanglaoshi"}, envOf(nil), nil, io.Discard); err != nil {
		t.Fatalf("user disable: %v", err)
	}
	if err := runWith(context.Background(), []string{"yinling", "user", "disable", "--data-dir", dir, "nobody"}, envOf(nil), nil, io.Discard); err == nil {
		t.Fatal("disabling an unknown user succeeded")
	}
	base, _, _ = server(t, map[string]string{"YINLING_DATA_DIR": dir})
	if st, _ := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "wanglaoshi", "password": "another-long-password"}); st != 401 {
		t.Fatalf("a disabled user signed in: %d", st)
	}
}

func TestABrokenThemeStopsTheServerNamingTheFileAndLine(t *testing.T) {
	theme := t.TempDir()
	if err := os.MkdirAll(filepath.Join(theme, "layouts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(theme, "layouts", "home.html"), []byte("{{define \"main\"}}\n<p>{{.Title</p>\n{{end}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"YINLING_THEME_DIR": theme, "YINLING_DATA_DIR": t.TempDir(), "YINLING_ADDR": "127.0.0.1:0",
		"YINLING_ADMIN_PASSWORD": "a-long-enough-password"}
	err := run(context.Background(), []string{"yinling", "serve"}, envOf(env), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "YINLING_THEME_DIR") || !strings.Contains(err.Error(), "layouts/home.html:2") {
		t.Fatalf("err = %v, want the variable, file and line named", err)
	}
	env["YINLING_THEME_DIR"] = filepath.Join(theme, "missing")
	if err := run(context.Background(), []string{"yinling", "serve"}, envOf(env), io.Discard); err == nil || !strings.Contains(err.Error(), "YINLING_THEME_DIR") {
		t.Fatalf("a missing theme folder: %v", err)
	}
}

// TestAnEmptySiteSaysHowToCreateTheAdministrator: started with no user
// and no YINLING_ADMIN_PASSWORD, the server says to stop it and gives a
// command that works the way it was started.
func TestAnEmptySiteSaysHowToCreateTheAdministrator(t *testing.T) {
	_, out, stop := server(t, map[string]string{})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"no users yet", "Stop the server", "YINLING_ADMIN_PASSWORD", "| yinling user add --role admin admin"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("start-up of an empty site does not say %q:\n%s", want, out.String())
		}
	}
	for arg0, want := range map[string]string{
		"/tmp/go-build2853718151/b001/exe/yinling": "go run ./cmd/yinling",
		"./yinling":              "./yinling",
		"/usr/local/bin/yinling": "/usr/local/bin/yinling",
		"":                       "yinling",
	} {
		if got := commandName(arg0); got != want {
			t.Errorf("commandName(%q) = %q, want %q", arg0, got, want)
		}
	}
}

func TestSampleCommand(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := runWith(context.Background(), []string{"yinling", "sample", "load", "--data-dir", dir}, envOf(nil), nil, &out); err != nil {
		t.Fatalf("sample load: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "9 items") {
		t.Fatalf("sample load said %q", out.String())
	}
	if err := runWith(context.Background(), []string{"yinling", "sample", "load", "--data-dir", dir}, envOf(nil), nil, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "loaded already") {
		t.Fatalf("a second load: %v", err)
	}
	base, _, stop := server(t, map[string]string{"YINLING_DATA_DIR": dir})
	if st, body := get(t, base+"/stories/sample-autumn-walk"); st != 200 || !strings.Contains(body, "【示例】") {
		t.Fatalf("the sample story: %d", st)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runWith(context.Background(), []string{"yinling", "sample", "remove", "--data-dir", dir}, envOf(nil), nil, &out); err != nil {
		t.Fatalf("sample remove: %v", err)
	}
	if !strings.Contains(out.String(), "removed the sample content: 9 items, 1 lecture series, 10 media files") {
		t.Fatalf("sample remove said %q", out.String())
	}
	base, _, _ = server(t, map[string]string{"YINLING_DATA_DIR": dir})
	if st, _ := get(t, base+"/stories/sample-autumn-walk"); st != 404 {
		t.Fatalf("the sample story after removal: %d", st)
	}
}

// get answers a page's status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
