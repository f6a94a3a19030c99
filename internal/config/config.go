// Package config reads Yinling's one Config from flags and YINLING_*
// environment variables (a flag wins over its variable, the variable over
// the default) and validates it, naming the variable of any bad value.
package config

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Config is every setting of the server.
type Config struct {
	// SiteName is the office's name, as pages, events and calendars name
	// their publisher.
	SiteName string
	// ThemeDir is a theme overlaying the default ("": the default).
	ThemeDir string
	// NoticeFont is the Chinese font lectures' notices are drawn with
	// ("": the first system font found; "none": no notice images).
	NoticeFont    string
	Addr          string
	BaseURL       string
	DataDir       string
	MongoURI      string
	MongoDB       string
	S3Endpoint    string
	S3AccessKey   string
	S3SecretKey   string
	S3Bucket      string
	S3TLS         bool
	AdminUser     string
	AdminPassword string
	LogLevel      string
	LogFormat     string
	// UploadLimitMB is the largest upload, in MiB.
	UploadLimitMB int64
	// ReadCacheMB bounds the content API answers kept in memory, in MiB.
	ReadCacheMB int64
	// MemoryLimitMB is the memory the process may use, in MiB (0: the
	// container's limit); the Go runtime's limit is 90% of it, at most it
	// less 96 MiB (internal/memlimit).
	MemoryLimitMB int64
	// RequestTimeout bounds each request but uploads.
	RequestTimeout time.Duration
	// SchedulerTick is how often the scheduler looks for due items (and
	// renews its lease); no scheduled step runs later than this.
	SchedulerTick time.Duration
	// TrashDays is how long trashed items stay restorable.
	TrashDays int
	// RegistrationDays is how long after its session a registration (a
	// reader's name and phone number) is kept.
	RegistrationDays int
	// RegistrationLimit is how many registrations one address (an IPv6
	// one: its /64) may send in ten minutes, through the content API and
	// the website's form together.
	RegistrationLimit int
	// KeepRevisions is how many revisions of an item are kept (published
	// ones are kept always).
	KeepRevisions int
	// CORSOrigins may read the content API from browsers on other sites.
	CORSOrigins []string
	// MetricsToken, when set, is the bearer token GET /metrics requires.
	MetricsToken string
	// OTLPEndpoint is the OpenTelemetry collector's OTLP/HTTP address
	// spans are sent to ("": tracing off); TraceSample the share of new
	// traces recorded (0 to 1); OTLPHeaders are sent with each export.
	OTLPEndpoint string
	TraceSample  float64
	OTLPHeaders  map[string]string
	// OpenAPI is who may read the OpenAPI document at GET
	// /api/openapi.json: "public" (anyone), "admin" (signed-in staff) or
	// "off" (404).
	OpenAPI string
	// TrustedProxies are the addresses (IPs or CIDRs) of the reverse
	// proxies whose X-Real-IP header names the client; from anyone else the
	// header is ignored.
	TrustedProxies []string
	// ShutdownTimeout is how long requests in flight may take to finish
	// after SIGINT or SIGTERM.
	ShutdownTimeout time.Duration
	// DouyinClientKey and DouyinClientSecret are the office's Douyin Open
	// Platform app ("": Douyin is not set up); DouyinBaseURL its API.
	DouyinClientKey    string
	DouyinClientSecret string
	DouyinBaseURL      string
	// WeChatOAAppID and WeChatOAAppSecret are the office's 公众号
	// ("": not set up); WeChatOABaseURL its API; WeChatOAMode how far a
	// story goes (draft, publish, mass); WeChatOADefault whether stories
	// go there unless their editor says otherwise.
	WeChatOAAppID     string
	WeChatOAAppSecret string
	WeChatOABaseURL   string
	WeChatOAMode      string
	WeChatOADefault   bool
	// SecretKey seals secrets the site keeps for others (Douyin's tokens)
	// at rest: at least 32 random bytes, given in base64. nil: the
	// embedded database's data folder keeps one (secret.key); with
	// MongoDB, it must be set for Douyin.
	SecretKey []byte
	// Webhooks is the JSON list of webhook endpoints; ChannelLimits the
	// JSON of channel limits over the defaults (content/syndication
	// reads both).
	Webhooks      string
	ChannelLimits string
	// OutboxAttempts is how many failed runs a syndication job has before
	// it fails; OutboxTick how often the outbox looks for due jobs.
	OutboxAttempts int
	OutboxTick     time.Duration
	// OutboxLease is how long a runner holds a job between renewals: an
	// instance that dies mid-job is replaced after it.
	OutboxLease time.Duration
	// SMS is how registrants are told of changes by text message (SMS.Provider
	// "": not at all; the office calls).
	SMS SMS
	// SearchURL is an OpenSearch index (https://user:pass@host:9200/name)
	// used instead of the embedded search index ("": embedded).
	SearchURL string
	// SearchOff turns search off on this instance (it keeps no index).
	SearchOff bool
	// SearchCacheMB bounds the search answers kept in memory, in MiB.
	SearchCacheMB int64
	// ReadCountsOff keeps this instance from counting readers' views
	// (counts already kept are still shown).
	ReadCountsOff bool
	// S3Region is the region S3 requests are signed for (SigV4).
	S3Region string
	// S3Addressing is where the bucket goes in an S3 request: "auto" (in
	// the host name for Amazon and Aliyun OSS endpoints, in the path
	// elsewhere), "path" or "virtual" (always in the host name, as
	// Tencent COS and Huawei OBS require).
	S3Addressing string
	// BackupTo is where scheduled backups go: a folder, or
	// s3://bucket/prefix on the configured S3 service ("": none are made).
	// BackupAt is the time of day (Beijing time, 03:00) they fall due;
	// BackupKeep how many of the newest stay, BackupMonths how many
	// months keep their newest one beside them.
	BackupTo     string
	BackupAt     string
	BackupKeep   int
	BackupMonths int
}

// Embedded reports whether the database runs inside the process.
func (c Config) Embedded() bool { return c.MongoURI == "" }

// EmbeddedS3 reports whether media go to the local-disk store.
func (c Config) EmbeddedS3() bool { return c.S3Endpoint == "" }

type setting struct {
	env, flag, def, usage string
	set                   func(c *Config, v string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

var bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// regionPattern is an S3 region name as the services spell them:
// us-east-1, cn-hangzhou, ap-guangzhou, cn-north-4.
var regionPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

func settings() []setting {
	return []setting{
		{"YINLING_ADDR", "addr", ":8080", "listen address (host:port)", func(c *Config, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return errors.New("must be host:port, like :8080 or 127.0.0.1:8080")
			}
			c.Addr = v
			return nil
		}},
		{"YINLING_BASE_URL", "base-url", "http://localhost:8080", "public URL of the site", func(c *Config, v string) error {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return errors.New("must be an absolute http or https URL, like https://ltx.example.edu")
			}
			c.BaseURL = strings.TrimSuffix(v, "/")
			return nil
		}},
		{"YINLING_SITE_NAME", "site-name", "离退休处", "the office's name: the publisher of its pages, events and calendars", func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			if v == "" || utf8.RuneCountInString(v) > 40 || strings.ContainsAny(v, "\r\n<>") {
				return errors.New("must be one line of at most 40 characters")
			}
			c.SiteName = v
			return nil
		}},
		{"YINLING_THEME_DIR", "theme-dir", "", "a theme folder whose files overlay the default theme's (empty: the default)", func(c *Config, v string) error {
			c.ThemeDir = v
			return nil
		}},
		{"YINLING_NOTICE_FONT", "notice-font", "", "the Chinese font (.ttc, .otf, .ttf) lecture notices are drawn with (empty: Noto Sans CJK where the system keeps it; none: no notice images)", func(c *Config, v string) error {
			c.NoticeFont = v
			return nil
		}},
		{"YINLING_DATA_DIR", "data-dir", "./yinling-data", "folder of the embedded database and media", func(c *Config, v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("must not be empty")
			}
			c.DataDir = v
			return nil
		}},
		{"YINLING_MONGO_URI", "mongo-uri", "", "MongoDB connection string (empty: embedded database)", func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "mongodb://") && !strings.HasPrefix(v, "mongodb+srv://") {
				return errors.New("must start with mongodb:// or mongodb+srv://")
			}
			c.MongoURI = v
			return nil
		}},
		{"YINLING_MONGO_DB", "mongo-db", "yinling", "MongoDB database name", func(c *Config, v string) error {
			if v == "" || len(v) > 60 || strings.ContainsAny(v, `/\. "$`) {
				return errors.New("must be a database name without / \\ . space \" or $")
			}
			c.MongoDB = v
			return nil
		}},
		{"YINLING_S3_ENDPOINT", "s3-endpoint", "", "S3 endpoint host:port (empty: media on local disk)", func(c *Config, v string) error {
			if v != "" {
				if strings.Contains(v, "://") {
					return errors.New("must be host:port without a scheme (use YINLING_S3_TLS for https)")
				}
			}
			c.S3Endpoint = v
			return nil
		}},
		{"YINLING_S3_ACCESS_KEY", "s3-access-key", "", "S3 access key", str(func(c *Config) *string { return &c.S3AccessKey })},
		{"YINLING_S3_SECRET_KEY", "s3-secret-key", "", "S3 secret key", str(func(c *Config) *string { return &c.S3SecretKey })},
		{"YINLING_S3_BUCKET", "s3-bucket", "yinling", "S3 bucket", func(c *Config, v string) error {
			if !bucketPattern.MatchString(v) {
				return errors.New("must be a bucket name: 3 to 63 lower-case letters, digits, '.' or '-'")
			}
			c.S3Bucket = v
			return nil
		}},
		{"YINLING_S3_TLS", "s3-tls", "false", "use https for S3", func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("must be true or false")
			}
			c.S3TLS = b
			return nil
		}},
		{"YINLING_S3_REGION", "s3-region", "us-east-1", "S3 region requests are signed for (cn-hangzhou, ap-guangzhou, cn-north-4, ...)", func(c *Config, v string) error {
			if !regionPattern.MatchString(v) {
				return errors.New("must be a region name: lower-case letters, digits and '-'")
			}
			c.S3Region = v
			return nil
		}},
		{"YINLING_S3_ADDRESSING", "s3-addressing", "auto", "where the bucket goes: auto, path (endpoint/bucket/key) or virtual (bucket.endpoint/key)", func(c *Config, v string) error {
			switch v {
			case "auto", "path", "virtual":
				c.S3Addressing = v
				return nil
			}
			return errors.New("must be auto, path or virtual")
		}},
		{"YINLING_ADMIN_USER", "admin-user", "admin", "first administrator's username (on an empty database)", str(func(c *Config) *string { return &c.AdminUser })},
		{"YINLING_ADMIN_PASSWORD", "admin-password", "", "first administrator's password (on an empty database)", str(func(c *Config) *string { return &c.AdminPassword })},
		{"YINLING_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", func(c *Config, v string) error {
			switch v {
			case "debug", "info", "warn", "error":
				c.LogLevel = v
				return nil
			}
			return errors.New("must be debug, info, warn or error")
		}},
		{"YINLING_LOG_FORMAT", "log-format", "text", "text or json", func(c *Config, v string) error {
			if v != "text" && v != "json" {
				return errors.New("must be text or json")
			}
			c.LogFormat = v
			return nil
		}},
		{"YINLING_UPLOAD_LIMIT_MB", "upload-limit-mb", "2048", "largest upload, in MiB", func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 || n > 8192 {
				return errors.New("must be a whole number of MiB from 1 to 8192")
			}
			c.UploadLimitMB = n
			return nil
		}},
		{"YINLING_READ_CACHE_MB", "read-cache-mb", "256", "memory for content API answers kept ready, in MiB", func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 || n > 65536 {
				return errors.New("must be a whole number of MiB from 1 to 65536")
			}
			c.ReadCacheMB = n
			return nil
		}},
		{"YINLING_MEMORY_LIMIT", "memory-limit-mb", "", "memory the process may use, in MiB (empty: the container's cgroup limit); the Go runtime's limit is 90% of it (at most it less 96 MiB), and an explicit GOMEMLIMIT wins", func(c *Config, v string) error {
			if v == "" {
				c.MemoryLimitMB = 0
				return nil
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 64 || n > 1<<20 {
				return errors.New("must be a whole number of MiB from 64 to 1048576, or empty")
			}
			c.MemoryLimitMB = n
			return nil
		}},
		{"YINLING_REQUEST_TIMEOUT", "request-timeout", "30s", "time limit of a request (uploads excepted)", duration(func(c *Config) *time.Duration { return &c.RequestTimeout })},
		{"YINLING_SCHEDULER_TICK", "scheduler-tick", "1s", "how often scheduled publishing looks for due items (at most this late)", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 50*time.Millisecond || d > time.Minute {
				return errors.New("must be a duration from 50ms to 1m, like 1s")
			}
			c.SchedulerTick = d
			return nil
		}},
		{"YINLING_TRASH_DAYS", "trash-days", "30", "days a trashed item stays restorable before it is purged", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 3650 {
				return errors.New("must be a whole number of days from 1 to 3650")
			}
			c.TrashDays = n
			return nil
		}},
		{"YINLING_REGISTRATION_DAYS", "registration-days", "30", "days after its session a registration (name, phone) is kept before it is deleted", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 3650 {
				return errors.New("must be a whole number of days from 1 to 3650")
			}
			c.RegistrationDays = n
			return nil
		}},
		{"YINLING_REGISTRATION_LIMIT", "registration-limit", "10", "registrations one address (IPv6: its /64) may send in 10 minutes, content API and website form together (a family, or a front desk registering for callers, may need more)", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1_000_000 {
				return errors.New("must be a whole number from 1 to 1000000")
			}
			c.RegistrationLimit = n
			return nil
		}},
		{"YINLING_DOUYIN_CLIENT_KEY", "douyin-client-key", "", "the Douyin Open Platform app's client key (empty: Douyin is not set up)", str(func(c *Config) *string { return &c.DouyinClientKey })},
		{"YINLING_DOUYIN_CLIENT_SECRET", "douyin-client-secret", "", "the Douyin app's client secret", str(func(c *Config) *string { return &c.DouyinClientSecret })},
		{"YINLING_DOUYIN_BASE_URL", "douyin-base-url", "https://open.douyin.com", "the Douyin Open Platform's address (a stand-in's, in tests)", func(c *Config, v string) error {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return errors.New("must be an http(s) URL")
			}
			c.DouyinBaseURL = strings.TrimSuffix(v, "/")
			return nil
		}},
		{"YINLING_WECHAT_OA_APP_ID", "wechat-oa-app-id", "", "the 公众号's AppID (empty: the 公众号 is not set up)", str(func(c *Config) *string { return &c.WeChatOAAppID })},
		{"YINLING_WECHAT_OA_APP_SECRET", "wechat-oa-app-secret", "", "the 公众号's AppSecret", str(func(c *Config) *string { return &c.WeChatOAAppSecret })},
		{"YINLING_WECHAT_OA_BASE_URL", "wechat-oa-base-url", "https://api.weixin.qq.com", "the 公众号 API's address (a stand-in's, in tests)", func(c *Config, v string) error {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return errors.New("must be an http(s) URL")
			}
			c.WeChatOABaseURL = strings.TrimSuffix(v, "/")
			return nil
		}},
		{"YINLING_WECHAT_OA_MODE", "wechat-oa-mode", "draft", "how far a story goes on the 公众号: draft (草稿箱), publish (发表), mass (发表, then 群发 once a person confirms)", func(c *Config, v string) error {
			if v != "draft" && v != "publish" && v != "mass" {
				return errors.New("must be draft, publish or mass")
			}
			c.WeChatOAMode = v
			return nil
		}},
		{"YINLING_WECHAT_OA_DEFAULT", "wechat-oa-default", "true", "whether stories go to the 公众号 unless their editor says otherwise", func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("must be true or false")
			}
			c.WeChatOADefault = b
			return nil
		}},
		{"YINLING_SECRET_KEY", "secret-key", "", "base64 of at least 32 random bytes (openssl rand -base64 32) that seals the Douyin tokens at rest; empty: the embedded database keeps one in its data folder", func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
				if b, err := enc.DecodeString(strings.TrimSpace(v)); err == nil && len(b) >= 32 {
					c.SecretKey = b
					return nil
				}
			}
			return errors.New("must be the base64 of at least 32 random bytes, like the output of openssl rand -base64 32")
		}},
		{"YINLING_SMS_PROVIDER", "sms-provider", "", "the SMS provider that tells registrants of changes: aliyun or tencent (empty: none, the office calls)", func(c *Config, v string) error {
			if v != "" && v != "aliyun" && v != "tencent" {
				return errors.New("must be aliyun, tencent or empty")
			}
			c.SMS.Provider = v
			return nil
		}},
		{"YINLING_SMS_KEY_ID", "sms-key-id", "", "the SMS provider's AccessKey ID (Aliyun) or SecretId (Tencent Cloud)", str(func(c *Config) *string { return &c.SMS.KeyID })},
		{"YINLING_SMS_KEY_SECRET", "sms-key-secret", "", "the SMS provider's AccessKey Secret (Aliyun) or SecretKey (Tencent Cloud)", str(func(c *Config) *string { return &c.SMS.KeySecret })},
		{"YINLING_SMS_SIGN", "sms-sign", "", "the approved SMS signature (签名), without 【】", str(func(c *Config) *string { return &c.SMS.Sign })},
		{"YINLING_SMS_TEMPLATES", "sms-templates", "", `approved templates by change as JSON: {"postponed": "SMS_123", "rescheduled": "...", "cancelled": "...", "moved_online": "...", "promoted": "..."}`, str(func(c *Config) *string { return &c.SMS.Templates })},
		{"YINLING_SMS_APP_ID", "sms-app-id", "", "Tencent Cloud SMS only: the SMS application's SdkAppId (1400…)", str(func(c *Config) *string { return &c.SMS.AppID })},
		{"YINLING_SMS_REGION", "sms-region", "", "Tencent Cloud SMS only: the region (empty: ap-guangzhou)", str(func(c *Config) *string { return &c.SMS.Region })},
		{"YINLING_SMS_BASE_URL", "sms-base-url", "", "the SMS API's address (empty: the provider's own; a stand-in's, in tests)", func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return errors.New("must be an http(s) URL")
			}
			c.SMS.BaseURL = strings.TrimSuffix(v, "/")
			return nil
		}},
		{"YINLING_SMS_PER_SECOND", "sms-per-second", "5", "text messages an instance sends a second at most", func(c *Config, v string) error {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || n <= 0 || n > 1000 {
				return errors.New("must be a number above 0, at most 1000")
			}
			c.SMS.PerSecond = n
			return nil
		}},
		{"YINLING_SMS_MAX_VAR", "sms-max-var", "35", "the most characters a template variable may hold (Aliyun: 35; Tencent Cloud, a personal account: 12); a longer title is cut with …", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 6 || n > 500 {
				return errors.New("must be a whole number from 6 to 500")
			}
			c.SMS.MaxVar = n
			return nil
		}},
		{"YINLING_WEBHOOKS", "webhooks", "", `webhook endpoints as JSON: [{"name", "url", "secret": "whsec_...", "events": ["story.published", "lecture.*"]}]`, str(func(c *Config) *string { return &c.Webhooks })},
		{"YINLING_CHANNEL_LIMITS", "channel-limits", "", `channel limits over the defaults as JSON: {"douyin": {"max_duration_s": 900}}`, str(func(c *Config) *string { return &c.ChannelLimits })},
		{"YINLING_OUTBOX_ATTEMPTS", "outbox-attempts", "8", "failed runs a syndication job has before it fails", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				return errors.New("must be a whole number from 1 to 100")
			}
			c.OutboxAttempts = n
			return nil
		}},
		{"YINLING_OUTBOX_TICK", "outbox-tick", "2s", "how often the outbox looks for due syndication jobs", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 50*time.Millisecond || d > time.Minute {
				return errors.New("must be a duration from 50ms to 1m, like 2s")
			}
			c.OutboxTick = d
			return nil
		}},
		{"YINLING_OUTBOX_LEASE", "outbox-lease", "2m", "how long a syndication job stays with an instance that stopped answering before another takes it over", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second || d > time.Hour {
				return errors.New("must be a duration from 1s to 1h, like 2m")
			}
			c.OutboxLease = d
			return nil
		}},
		{"YINLING_SEARCH", "search", "on", "off: this instance keeps no search index and answers no searches (an instance that only runs background work)", func(c *Config, v string) error {
			switch v {
			case "on":
			case "off":
				c.SearchOff = true
			default:
				return errors.New("must be on or off")
			}
			return nil
		}},
		{"YINLING_READ_COUNTS", "read-counts", "on", "off: this instance does not count readers' views of stories, lectures and videos (counts kept are still shown)", func(c *Config, v string) error {
			switch v {
			case "on":
			case "off":
				c.ReadCountsOff = true
			default:
				return errors.New("must be on or off")
			}
			return nil
		}},
		{"YINLING_BACKUP_TO", "backup-to", "", "where scheduled backups go: a folder, or s3://bucket/prefix on the configured S3 service (empty: none are made)", func(c *Config, v string) error {
			if rest, ok := strings.CutPrefix(v, "s3://"); ok {
				bucket, _, _ := strings.Cut(rest, "/")
				if bucket == "" {
					return errors.New("must be a folder or s3://bucket/prefix")
				}
			} else if strings.Contains(v, "://") {
				return errors.New("must be a folder or s3://bucket/prefix")
			}
			c.BackupTo = v
			return nil
		}},
		{"YINLING_BACKUP_AT", "backup-at", "03:00", "the time of day, Beijing time, at which the scheduled backup falls due", func(c *Config, v string) error {
			if _, err := time.Parse("15:04", v); err != nil {
				return errors.New("must be a time of day as 03:00")
			}
			c.BackupAt = v
			return nil
		}},
		{"YINLING_BACKUP_KEEP", "backup-keep", "7", "how many of the newest scheduled backups are kept", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return errors.New("must be a whole number from 1 to 1000")
			}
			c.BackupKeep = n
			return nil
		}},
		{"YINLING_BACKUP_MONTHS", "backup-months", "12", "how many months keep their newest scheduled backup beside the newest ones", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 1200 {
				return errors.New("must be a whole number from 0 to 1200")
			}
			c.BackupMonths = n
			return nil
		}},
		{"YINLING_SEARCH_CACHE_MB", "search-cache-mb", "32", "memory for search answers kept until the index changes, in MiB", func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 || n > 4096 {
				return errors.New("must be a whole number of MiB from 1 to 4096")
			}
			c.SearchCacheMB = n
			return nil
		}},
		{"YINLING_SEARCH_URL", "search-url", "", "an OpenSearch index (with the analysis-smartcn plugin) instead of the embedded search index: https://user:password@host:9200/yinling", func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return errors.New("must be an http(s) URL of an OpenSearch index")
			}
			c.SearchURL = v
			return nil
		}},
		{"YINLING_KEEP_REVISIONS", "keep-revisions", "50", "revisions kept per item (published ones are never deleted)", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 10_000 {
				return errors.New("must be a whole number from 1 to 10000")
			}
			c.KeepRevisions = n
			return nil
		}},
		{"YINLING_METRICS_TOKEN", "metrics-token", "", "bearer token that GET /metrics requires (empty: open to anyone who reaches it)", func(c *Config, v string) error {
			if v != "" && len(v) < 16 {
				return errors.New("must be at least 16 characters, or empty")
			}
			c.MetricsToken = v
			return nil
		}},
		{"YINLING_OTLP_ENDPOINT", "otlp-endpoint", "", "the OpenTelemetry collector's OTLP/HTTP address spans are sent to, like http://127.0.0.1:4318 (POST …/v1/traces, JSON); empty: tracing off", func(c *Config, v string) error {
			if v == "" {
				c.OTLPEndpoint = ""
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return errors.New("must be an http(s) URL without a query, like http://127.0.0.1:4318, or empty")
			}
			c.OTLPEndpoint = strings.TrimSuffix(v, "/")
			return nil
		}},
		{"YINLING_TRACE_SAMPLE", "trace-sample", "1", "the share of new traces recorded, from 0 to 1 (a request with a traceparent header is recorded as its sampled flag says); only with YINLING_OTLP_ENDPOINT", func(c *Config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !(f >= 0 && f <= 1) {
				return errors.New("must be a number from 0 to 1")
			}
			c.TraceSample = f
			return nil
		}},
		{"YINLING_OTLP_HEADERS", "otlp-headers", "", "headers sent with each export, as key=value pairs separated by commas, values percent-encoded (Authorization=Bearer%20…)", func(c *Config, v string) error {
			h, err := parseHeaders(v)
			if err != nil {
				return err
			}
			c.OTLPHeaders = h
			return nil
		}},
		{"YINLING_OPENAPI", "openapi", "public", "who may read the OpenAPI document at GET /api/openapi.json: public, admin (signed-in staff) or off", func(c *Config, v string) error {
			switch v {
			case "public", "admin", "off":
				c.OpenAPI = v
				return nil
			}
			return errors.New("must be public, admin or off")
		}},
		{"YINLING_CORS_ORIGINS", "cors-origins", "", "comma-separated origins (https://front.example.edu) that may read the content API from a browser, or *", func(c *Config, v string) error {
			c.CORSOrigins = nil
			for _, o := range strings.Split(v, ",") {
				o = strings.TrimSpace(o)
				if o == "" {
					continue
				}
				if o != "*" {
					u, err := url.Parse(o)
					if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
						return fmt.Errorf("%q is not an origin like https://front.example.edu", o)
					}
				}
				c.CORSOrigins = append(c.CORSOrigins, strings.TrimSuffix(o, "/"))
			}
			return nil
		}},
		{"YINLING_TRUSTED_PROXIES", "trusted-proxies", "", "comma-separated IPs or CIDRs of reverse proxies whose X-Real-IP is believed", func(c *Config, v string) error {
			c.TrustedProxies = nil
			for _, p := range strings.Split(v, ",") {
				p = strings.TrimSpace(p)
				if p == "" {
					continue
				}
				if net.ParseIP(p) == nil {
					if _, _, err := net.ParseCIDR(p); err != nil {
						return fmt.Errorf("%q is neither an IP address nor a CIDR", p)
					}
				}
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
			return nil
		}},
		{"YINLING_SHUTDOWN_TIMEOUT", "shutdown-timeout", "30s", "time requests in flight get to finish at shutdown", duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	}
}

func duration(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > time.Hour {
			return errors.New("must be a duration like 30s or 2m, at most 1h")
		}
		*p(c) = d
		return nil
	}
}

// Flags are the settings registered on a flag set.
type Flags struct {
	fs     *flag.FlagSet
	values []*string
}

// AddFlags registers every setting as a flag of fs.
func AddFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{fs: fs}
	for _, s := range settings() {
		f.values = append(f.values, fs.String(s.flag, "", s.usage+" ["+s.env+", default "+strconv.Quote(s.def)+"]"))
	}
	return f
}

// Config builds the configuration once fs has been parsed: a flag that was
// given wins over its variable, the variable over the default. Errors name
// the flag or variable at fault.
func (f *Flags) Config(getenv func(string) string) (Config, error) {
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	var c Config
	for i, s := range settings() {
		v, source := s.def, s.env
		if e := getenv(s.env); e != "" {
			v = e
		}
		if set[s.flag] {
			v, source = *f.values[i], "--"+s.flag
		}
		if err := s.set(&c, v); err != nil {
			return Config{}, fmt.Errorf("%s: %w (got %q)", source, err, redact(s.env, v))
		}
	}
	if (c.DouyinClientKey == "") != (c.DouyinClientSecret == "") {
		return Config{}, errors.New("YINLING_DOUYIN_CLIENT_KEY and YINLING_DOUYIN_CLIENT_SECRET: set both, or neither")
	}
	if p := c.SMS.Provider; p != "" && (c.SMS.KeyID == "" || c.SMS.KeySecret == "" || c.SMS.Sign == "" || c.SMS.Templates == "" || p == "tencent" && c.SMS.AppID == "") {
		return Config{}, errors.New("YINLING_SMS_PROVIDER: set YINLING_SMS_KEY_ID, YINLING_SMS_KEY_SECRET, YINLING_SMS_SIGN and YINLING_SMS_TEMPLATES too (and YINLING_SMS_APP_ID for tencent)")
	}
	if (c.WeChatOAAppID == "") != (c.WeChatOAAppSecret == "") {
		return Config{}, errors.New("YINLING_WECHAT_OA_APP_ID and YINLING_WECHAT_OA_APP_SECRET: set both, or neither")
	}
	if c.S3Endpoint != "" && (c.S3AccessKey == "" || c.S3SecretKey == "") {
		return Config{}, errors.New("YINLING_S3_ACCESS_KEY and YINLING_S3_SECRET_KEY: both are required when YINLING_S3_ENDPOINT is set")
	}
	return c, nil
}

// SMS is the SMS provider's account and the office's approved sign and
// templates (content/syndication/sms reads the templates).
type SMS struct {
	Provider  string // aliyun, tencent; "": none
	KeyID     string
	KeySecret string
	Sign      string
	Templates string // JSON: change to template code or id
	AppID     string // Tencent's SdkAppId
	Region    string // Tencent's region
	BaseURL   string // "": the provider's
	PerSecond float64
	MaxVar    int
}

// Load reads the configuration of a command that takes only these flags.
func Load(name string, args []string, getenv func(string) string, output io.Writer) (Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(output)
	flags := AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return flags.Config(getenv)
}

func redact(env, v string) string {
	if strings.Contains(env, "SECRET") || strings.Contains(env, "PASSWORD") || strings.Contains(env, "URI") || strings.Contains(env, "WEBHOOKS") ||
		strings.Contains(env, "SEARCH_URL") || strings.Contains(env, "OTLP_HEADERS") {
		return "…"
	}
	return v
}

// parseHeaders reads key=value pairs separated by commas, values
// percent-encoded, as OTEL_EXPORTER_OTLP_HEADERS has them (nil for "").
func parseHeaders(v string) (map[string]string, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	h := map[string]string{}
	for i, pair := range strings.Split(v, ",") {
		key, value, ok := strings.Cut(pair, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || !headerName.MatchString(key) {
			return nil, fmt.Errorf("pair %d is not a header as key=value", i+1) // the value may be a key: not echoed
		}
		value, err := url.PathUnescape(strings.TrimSpace(value))
		if err != nil || strings.ContainsAny(value, "\r\n") {
			return nil, fmt.Errorf("the value of %s is not percent-encoded text", key)
		}
		h[key] = value
	}
	return h, nil
}

// headerName is an HTTP header name (a token).
var headerName = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
