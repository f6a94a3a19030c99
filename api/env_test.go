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
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/library"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/douyin"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/bleveindex"
	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/douyinapi"
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
	t      testing.TB
	app    *fiber.App
	store  *teststore.Store
	blobs  media.BlobStore
	token  string // the administrator's bearer token
	limits int64
	// listener, when set (atLoopback), is where listen serves.
	listener net.Listener
	// outbox is the syndication outbox; tests run it with RunDue.
	outbox *syndication.Outbox
	// douyin is the site's Douyin stand-in (authorise with authorizeDouyin).
	douyin *douyintest.Server
	// searcher syncs the search index (withSearch).
	searcher *search.Syncer
	// stories is the stories service (RunDue publishes what is due).
	stories *content.Stories
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
	cfg := siteConfig{uploadLimit: 300 << 20}
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
	key, err := store.Secret(ctx, "cursor")
	if err != nil {
		t.Fatal(err)
	}
	base := baseURL
	if cfg.base != "" {
		base = cfg.base
	}
	if cfg.listener != nil {
		base = "http://" + cfg.listener.Addr().String()
	}
	md, err := markdown.New(base)
	if err != nil {
		t.Fatal(err)
	}
	accounts := account.NewService(store, store, nil)
	if _, err := accounts.Bootstrap(ctx, "admin", adminPassword); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	lib := &media.Library{Blobs: blobs, Assets: store, MaxSize: cfg.uploadLimit, TempDir: t.TempDir()}
	locks := content.NewLocks(store, store, nil)
	var changes readcache.ChangeCounter = store
	if cfg.noCache {
		changes = nil
	}
	cursors := content.NewCursors(key)
	columns := content.NewColumns(store, store.Stories, store, store, nil)
	if err := columns.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	stand := douyintest.New()
	t.Cleanup(stand.Close)
	dy, err := douyin.New(douyin.Config{Platform: douyinapi.New(douyinapi.Config{BaseURL: stand.URL, ClientKey: stand.ClientKey, ClientSecret: stand.ClientSecret,
		Client: &http.Client{Timeout: 5 * time.Second}}),
		Accounts: store, Media: lib, ReviewPoll: time.Millisecond, SecretKey: bytes.Repeat([]byte("k"), 32)})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	if cfg.log != nil {
		logger = slog.New(slog.NewTextHandler(cfg.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	hooks := &syndication.Webhooks{Endpoints: cfg.webhooks}
	wechat := &syndication.WeChat{Media: lib}
	outbox := syndication.New(syndication.Config{Store: store, Backoff: time.Millisecond, Lease: 10 * time.Second, Logger: logger,
		Channels: map[string]syndication.Channel{douyin.Channel: dy, syndication.ChannelWeChat: wechat, syndication.ChannelWebhook: hooks}})
	syndicate := &syndication.Videos{Outbox: outbox, Webhooks: hooks, Limits: syndication.DefaultLimits(), BaseURL: base,
		Channels: []string{douyin.Channel, syndication.ChannelWeChat, syndication.ChannelWebhook}}
	wf := content.WorkflowConfig{Changes: store, Revisions: store, Locks: locks, Audit: store, KeepRevisions: cfg.keepRevisions,
		Events: &syndication.Lifecycle{Outbox: outbox, Webhooks: hooks, BaseURL: base}}
	storiesSvc := content.NewStories(content.StoriesConfig{Store: store.Stories, Columns: columns, Assets: store, Markdown: md, Cursors: cursors,
		WorkflowConfig: wf})
	lecturesSvc := lectures.New(lectures.Config{Store: store.Lectures, Assets: store, Markdown: md, Cursors: cursors,
		Series: store, Users: store, Registrations: store, Places: store, WorkflowConfig: wf})
	videosSvc := videos.New(videos.Config{Store: store.Videos, Media: lib, Cursors: cursors, Syndication: syndicate, WorkflowConfig: wf})
	var index search.Index
	var searcher *search.Syncer
	if cfg.search {
		x, _, err := bleveindex.Open(filepath.Join(t.TempDir(), "search"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = x.Close() })
		index = x
		searcher = &search.Syncer{Index: x, Changes: store.Changes,
			Sources: []search.Source{search.Stories(storiesSvc), search.Lectures(lecturesSvc), search.Videos(videosSvc)}}
	}
	mediaLib := library.New(library.Config{Media: lib, Uses: store, Stories: store.Stories, Lectures: store.Lectures,
		Videos: store.Videos, Audit: store})
	app := api.New(api.Deps{
		Services: api.Services{
			Stories:     storiesSvc,
			Lectures:    lecturesSvc,
			Videos:      videosSvc,
			Search:      index,
			Locks:       locks,
			Accounts:    account.NewService(store, store, nil),
			Audit:       store,
			Media:       lib,
			Library:     mediaLib,
			Previews:    content.NewPreviews(append([]byte("preview:"), key...), nil),
			Theme:       cfg.theme,
			Syndication: api.Syndication{Outbox: outbox, WeChat: wechat, Douyin: dy, Webhooks: hooks},
			Uploads: &media.Uploads{Library: lib, Key: append([]byte("uploads:"), key...), BaseURL: base,
				MaxOpenPerUser: cfg.uploadCaps[0], MaxOpen: cfg.uploadCaps[1]},
			Exports: exportsOf(store, blobs),
		},
		Settings: api.Settings{BaseURL: base, SiteName: "离退休处", UploadLimit: cfg.uploadLimit, TrustedProxies: cfg.proxies,
			CORSOrigins: cfg.origins, RequestTimeout: cfg.timeout, HeaderTimeout: cfg.headerTimeout, IdleTimeout: cfg.idleTimeout,
			MetricsToken: cfg.metricsToken, RegistrationLimit: cfg.regLimit},
		Changes: changes,
		Logger:  logger,
		Ready:   []api.Check{{Name: "database", Probe: store.Ping}, {Name: "object store", Probe: blobs.Ping}},
	})
	s := &site{t: t, app: app, store: store, blobs: blobs, limits: cfg.uploadLimit, listener: cfg.listener, outbox: outbox, douyin: stand,
		searcher: searcher, stories: storiesSvc}
	if cfg.timeout == 0 {
		s.token = s.login("admin", adminPassword)
	}
	return s
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
