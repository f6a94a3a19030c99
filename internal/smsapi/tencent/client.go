// Package tencent sends text messages through Tencent Cloud SMS (API
// 3.0, version 2021-01-11, SendSms), signed with TC3-HMAC-SHA256: a JSON
// body posted to /, the signature in the Authorization header over the
// canonical request (method, path, empty query, the signed headers
// content-type, host and x-tc-action in lower case, the body's hex
// SHA-256), keyed by a chain of HMAC-SHA256 from "TC3"+SecretKey
// through the UTC date, the service and "tc3_request".
package tencent

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/internal/smsapi"
)

// The protocol's constants.
const (
	DefaultBaseURL = "https://sms.tencentcloudapi.com"
	DefaultRegion  = "ap-guangzhou"
	Service        = "sms"
	Version        = "2021-01-11"
	ActionSendSms  = "SendSms"
	Algorithm      = "TC3-HMAC-SHA256"
	ContentType    = "application/json; charset=utf-8"
	SignedHeaders  = "content-type;host;x-tc-action"
)

const provider = "腾讯云短信"

// Config is what the client is built from.
type Config struct {
	BaseURL   string // DefaultBaseURL when empty
	SecretID  string
	SecretKey string
	// SdkAppID is the SMS application's id (1400…).
	SdkAppID string
	Region   string       // DefaultRegion when empty
	Client   *http.Client // nil: a 30-second time-out
	Clock    func() time.Time
}

// Client is Tencent Cloud SMS over HTTP: the sms channel's Sender.
type Client struct{ cfg Config }

var _ sms.Sender = (*Client)(nil)

// New makes the client.
func New(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &Client{cfg: cfg}
}

// Request is SendSms's body.
type Request struct {
	PhoneNumberSet   []string
	SmsSdkAppId      string
	SignName         string
	TemplateId       string
	TemplateParamSet []string
	SessionContext   string `json:",omitempty"`
}

// Send implements sms.Sender: SendSms to +86 and the number, the
// template's variables in order as TemplateParamSet, m.Ref as
// SessionContext.
func (c *Client) Send(ctx context.Context, m sms.Message) (sms.Receipt, error) {
	in := Request{PhoneNumberSet: []string{"+86" + m.Phone}, SmsSdkAppId: c.cfg.SdkAppID, SignName: m.Sign, TemplateId: m.Template,
		TemplateParamSet: make([]string, len(m.Params)), SessionContext: m.Ref}
	for i, p := range m.Params {
		in.TemplateParamSet[i] = p.Value
	}
	body, err := json.Marshal(in)
	if err != nil {
		return sms.Receipt{}, fmt.Errorf("tencent: encode the request: %w", err)
	}
	u, err := url.Parse(c.cfg.BaseURL)
	if err != nil {
		return sms.Receipt{}, fmt.Errorf("tencent: the base URL: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+"/", bytes.NewReader(body))
	if err != nil {
		return sms.Receipt{}, fmt.Errorf("tencent: build the request: %w", err)
	}
	ts := c.cfg.Clock().Unix()
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("X-TC-Action", ActionSendSms)
	req.Header.Set("X-TC-Version", Version)
	req.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-TC-Region", c.cfg.Region)
	req.Header.Set("Authorization", Authorization(c.cfg.SecretID, c.cfg.SecretKey, u.Host, ActionSendSms, ts, body))
	res, err := c.cfg.Client.Do(req)
	if err != nil {
		return sms.Receipt{}, smsapi.Transport(provider, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return sms.Receipt{}, smsapi.Transport(provider, err)
	}
	var ans struct {
		Response struct {
			Error         *struct{ Code, Message string }
			SendStatusSet []struct {
				SerialNo, PhoneNumber, Code, Message string
			}
			RequestId string
		}
	}
	if jerr := json.Unmarshal(raw, &ans); jerr != nil || (ans.Response.Error == nil && len(ans.Response.SendStatusSet) == 0) {
		if res.StatusCode >= 500 {
			return sms.Receipt{}, fmt.Errorf("%s: HTTP %d with no answer", provider, res.StatusCode)
		}
		return sms.Receipt{}, &sms.SendError{Provider: provider, Code: fmt.Sprintf("HTTP %d", res.StatusCode), Reason: "短信服务的答复无法识别", Class: sms.Retry}
	}
	if e := ans.Response.Error; e != nil {
		return sms.Receipt{}, refusal(e.Code, e.Message)
	}
	st := ans.Response.SendStatusSet[0]
	if st.Code != "Ok" {
		return sms.Receipt{}, refusal(st.Code, st.Message)
	}
	return sms.Receipt{ID: st.SerialNo}, nil
}

// Authorization is the TC3-HMAC-SHA256 Authorization header of a POST of
// body to host with action at Unix time ts.
func Authorization(secretID, secretKey, host, action string, ts int64, body []byte) string {
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	scope := date + "/" + Service + "/tc3_request"
	return Algorithm + " Credential=" + secretID + "/" + scope + ", SignedHeaders=" + SignedHeaders + ", Signature=" +
		Signature(secretKey, host, action, ts, body)
}

// Signature is the hex signature of a POST of body to host with action
// at Unix time ts.
func Signature(secretKey, host, action string, ts int64, body []byte) string {
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	payload := sha256.Sum256(body)
	canonical := "POST\n/\n\n" + "content-type:" + strings.ToLower(ContentType) + "\nhost:" + strings.ToLower(host) +
		"\nx-tc-action:" + strings.ToLower(action) + "\n\n" + SignedHeaders + "\n" + hex.EncodeToString(payload[:])
	creq := sha256.Sum256([]byte(canonical))
	toSign := Algorithm + "\n" + strconv.FormatInt(ts, 10) + "\n" + date + "/" + Service + "/tc3_request\n" + hex.EncodeToString(creq[:])
	k := mac([]byte("TC3"+secretKey), date)
	k = mac(k, Service)
	k = mac(k, "tc3_request")
	return hex.EncodeToString(mac(k, toSign))
}

func mac(key []byte, s string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(s))
	return h.Sum(nil)
}
