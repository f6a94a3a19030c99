package config

import (
	"io"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load("serve", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.BaseURL != "http://localhost:8080" || c.MongoDB != "yinling" || !c.Embedded() || !c.EmbeddedS3() ||
		c.AdminUser != "admin" || c.UploadLimitMB != 2048 || c.RequestTimeout != 30*time.Second || c.SearchCacheMB != 32 {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestFlagBeatsEnvironmentBeatsDefault(t *testing.T) {
	c, err := Load("serve", []string{"--addr", "127.0.0.1:9000"}, env(map[string]string{
		"YINLING_ADDR": ":7000", "YINLING_LOG_LEVEL": "debug",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.LogLevel != "debug" {
		t.Fatalf("got addr %q level %q", c.Addr, c.LogLevel)
	}
}

func TestBadValuesNameTheirVariable(t *testing.T) {
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"YINLING_S3_TLS": "maybe"}, nil, "YINLING_S3_TLS"},
		{map[string]string{"YINLING_BASE_URL": "ftp://x"}, nil, "YINLING_BASE_URL"},
		{map[string]string{"YINLING_LOG_LEVEL": "loud"}, nil, "YINLING_LOG_LEVEL"},
		{map[string]string{"YINLING_ADDR": "8080"}, nil, "YINLING_ADDR"},
		{map[string]string{"YINLING_MONGO_URI": "postgres://x"}, nil, "YINLING_MONGO_URI"},
		{map[string]string{"YINLING_UPLOAD_LIMIT_MB": "-1"}, nil, "YINLING_UPLOAD_LIMIT_MB"},
		{map[string]string{"YINLING_SEARCH_CACHE_MB": "0"}, nil, "YINLING_SEARCH_CACHE_MB"},
		{map[string]string{"YINLING_S3_ENDPOINT": "127.0.0.1:9000"}, nil, "YINLING_S3_ACCESS_KEY"},
		{map[string]string{"YINLING_S3_BUCKET": "No_Such"}, nil, "YINLING_S3_BUCKET"},
		{map[string]string{"YINLING_SMS_PROVIDER": "huawei"}, nil, "YINLING_SMS_PROVIDER"},
		{map[string]string{"YINLING_SMS_PROVIDER": "aliyun", "YINLING_SMS_KEY_ID": "LTAI"}, nil, "YINLING_SMS_KEY_SECRET"},
		{map[string]string{"YINLING_SMS_PROVIDER": "tencent", "YINLING_SMS_KEY_ID": "AKID", "YINLING_SMS_KEY_SECRET": "s", "YINLING_SMS_SIGN": "银龄",
			"YINLING_SMS_TEMPLATES": `{"postponed": "1"}`}, nil, "YINLING_SMS_APP_ID"},
		{map[string]string{"YINLING_SMS_PER_SECOND": "0"}, nil, "YINLING_SMS_PER_SECOND"},
		{nil, []string{"--log-format", "xml"}, "--log-format"},
		{map[string]string{"YINLING_TRUSTED_PROXIES": "10.0.0.1, nginx"}, nil, "YINLING_TRUSTED_PROXIES"},
		{map[string]string{"YINLING_CORS_ORIGINS": "front.example.edu"}, nil, "YINLING_CORS_ORIGINS"},
		{map[string]string{"YINLING_CORS_ORIGINS": "https://x.example/path"}, nil, "YINLING_CORS_ORIGINS"},
		{map[string]string{"YINLING_SECRET_KEY": "c2hvcnQ="}, nil, "YINLING_SECRET_KEY"},
		{nil, []string{"--secret-key", "not base64 at all, but long enough to be a key"}, "--secret-key"},
	}
	for _, c := range cases {
		_, err := Load("serve", c.args, env(c.env), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load(%v %v): err = %v, want one naming %s", c.env, c.args, err, c.want)
		}
	}
}

func TestSecretsAreNotEchoed(t *testing.T) {
	_, err := Load("serve", nil, env(map[string]string{"YINLING_MONGO_URI": "postgres://user:hunter2@x"}), io.Discard)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v; must not contain the secret", err)
	}
}

func TestTheSecretKeyIsBase64OfThirtyTwoBytesOrMore(t *testing.T) {
	key := "dGhpcnR5LXR3byBieXRlcyBvZiBhIHNlY3JldCBrZXkh" // "thirty-two bytes of a secret key!"
	c, err := Load("serve", nil, env(map[string]string{"YINLING_SECRET_KEY": key}), io.Discard)
	if err != nil || string(c.SecretKey) != "thirty-two bytes of a secret key!" {
		t.Fatalf("key %q, %v", c.SecretKey, err)
	}
	_, err = Load("serve", nil, env(map[string]string{"YINLING_SECRET_KEY": "c2VjcmV0LXRvby1zaG9ydA"}), io.Discard)
	if err == nil || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Fatalf("a short key: %v; must be refused without echoing it", err)
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := Load("serve", nil, env(map[string]string{"YINLING_TRUSTED_PROXIES": "10.0.0.1, 172.16.0.0/12,"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.TrustedProxies, " ") != "10.0.0.1 172.16.0.0/12" {
		t.Fatalf("trusted proxies = %v", c.TrustedProxies)
	}
}
