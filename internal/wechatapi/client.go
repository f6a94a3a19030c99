// Package wechatapi is the 公众号 (WeChat Official Account) API over
// HTTP: the nine calls the wechatoa channel and the share cards make
// (cgi-bin/stable_token, media/uploadimg, material/add_material,
// draft/add, draft/batchget, freepublish/submit, freepublish/get,
// message/mass/sendall, ticket/getticket), each a JSON or multipart POST
// (getticket a GET) with the access token in the query and an answer
// whose non-zero errcode is a *wechatoa.APIError.
//
// It is a thin client of our own rather than github.com/silenceper/wechat:
// that SDK keeps its token in its own cache (in memory or Redis) where
// the outbox wants it in the site's database, shared by every instance;
// it reaches the fixed host api.weixin.qq.com where tests point at a
// stand-in; and it brings the whole of 公众号, 小程序, 支付 and 企业微信
// for nine calls.
package wechatapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content/syndication/wechatoa"
)

// DefaultBaseURL is the API's address.
const DefaultBaseURL = "https://api.weixin.qq.com"

// The paths of the calls.
const (
	PathStableToken  = "/cgi-bin/stable_token"
	PathUploadImg    = "/cgi-bin/media/uploadimg"
	PathAddMaterial  = "/cgi-bin/material/add_material"
	PathDraftAdd     = "/cgi-bin/draft/add"
	PathDraftList    = "/cgi-bin/draft/batchget"
	PathPublish      = "/cgi-bin/freepublish/submit"
	PathPublishState = "/cgi-bin/freepublish/get"
	PathSendAll      = "/cgi-bin/message/mass/sendall"
	PathTicket       = "/cgi-bin/ticket/getticket"
)

// maxAnswer bounds an answer read.
const maxAnswer = 4 << 20

// Config is what the client is built from.
type Config struct {
	BaseURL   string // DefaultBaseURL when empty
	AppID     string
	AppSecret string
	Client    *http.Client // nil: a one-minute time-out per call
}

// Client is the API over HTTP: the wechatoa channel's Platform.
type Client struct{ cfg Config }

var _ wechatoa.Platform = (*Client)(nil)

// New makes the client.
func New(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: time.Minute}
	}
	return &Client{cfg: cfg}
}

// AppID implements wechatoa.Platform.
func (c *Client) AppID() string { return c.cfg.AppID }

// status is every answer's errcode and errmsg.
type status struct {
	ErrCode int64  `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func (s status) err(op string) error {
	if s.ErrCode == 0 {
		return nil
	}
	return &wechatoa.APIError{Op: op, Code: s.ErrCode, Msg: s.ErrMsg}
}

// id is an id the platform gives as a string or a number (publish_id,
// msg_id).
type id string

func (i *id) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*i = id(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*i = id(n.String())
	return nil
}

// StableToken implements wechatoa.Platform.
func (c *Client) StableToken(ctx context.Context, force bool) (wechatoa.Token, error) {
	var out struct {
		status
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	err := c.postJSON(ctx, "stable_token", PathStableToken, "", nil, map[string]any{"grant_type": "client_credential",
		"appid": c.cfg.AppID, "secret": c.cfg.AppSecret, "force_refresh": force}, &out)
	if err != nil {
		return wechatoa.Token{}, err
	}
	if out.AccessToken == "" || out.ExpiresIn <= 0 {
		return wechatoa.Token{}, fmt.Errorf("wechat stable_token: an answer without a token")
	}
	return wechatoa.Token{Value: out.AccessToken, ExpiresIn: out.ExpiresIn}, nil
}

// UploadImage implements wechatoa.Platform.
func (c *Client) UploadImage(ctx context.Context, token, name string, data []byte) (string, error) {
	var out struct {
		status
		URL string `json:"url"`
	}
	if err := c.postFile(ctx, "media/uploadimg", PathUploadImg, token, nil, name, data, &out); err != nil {
		return "", err
	}
	if out.URL == "" {
		return "", fmt.Errorf("wechat media/uploadimg: an answer without a url")
	}
	return out.URL, nil
}

// AddImageMaterial implements wechatoa.Platform.
func (c *Client) AddImageMaterial(ctx context.Context, token, name string, data []byte) (string, error) {
	var out struct {
		status
		MediaID string `json:"media_id"`
	}
	if err := c.postFile(ctx, "material/add_material", PathAddMaterial, token, url.Values{"type": {"image"}}, name, data, &out); err != nil {
		return "", err
	}
	if out.MediaID == "" {
		return "", fmt.Errorf("wechat material/add_material: an answer without a media_id")
	}
	return out.MediaID, nil
}

// AddDraft implements wechatoa.Platform.
func (c *Client) AddDraft(ctx context.Context, token string, articles []wechatoa.Article) (string, error) {
	var out struct {
		status
		MediaID string `json:"media_id"`
	}
	if err := c.postJSON(ctx, "draft/add", PathDraftAdd, token, nil, map[string]any{"articles": articles}, &out); err != nil {
		return "", err
	}
	if out.MediaID == "" {
		return "", fmt.Errorf("wechat draft/add: an answer without a media_id")
	}
	return out.MediaID, nil
}

// Drafts implements wechatoa.Platform.
func (c *Client) Drafts(ctx context.Context, token string, offset, count int) ([]wechatoa.Draft, int, error) {
	var out struct {
		status
		TotalCount int `json:"total_count"`
		Item       []struct {
			MediaID string `json:"media_id"`
			Content struct {
				NewsItem []wechatoa.Article `json:"news_item"`
			} `json:"content"`
			UpdateTime int64 `json:"update_time"`
		} `json:"item"`
	}
	if err := c.postJSON(ctx, "draft/batchget", PathDraftList, token, nil, map[string]any{"offset": offset, "count": count, "no_content": 1}, &out); err != nil {
		return nil, 0, err
	}
	list := make([]wechatoa.Draft, len(out.Item))
	for i, it := range out.Item {
		list[i] = wechatoa.Draft{MediaID: it.MediaID, UpdateTime: it.UpdateTime, Articles: it.Content.NewsItem}
	}
	return list, out.TotalCount, nil
}

// Publish implements wechatoa.Platform.
func (c *Client) Publish(ctx context.Context, token, mediaID string) (string, error) {
	var out struct {
		status
		PublishID id `json:"publish_id"`
	}
	if err := c.postJSON(ctx, "freepublish/submit", PathPublish, token, nil, map[string]string{"media_id": mediaID}, &out); err != nil {
		return "", err
	}
	if out.PublishID == "" {
		return "", fmt.Errorf("wechat freepublish/submit: an answer without a publish_id")
	}
	return string(out.PublishID), nil
}

// Publication implements wechatoa.Platform.
func (c *Client) Publication(ctx context.Context, token, publishID string) (wechatoa.Publishing, error) {
	var out struct {
		status
		PublishStatus int    `json:"publish_status"`
		ArticleID     string `json:"article_id"`
		ArticleDetail struct {
			Item []struct {
				Idx        int    `json:"idx"`
				ArticleURL string `json:"article_url"`
			} `json:"item"`
		} `json:"article_detail"`
		FailIdx []int `json:"fail_idx"`
	}
	var body any = map[string]string{"publish_id": publishID}
	if n, err := strconv.ParseInt(publishID, 10, 64); err == nil {
		body = map[string]int64{"publish_id": n}
	}
	if err := c.postJSON(ctx, "freepublish/get", PathPublishState, token, nil, body, &out); err != nil {
		return wechatoa.Publishing{}, err
	}
	p := wechatoa.Publishing{Status: out.PublishStatus, ArticleID: out.ArticleID, FailIdx: out.FailIdx}
	for _, it := range out.ArticleDetail.Item {
		p.URLs = append(p.URLs, it.ArticleURL)
	}
	return p, nil
}

// SendAll implements wechatoa.Platform.
func (c *Client) SendAll(ctx context.Context, token, mediaID, clientMsgID string) (string, error) {
	var out struct {
		status
		MsgID id `json:"msg_id"`
	}
	body := map[string]any{"filter": map[string]any{"is_to_all": true}, "mpnews": map[string]string{"media_id": mediaID},
		"msgtype": "mpnews", "send_ignore_reprint": 0, "clientmsgid": clientMsgID}
	if err := c.postJSON(ctx, "message/mass/sendall", PathSendAll, token, nil, body, &out); err != nil {
		return "", err
	}
	return string(out.MsgID), nil
}

// Ticket implements wechatoa.Platform.
func (c *Client) Ticket(ctx context.Context, token string) (wechatoa.Token, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url(PathTicket, token, url.Values{"type": {"jsapi"}}), nil)
	if err != nil {
		return wechatoa.Token{}, fmt.Errorf("wechat ticket/getticket: %w", err)
	}
	var out struct {
		status
		Ticket    string `json:"ticket"`
		ExpiresIn int64  `json:"expires_in"`
	}
	if err := c.do(req, "ticket/getticket", &out); err != nil {
		return wechatoa.Token{}, err
	}
	if out.Ticket == "" || out.ExpiresIn <= 0 {
		return wechatoa.Token{}, fmt.Errorf("wechat ticket/getticket: an answer without a ticket")
	}
	return wechatoa.Token{Value: out.Ticket, ExpiresIn: out.ExpiresIn}, nil
}

func (c *Client) url(path, token string, q url.Values) string {
	if q == nil {
		q = url.Values{}
	}
	if token != "" {
		q.Set("access_token", token)
	}
	u := c.cfg.BaseURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// postJSON posts body as JSON (non-ASCII and <, >, & as they are: the
// article's HTML is sent unescaped) and decodes the answer into out,
// whose embedded status gives the error.
func (c *Client) postJSON(ctx context.Context, op, path, token string, q url.Values, body, out any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return fmt.Errorf("wechat %s: encode: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url(path, token, q), &buf)
	if err != nil {
		return fmt.Errorf("wechat %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	return c.do(req, op, out)
}

// postFile posts data as the multipart field "media".
func (c *Client) postFile(ctx context.Context, op, path, token string, q url.Values, name string, data []byte, out any) error {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("media", name)
	if err == nil {
		_, err = fw.Write(data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return fmt.Errorf("wechat %s: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url(path, token, q), &buf)
	if err != nil {
		return fmt.Errorf("wechat %s: %w", op, err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req, op, out)
}

// do sends the request and decodes a 200 answer into out; a non-zero
// errcode is a *wechatoa.APIError, another status a *wechatoa.StatusError.
func (c *Client) do(req *http.Request, op string, out any) error {
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("wechat %s: %w", op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("wechat %s: read the answer: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		return &wechatoa.StatusError{Op: op, Status: resp.StatusCode}
	}
	var st status
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("wechat %s: an answer that is not JSON: %w", op, err)
	}
	if err := st.err(op); err != nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("wechat %s: read the answer: %w", op, err)
	}
	return nil
}
