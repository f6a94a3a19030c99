package sitetest

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
	"github.com/prometheus/client_golang/prometheus"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/reads"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/douyinapi/douyintest"
	"github.com/yinling-cms/yinling/internal/smsapi/smstest"
	"github.com/yinling-cms/yinling/internal/telemetry"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
	"github.com/yinling-cms/yinling/internal/tracing"
	"github.com/yinling-cms/yinling/internal/wechatapi/wechattest"
	"github.com/yinling-cms/yinling/internal/worker"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/themes"
)

const (
	// AdminPassword is the password of the administrator every site
	// starts with ("admin").
	AdminPassword = "correct-horse-battery"
	// BaseURL is the site's public address unless an option changes it.
	BaseURL = "https://ltx.example.edu"
)

// Site is one test's Yinling: its own database and bucket, the real app.
type Site struct {
	// T is the test the site reports to (With gives a subtest's).
	T     testing.TB
	App   *fiber.App
	Store *teststore.Store
	Blobs media.BlobStore
	Token string // the administrator's bearer token
	// Listener, when set (AtLoopback), is where Listen serves.
	Listener net.Listener
	// Outbox is the syndication outbox; tests run it with RunDue.
	Outbox *syndication.Outbox
	// Douyin is the site's Douyin stand-in (authorise it by POST /api/admin/v1/channels/douyin/authorize).
	Douyin *douyintest.Server
	// WeChat is the 公众号 stand-in (WithWeChatOA; nil without).
	WeChat *wechattest.Server
	// searcher syncs the search index (WithSearch).
	searcher *search.Syncer
	// Stories is the stories service (RunDue publishes what is due).
	Stories *stories.Service
	// Reads counts readers' views (FlushReads writes them).
	Reads *reads.Counter
	// workers are the background jobs, run by the tests by name.
	workers []*worker.Worker
	// SMS is the SMS provider's stand-in (WithSMS; nil without).
	SMS      *smstest.Server
	lectures *lectures.Service
	notifier *sms.Notifier
	// badInput marks the next requests as off the contract on purpose
	// (BadInput).
	badInput bool
	// document is the site's OpenAPI document in an exposure.
	document func(exposure string) ([]byte, error)
}

// RunBackups runs the scheduled-backup job once, as its worker does every
// minute (WithBackupsTo): it makes the backup if one is due. A failed
// backup is not the test's failure: it is recorded, for the test to read.
func (s *Site) RunBackups() {
	s.T.Helper()
	for _, w := range s.workers {
		if w.Name == "backup" {
			_, _ = w.Job(context.Background())
			return
		}
	}
	s.T.Fatal("no backups are scheduled (WithBackupsTo)")
}

// FlushReads writes the views this instance counted, as the server does
// every few seconds and at shutdown.
func (s *Site) FlushReads() {
	s.T.Helper()
	if err := s.Reads.Flush(context.Background()); err != nil {
		s.T.Fatal(err)
	}
}

// Option changes what New builds from what `yinling serve` would run.
type Option func(*siteConfig)

type siteConfig struct {
	openapi       string // YINLING_OPENAPI (WithOpenAPI)
	uploadLimit   int64
	store         *teststore.Store
	s3            *testenv.S3Server
	bucket        string
	noCache       bool
	noNoticeFont  bool
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
	noDouyinApp   bool
	backupsTo     string
	sms           smstest.Provider
	wechatMode    string
	traceTo       string         // YINLING_OTLP_ENDPOINT (WithTracing)
	traceTuning   tracing.Config // its queue and batches
}

// WithTracing sends the site's spans to the OTLP/HTTP collector at
// endpoint (an otlptest.Receiver's URL), every database call observed as
// `yinling serve` observes them; tuning changes the tracer's batches
// and queue (zero: an export every 50 ms, else tracing's defaults).
func WithTracing(endpoint string, tuning tracing.Config) Option {
	return func(c *siteConfig) {
		if tuning.Interval == 0 {
			tuning.Interval = 50 * time.Millisecond
		}
		c.traceTo, c.traceTuning = endpoint, tuning
	}
}

// WithWeChatOA runs the site with a 公众号 configured (the stand-in in
// Site.WeChat), in mode (draft, publish, mass).
func WithWeChatOA(mode string) Option { return func(c *siteConfig) { c.wechatMode = mode } }

// WithoutDouyinApp runs the site as one with no Douyin Open Platform app
// configured: Douyin posts are made by hand, as on 视频号 (the stand-in
// still runs, unused).
func WithoutDouyinApp() Option { return func(c *siteConfig) { c.noDouyinApp = true } }

// WithRegistrationLimit lets one address send n registrations in ten
// minutes.
func WithRegistrationLimit(n int) Option { return func(c *siteConfig) { c.regLimit = n } }

// WithSearch gives the site its search index (tests sync it with
// s.SyncSearch).
func WithSearch() Option { return func(c *siteConfig) { c.search = true } }

// SyncSearch brings the search index up to date, as the syncer does
// within a second of a change.
func (s *Site) SyncSearch() {
	s.T.Helper()
	if _, _, err := s.searcher.Sync(context.Background()); err != nil {
		s.T.Fatal(err)
	}
}

// WithoutNoticeFont runs the site as on a server without a Chinese font
// (YINLING_NOTICE_FONT=none): no lecture notice images.
func WithoutNoticeFont() Option { return func(c *siteConfig) { c.noNoticeFont = true } }

// WithBaseURL serves the site at base instead of baseURL.
func WithBaseURL(base string) Option { return func(c *siteConfig) { c.base = base } }

// WithLog writes the server's and the outbox's log, every level (the
// access log too), to w (errors only, to stderr, without it).
func WithLog(w io.Writer) Option { return func(c *siteConfig) { c.log = w } }

// WithUploadCaps caps the big uploads open at once, per user and in total.
func WithUploadCaps(perUser, total int) Option {
	return func(c *siteConfig) { c.uploadCaps = [2]int{perUser, total} }
}

// WithDiskMedia keeps media on the local-disk store instead of S3.
func WithDiskMedia() Option { return func(c *siteConfig) { c.diskMedia = true } }

// WithWebhooks sends webhooks to these endpoints.
func WithWebhooks(eps ...syndication.Endpoint) Option {
	return func(c *siteConfig) { c.webhooks = eps }
}

// AtLoopback listens on a loopback port from the start and makes that
// address the public base URL, so a browser fetches media, tracks and
// links from the server itself (Listen then serves on it).
func AtLoopback(t testing.TB) Option {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return func(c *siteConfig) { c.listener = ln }
}

// WithTheme renders the website with th.
func WithTheme(th *themes.Theme) Option { return func(c *siteConfig) { c.theme = th } }

// WithKeepRevisions sets how many revisions are kept per item.
func WithKeepRevisions(n int) Option { return func(c *siteConfig) { c.keepRevisions = n } }

// WithBackupsTo makes scheduled backups into the folder dir (the
// defaults otherwise: 03:00, the newest 7, 12 months); RunBackups runs
// the job as its worker would.
func WithBackupsTo(dir string) Option { return func(c *siteConfig) { c.backupsTo = dir } }

// WithMetricsToken makes /metrics ask for a bearer token.
func WithMetricsToken(tok string) Option { return func(c *siteConfig) { c.metricsToken = tok } }

// WithConnTimeouts sets how long headers may take and a connection idle.
func WithConnTimeouts(header, idle time.Duration) Option {
	return func(c *siteConfig) { c.headerTimeout, c.idleTimeout = header, idle }
}

// WithRequestTimeout sets the deadline of every request.
func WithRequestTimeout(d time.Duration) Option { return func(c *siteConfig) { c.timeout = d } }

// WithCORS lets these origins read the content API.
func WithCORS(o ...string) Option { return func(c *siteConfig) { c.origins = o } }

// WithTrustedProxies trusts X-Real-IP from these addresses.
func WithTrustedProxies(p ...string) Option { return func(c *siteConfig) { c.proxies = p } }

// WithoutReadCache turns the content API's read cache off.
func WithoutReadCache() Option { return func(c *siteConfig) { c.noCache = true } }

// WithUploadLimit sets the largest upload, in bytes (without it, the
// configuration's default, as `yinling serve` has it).
func WithUploadLimit(n int64) Option { return func(c *siteConfig) { c.uploadLimit = n } }

// WithStore uses store instead of a fresh one (two instances sharing a
// database).
func WithStore(store *teststore.Store) Option { return func(c *siteConfig) { c.store = store } }

// WithS3 uses the bucket of srv instead of one of the shared server.
func WithS3(srv testenv.S3Server, bucket string) Option {
	return func(c *siteConfig) { c.s3, c.bucket = &srv, bucket }
}

func New(t testing.TB, opts ...Option) *Site {
	t.Helper()
	var cfg siteConfig
	for _, o := range opts {
		o(&cfg)
	}
	ctx := context.Background()
	store := cfg.store
	var metrics *prometheus.Registry
	var calls *telemetry.Stores
	if cfg.traceTo != "" {
		metrics = telemetry.NewRegistry()
		calls = telemetry.NewStores(metrics)
		if store == nil {
			store = teststore.OpenObserved(t, calls.SQL, calls.MongoMonitor())
		}
	}
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
	text := smsStandIn(t, cfg.sms, &conf)
	var wx *wechattest.Server
	if cfg.wechatMode != "" {
		wx = wechattest.New()
		t.Cleanup(wx.Close)
		conf.WeChatOAAppID, conf.WeChatOAAppSecret, conf.WeChatOABaseURL, conf.WeChatOAMode = wx.AppID, wx.AppSecret, wx.URL, cfg.wechatMode
	}
	conf.OTLPEndpoint = cfg.traceTo
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
	var shelf backup.Shelf
	if cfg.backupsTo != "" {
		shelf = backup.Folder{Dir: cfg.backupsTo}
	}
	a, err := assembly.New(ctx, conf, assembly.Stores{DB: store.Stores.Store, Blobs: blobs, Export: export, Backups: shelf}, assembly.Options{
		Logger: logger, DouyinClient: &http.Client{Timeout: 5 * time.Second}, DouyinReviewPoll: time.Millisecond, OutboxBackoff: time.Millisecond, SMSClient: &http.Client{Timeout: 2 * time.Second},
		WeChatClient: &http.Client{Timeout: 2 * time.Second}, WeChatPublishPoll: time.Millisecond,
		UploadLimit: cfg.uploadLimit, UploadCaps: cfg.uploadCaps, TempDir: t.TempDir(), Theme: cfg.theme,
		HeaderTimeout: cfg.headerTimeout, IdleTimeout: cfg.idleTimeout, NoReadCache: cfg.noCache, NoSearch: !cfg.search,
		Metrics: metrics, StoreCalls: calls, TraceTuning: cfg.traceTuning})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	if _, err := a.Accounts.Bootstrap(ctx, "admin", AdminPassword); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	var searcher *search.Syncer
	if cfg.search {
		if searcher, err = a.OpenSearch(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s := &Site{T: t, App: a.HTTP, Store: store, Blobs: blobs, Listener: cfg.listener, Outbox: a.Syndication.Outbox,
		Douyin: stand, WeChat: wx, searcher: searcher, Stories: a.Stories, Reads: a.Reads, workers: a.Workers(), SMS: text, lectures: a.Lectures, notifier: a.SMS,
		document: a.Document}
	if cfg.timeout == 0 {
		s.Token = s.Login("admin", AdminPassword)
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
	conf.BaseURL = BaseURL
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
	if cfg.openapi != "" {
		conf.OpenAPI = cfg.openapi
	}
	if !cfg.noDouyinApp {
		conf.DouyinBaseURL, conf.DouyinClientKey, conf.DouyinClientSecret = stand.URL, stand.ClientKey, stand.ClientSecret
	}
	conf.SecretKey = bytes.Repeat([]byte("k"), 32)
	if cfg.noNoticeFont {
		conf.NoticeFont = "none"
	}
	if len(cfg.webhooks) > 0 {
		hooks, err := json.Marshal(cfg.webhooks)
		if err != nil {
			t.Fatal(err)
		}
		conf.Webhooks = string(hooks)
	}
	return conf
}

// Listen serves the app on a loopback port (for requests that app.Test
// cannot carry: bodies the server stops reading, streams of hundreds of
// MB) and returns its base URL.
func (s *Site) Listen() string {
	s.T.Helper()
	ln := s.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			s.T.Fatal(err)
		}
	}
	if _, wrapped := served.LoadOrStore(s.App, true); !wrapped {
		srv := s.App.Server()
		srv.Handler = s.checkServed(srv.Handler)
	}
	go func() { _ = s.App.Listener(ln) }()
	s.T.Cleanup(func() { _ = s.App.Shutdown() })
	return "http://" + ln.Addr().String()
}

// With returns the site reporting to t (for subtests).
func (s *Site) With(t testing.TB) *Site {
	c := *s
	c.T = t
	return &c
}

func (s *Site) Login(user, password string) string {
	s.T.Helper()
	r := s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": user, "password": password})
	r.Want(http.StatusCreated)
	return r.Field("token").(string)
}

// Resp is an answer with its body read.
type Resp struct {
	T      testing.TB
	Status int
	Header http.Header
	Body   []byte
}

func (r Resp) Want(status int) Resp {
	r.T.Helper()
	if r.Status != status {
		r.T.Fatalf("status %d, want %d; body: %s", r.Status, status, r.Body)
	}
	return r
}

func (r Resp) JSON() map[string]any {
	r.T.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		r.T.Fatalf("answer is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

func (r Resp) Field(name string) any { return r.JSON()[name] }

// Problem checks a problem+json answer and returns it.
func (r Resp) Problem(status int) map[string]any {
	r.T.Helper()
	r.Want(status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		r.T.Fatalf("content type %q, want application/problem+json; body %s", ct, r.Body)
	}
	p := r.JSON()
	if p["status"] != float64(status) || p["title"] == "" || p["detail"] == "" {
		r.T.Fatalf("incomplete problem: %s", r.Body)
	}
	for _, leak := range []string{"mongo", "connection", "dial tcp", "goroutine", "minio", "server selection"} {
		if strings.Contains(strings.ToLower(string(r.Body)), leak) {
			r.T.Fatalf("problem leaks %q: %s", leak, r.Body)
		}
	}
	return p
}

// FieldErrors lists the fields named by a validation problem.
func FieldErrors(p map[string]any) []string {
	var out []string
	errs, _ := p["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any)["field"].(string))
	}
	return out
}

// Do sends a request through the app in-process; body is JSON-encoded
// unless it is a string or []byte (sent as is, as JSON).
func (s *Site) Do(method, path, token string, body any, headers ...string) Resp {
	s.T.Helper()
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
			s.T.Fatal(err)
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
	return s.Send(req)
}

// Send sends a request through the app in-process. An exchange under the
// documented paths is checked against the OpenAPI document (BadInput
// exempts a deliberately bad request; its answer is still checked).
func (s *Site) Send(req *http.Request) Resp {
	s.T.Helper()
	kept, whole := keepBody(req)
	res, err := s.App.Test(req, -1)
	if err != nil {
		s.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.T.Fatal(err)
	}
	r := Resp{T: s.T, Status: res.StatusCode, Header: res.Header, Body: b}
	s.checkExchange(req, kept, whole, r)
	return r
}

// CreateStory makes a draft and returns its JSON.
func (s *Site) CreateStory(fields map[string]any) map[string]any {
	s.T.Helper()
	body := map[string]any{"title": "银龄之窗：老教授的养生课", "body": "正文，\n第二行", "column": "silver-window", "tags": []string{"健康"}}
	for k, v := range fields {
		body[k] = v
	}
	return s.Do("POST", "/api/admin/v1/stories", s.Token, body).Want(http.StatusCreated).JSON()
}

func (s *Site) Publish(id string) map[string]any {
	s.T.Helper()
	return s.Do("POST", "/api/admin/v1/stories/"+id+"/publish", s.Token, nil).Want(http.StatusOK).JSON()
}
