// Package aliyun sends text messages through Aliyun SMS (dysmsapi,
// version 2017-05-25, SendSms), signed with ACS3-HMAC-SHA256, the V3
// request signature Aliyun documents for its OpenAPI today ("V3版本请求体
// &签名机制"; the older RPC HMAC-SHA1 signature still works but is the
// one Aliyun asks new code to move from): the parameters in the query,
// an empty body, and the signature in the Authorization header over the
// method, the path, the canonical query, the signed headers and the
// SHA-256 of the body.
package aliyun

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/internal/smsapi"
)

// The protocol's constants.
const (
	DefaultBaseURL = "https://dysmsapi.aliyuncs.com"
	Version        = "2017-05-25"
	ActionSendSms  = "SendSms"
	Algorithm      = "ACS3-HMAC-SHA256"
	// EmptySHA256 is the hex SHA-256 of an empty body.
	EmptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// provider names Aliyun in reasons.
const provider = "阿里云短信"

// Config is what the client is built from.
type Config struct {
	BaseURL         string // DefaultBaseURL when empty
	AccessKeyID     string
	AccessKeySecret string
	Client          *http.Client // nil: a 30-second time-out
	Clock           func() time.Time
}

// Client is Aliyun SMS over HTTP: the sms channel's Sender.
type Client struct{ cfg Config }

var _ sms.Sender = (*Client)(nil)

// New makes the client.
func New(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &Client{cfg: cfg}
}

// Send implements sms.Sender: SendSms with the template's variables as
// the JSON object TemplateParam, and m.Ref as OutId.
func (c *Client) Send(ctx context.Context, m sms.Message) (sms.Receipt, error) {
	params := map[string]string{}
	for _, p := range m.Params {
		params[p.Name] = p.Value
	}
	tp, err := json.Marshal(params)
	if err != nil {
		return sms.Receipt{}, fmt.Errorf("aliyun: encode the template's variables: %w", err)
	}
	q := map[string]string{"PhoneNumbers": m.Phone, "SignName": m.Sign, "TemplateCode": m.Template, "TemplateParam": string(tp)}
	if m.Ref != "" {
		q["OutId"] = m.Ref
	}
	u, err := url.Parse(c.cfg.BaseURL)
	if err != nil {
		return sms.Receipt{}, fmt.Errorf("aliyun: the base URL: %w", err)
	}
	query := CanonicalQuery(q)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+"/?"+query, http.NoBody)
	if err != nil {
		return sms.Receipt{}, fmt.Errorf("aliyun: build the request: %w", err)
	}
	h := map[string]string{
		"host":                  u.Host,
		"x-acs-action":          ActionSendSms,
		"x-acs-version":         Version,
		"x-acs-date":            c.cfg.Clock().UTC().Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": nonce(),
		"x-acs-content-sha256":  EmptySHA256,
	}
	for k, v := range h {
		if k != "host" {
			req.Header.Set(k, v)
		}
	}
	signed, sig := Sign(c.cfg.AccessKeySecret, http.MethodPost, "/", query, h, EmptySHA256)
	req.Header.Set("Authorization", Algorithm+" Credential="+c.cfg.AccessKeyID+",SignedHeaders="+signed+",Signature="+sig)
	res, err := c.cfg.Client.Do(req)
	if err != nil {
		return sms.Receipt{}, smsapi.Transport(provider, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return sms.Receipt{}, smsapi.Transport(provider, err)
	}
	var ans struct{ Code, Message, BizId, RequestId string }
	if jerr := json.Unmarshal(body, &ans); jerr != nil || ans.Code == "" {
		if res.StatusCode >= 500 {
			// A gateway's error page: whether SendSms ran is unknown.
			return sms.Receipt{}, fmt.Errorf("%s: HTTP %d with no answer", provider, res.StatusCode)
		}
		return sms.Receipt{}, &sms.SendError{Provider: provider, Code: fmt.Sprintf("HTTP %d", res.StatusCode), Reason: "短信服务的答复无法识别", Class: sms.Retry}
	}
	if ans.Code == "OK" {
		return sms.Receipt{ID: ans.BizId}, nil
	}
	return sms.Receipt{}, refusal(ans.Code, ans.Message)
}

// CanonicalQuery is the query as V3 signs it and sends it: the
// parameters sorted by name, names and values percent-encoded as RFC
// 3986 says (a space is %20, * is %2A, ~ stays), joined by &.
func CanonicalQuery(q map[string]string) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = Escape(k) + "=" + Escape(q[k])
	}
	return strings.Join(parts, "&")
}

// Escape percent-encodes s as RFC 3986 says: only A-Z a-z 0-9 - _ . ~
// stay.
func Escape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// Sign is the V3 signature: the canonical request (method, path,
// canonical query, each signed header as "name:value\n" sorted by name,
// the signed header names joined by ";", the body's hex SHA-256), its hex
// SHA-256 under "ACS3-HMAC-SHA256\n", and that string's hex HMAC-SHA256
// under the secret. headers are lower-case names and their values; it
// returns the signed header names and the signature.
func Sign(secret, method, path, query string, headers map[string]string, bodySHA256 string) (signedHeaders, signature string) {
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, strings.ToLower(k))
	}
	sort.Strings(names)
	var canon strings.Builder
	for _, k := range names {
		canon.WriteString(k + ":" + strings.TrimSpace(headers[k]) + "\n")
	}
	signedHeaders = strings.Join(names, ";")
	req := method + "\n" + path + "\n" + query + "\n" + canon.String() + "\n" + signedHeaders + "\n" + bodySHA256
	sum := sha256.Sum256([]byte(req))
	toSign := Algorithm + "\n" + hex.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(toSign))
	return signedHeaders, hex.EncodeToString(mac.Sum(nil))
}

func nonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
