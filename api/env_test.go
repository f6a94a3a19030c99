package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/douyinapi/douyintest"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/themes"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const (
	adminPassword = "correct-horse-battery"
	baseURL       = "https://ltx.example.edu"
)

// site is one test's Yinling: its own database and bucket, the real app.
type site struct {
	t     testing.TB
	app   *fiber.App
	store *teststore.Store
	blobs media.BlobStore
	token string // the administrator's bearer token
	// listener, when set (atLoopback), is where listen serves.
	listener net.Listener
	// outbox is the syndication outbox; tests run it with RunDue.
	outbox *syndication.Outbox
	// douyin is the site's Douyin stand-in (authorise with authorizeDouyin).
	douyin *douyintest.Server
	// searcher syncs the search index (withSearch).
	searcher *search.Syncer
	// stories is the stories service (RunDue publishes what is due).
	stories *stories.Service
}

type siteOption func(*siteConfig)

type siteConfig struct {
	uploadLimit   int64
	store         *teststore.Store
	s3            *testenv.S3Server
	bucket        string
	noCache       bool
	proxies       []string
	origins       []string
	timeout       time.Duration
	headerTimeout time.Duration
	metricsToken  string
	idleTimeout   time.Duration
	keepRevisions int
	theme         *themes.Theme
	listener      net.Listener
	webhooks      []syndication.Endpoint
	diskMedia     bool
	search        bool
	base          string
	regLimit      int
	log           io.Writer
	uploadCaps    [2]int // open big uploads: per user, in total (0: the defaults)
}

// withRegistrationLimit lets one address send n registrations in ten
// minutes.
func withRegistrationLimit(n int) siteOption { return func(c *siteConfig) { c.regLimit = n } }

// withSearch gives the site its search index (tests sync it with
// s.syncSearch).
func withSearch() siteOption { return func(c *siteConfig) { c.search = true } }

// syncSearch brings the search index up to date, as the syncer does
// within a second of a change.
func (s *site) syncSearch() {
	s.t.Helper()
	if _, _, err := s.searcher.Sync(context.Background()); err != nil {
		s.t.Fatal(err)
	}
}

// withBaseURL serves the site at base instead of baseURL.
func withBaseURL(base string) siteOption { return func(c *siteConfig) { c.base = base } }

// withLog writes the server's and the outbox's log, every level (the
// access log too), to w (errors only, to stderr, without it).
func withLog(w io.Writer) siteOption { return func(c *siteConfig) { c.log = w } }

// withUploadCaps caps the big uploads open at once, per user and in total.
func withUploadCaps(perUser, total int) siteOption {
	return func(c *siteConfig) { c.uploadCaps = [2]int{perUser, total} }
}

// withDiskMedia keeps media on the local-disk store instead of S3.
func withDiskMedia() siteOption { return func(c *siteConfig) { c.diskMedia = true } }

// withWebhooks sends webhooks to these endpoints.
func withWebhooks(eps ...syndication.Endpoint) siteOption {
	return func(c *siteConfig) { c.webhooks = eps }
}

// atLoopback listens on a loopback port from the start and makes that
// address the public base URL, so a browser fetches media, tracks and
// links from the server itself (listen then serves on it).
func atLoopback(t testing.TB) siteOption {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return func(c *siteConfig) { c.listener = ln }
}

// withTheme renders the website with th.
func withTheme(th *themes.Theme) siteOption { return func(c *siteConfig) { c.theme = th } }

// withKeepRevisions sets how many revisions are kept per item.
func withKeepRevisions(n int) siteOption { return func(c *siteConfig) { c.keepRevisions = n } }

// withMetricsToken makes /metrics ask for a bearer token.
func withMetricsToken(tok string) siteOption { return func(c *siteConfig) { c.metricsToken = tok } }

// withConnTimeouts sets how long headers may take and a connection idle.
func withConnTimeouts(header, idle time.Duration) siteOption {
	return func(c *siteConfig) { c.headerTimeout, c.idleTimeout = header, idle }
}

// withRequestTimeout sets the deadline of every request.
func withRequestTimeout(d time.Duration) siteOption { return func(c *siteConfig) { c.timeout = d } }

// withCORS lets these origins read the content API.
func withCORS(o ...string) siteOption { return func(c *siteConfig) { c.origins = o } }

// withTrustedProxies trusts X-Real-IP from these addresses.
func withTrustedProxies(p ...string) siteOption { return func(c *siteConfig) { c.proxies = p } }

// withoutReadCache turns the content API's read cache off.
func withoutReadCache() siteOption { return func(c *siteConfig) { c.noCache = true } }

// withUploadLimit sets the largest upload, in bytes (without it, the
// configuration's default, as `yinling serve` has it).
func withUploadLimit(n int64) siteOption { return func(c *siteConfig) { c.uploadLimit = n } }

// withStore uses store instead of a fresh one (two instances sharing a
// database).
func withStore(store *teststore.Store) siteOption { return func(c *siteConfig) { c.store = store } }

// withS3 uses the bucket of srv instead of one of the shared server.
func withS3(srv testenv.S3Server, bucket string) siteOption {
	return func(c *siteConfig) { c.s3, c.bucket = &srv, bucket }
}

func newSite(t testing.TB, opts ...siteOption) *site {
	t.Helper()
	var cfg siteConfig
	for _, o := range opts {
		o(&cfg)
	}
	ctx := context.Background()
	store := cfg.store
	if store == nil {
		store = teststore.Open(t)
	}
	var srv testenv.S3Server
	var bucket string
	if cfg.s3 != nil {
		srv, bucket = *cfg.s3, cfg.bucket
	} else {
		srv, bucket = testenv.S3(t)
	}
	s3, err := blobstore.NewS3(blobstore.S3Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	var blobs media.BlobStore = s3
	if cfg.diskMedia {
		disk, err := blobstore.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = disk.Close() })
		blobs = disk
	}
	stand := douyintest.New()
	t.Cleanup(stand.Close)
	conf := siteSettings(t, cfg, stand)
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	if cfg.log != nil {
		logger = slog.New(slog.NewTextHandler(cfg.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	// No snapshot to export from: nothing writes during the tests that
	// export.
	export := func(context.Context) (backup.Source, string, func() error, error) {
		src, _ := store.Stores.Store.(backup.Source)
		return src, teststore.Name(), func() error { return nil }, nil
	}
	a, err := assembly.New(ctx, conf, assembly.Stores{DB: store, Kinds: store.Kinds, Blobs: blobs, Export: export}, assembly.Options{
		Logger: logger, DouyinClient: &http.Client{Timeout: 5 * time.Second}, DouyinReviewPoll: time.Millisecond, OutboxBackoff: time.Millisecond,
		UploadLimit: cfg.uploadLimit, UploadCaps: cfg.uploadCaps, TempDir: t.TempDir(), Theme: cfg.theme,
		HeaderTimeout: cfg.headerTimeout, IdleTimeout: cfg.idleTimeout, NoReadCache: cfg.noCache, NoSearch: !cfg.search})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	if _, err := a.Accounts.Bootstrap(ctx, "admin", adminPassword); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	var searcher *search.Syncer
	if cfg.search {
		if searcher, err = a.OpenSearch(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s := &site{t: t, app: a.HTTP, store: store, blobs: blobs, listener: cfg.listener, outbox: a.Syndication.Outbox,
		douyin: stand, searcher: searcher, stories: a.Stories}
	if cfg.timeout == 0 {
		s.token = s.login("admin", adminPassword)
	}
	return s
}

// siteSettings is the configuration `yinling serve` would read with no
// variable set, and what the options change of it: the Douyin app is the
// stand-in, its tokens sealed under a fixed key.
func siteSettings(t testing.TB, cfg siteConfig, stand *douyintest.Server) config.Config {
	t.Helper()
	conf, err := config.Load("serve", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	conf.BaseURL = baseURL
	if cfg.base != "" {
		conf.BaseURL = cfg.base
	}
	if cfg.listener != nil {
		conf.BaseURL = "http://" + cfg.listener.Addr().String()
	}
	conf.DataDir = t.TempDir()
	if cfg.keepRevisions != 0 {
		conf.KeepRevisions = cfg.keepRevisions
	}
	if cfg.regLimit != 0 {
		conf.RegistrationLimit = cfg.regLimit
	}
	if cfg.timeout != 0 {
		conf.RequestTimeout = cfg.timeout
	}
	conf.TrustedProxies, conf.CORSOrigins, conf.MetricsToken = cfg.proxies, cfg.origins, cfg.metricsToken
	conf.DouyinBaseURL, conf.DouyinClientKey, conf.DouyinClientSecret = stand.URL, stand.ClientKey, stand.ClientSecret
	conf.SecretKey = bytes.Repeat([]byte("k"), 32)
	if len(cfg.webhooks) > 0 {
		hooks, err := json.Marshal(cfg.webhooks)
		if err != nil {
			t.Fatal(err)
		}
		conf.Webhooks = string(hooks)
	}
	return conf
}

// listen serves the app on a loopback port (for requests that app.Test
// cannot carry: bodies the server stops reading, streams of hundreds of
// MB) and returns its base URL.
func (s *site) listen() string {
	s.t.Helper()
	ln := s.listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			s.t.Fatal(err)
		}
	}
	go func() { _ = s.app.Listener(ln) }()
	s.t.Cleanup(func() { _ = s.app.Shutdown() })
	return "http://" + ln.Addr().String()
}

// with returns the site reporting to t (for subtests).
func (s *site) with(t testing.TB) *site {
	c := *s
	c.t = t
	return &c
}

func (s *site) login(user, password string) string {
	s.t.Helper()
	r := s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": user, "password": password})
	r.want(http.StatusCreated)
	return r.field("token").(string)
}

// resp is an answer with its body read.
type resp struct {
	t      testing.TB
	status int
	header http.Header
	body   []byte
}

func (r resp) want(status int) resp {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
	return r
}

func (r resp) json() map[string]any {
	r.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		r.t.Fatalf("answer is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

func (r resp) field(name string) any { return r.json()[name] }

// problem checks a problem+json answer and returns it.
func (r resp) problem(status int) map[string]any {
	r.t.Helper()
	r.want(status)
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		r.t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.body)
	}
	p := r.json()
	if p["status"] != float64(status) || p["title"] == "" || p["detail"] == "" {
		r.t.Fatalf("incomplete problem: %s", r.body)
	}
	for _, leak := range []string{"mongo", "connection", "dial tcp", "goroutine", "minio", "server selection"} {
		if strings.Contains(strings.ToLower(string(r.body)), leak) {
			r.t.Fatalf("problem leaks %q: %s", leak, r.body)
		}
	}
	return p
}

// fieldErrors lists the fields named by a validation problem.
func fieldErrors(p map[string]any) []string {
	var out []string
	errs, _ := p["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any)["field"].(string))
	}
	return out
}

// do sends a request through the app in-process; body is JSON-encoded
// unless it is a string or []byte (sent as is, as JSON).
func (s *site) do(method, path, token string, body any, headers ...string) resp {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
			continue
		}
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	return s.send(req)
}

func (s *site) send(req *http.Request) resp {
	s.t.Helper()
	res, err := s.app.Test(req, -1)
	if err != nil {
		s.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp{t: s.t, status: res.StatusCode, header: res.Header, body: b}
}

// createStory makes a draft and returns its JSON.
func (s *site) createStory(fields map[string]any) map[string]any {
	s.t.Helper()
	body := map[string]any{"title": "银龄之窗：老教授的养生课", "body": "正文，\n第二行", "column": "silver-window", "tags": []string{"健康"}}
	for k, v := range fields {
		body[k] = v
	}
	return s.do("POST", "/api/admin/v1/stories", s.token, body).want(http.StatusCreated).json()
}

func (s *site) publish(id string) map[string]any {
	s.t.Helper()
	return s.do("POST", "/api/admin/v1/stories/"+id+"/publish", s.token, nil).want(http.StatusOK).json()
}
