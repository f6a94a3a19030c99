package douyinapi

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

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/douyin"
	"github.com/yinling-cms/yinling/internal/ground/redact"
)

// Config is what the client is built from.
type Config struct {
	BaseURL      string // DefaultBaseURL when empty
	ClientKey    string
	ClientSecret string
	Client       *http.Client // nil: a 10-minute time-out per call
}

// Client is the Open Platform over HTTP: the douyin channel's Platform.
type Client struct{ cfg Config }

var _ douyin.Platform = (*Client)(nil)

// New makes the client.
func New(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Minute}
	}
	return &Client{cfg: cfg}
}

// AuthorizeURL implements douyin.Platform.
func (c *Client) AuthorizeURL(redirect, state string) string {
	q := url.Values{"client_key": {c.cfg.ClientKey}, "response_type": {"code"}, "scope": {Scopes}, "redirect_uri": {redirect}, "state": {state}}
	return c.cfg.BaseURL + "/platform/oauth/connect/?" + q.Encode()
}

// AccessToken implements douyin.Platform.
func (c *Client) AccessToken(ctx context.Context, code string) (douyin.Token, error) {
	return c.oauth(ctx, PathAccessToken, url.Values{"client_key": {c.cfg.ClientKey}, "client_secret": {c.cfg.ClientSecret},
		"code": {code}, "grant_type": {"authorization_code"}})
}

// RefreshToken implements douyin.Platform.
func (c *Client) RefreshToken(ctx context.Context, refreshToken string) (douyin.Token, error) {
	return c.oauth(ctx, PathRefreshToken, url.Values{"client_key": {c.cfg.ClientKey}, "grant_type": {"refresh_token"}, "refresh_token": {refreshToken}})
}

// RenewRefreshToken implements douyin.Platform.
func (c *Client) RenewRefreshToken(ctx context.Context, refreshToken string) (douyin.Token, error) {
	return c.oauth(ctx, PathRenewRefresh, url.Values{"client_key": {c.cfg.ClientKey}, "refresh_token": {refreshToken}})
}

// oauth posts a form to an OAuth path and returns the token data.
func (c *Client) oauth(ctx context.Context, path string, form url.Values) (douyin.Token, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return douyin.Token{}, fmt.Errorf("douyin: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var out envelope[token]
	if err := c.do(req, &out); err != nil {
		return douyin.Token{}, err
	}
	if err := check(out.Data.status, out.Extra); err != nil {
		return douyin.Token{}, err
	}
	t := out.Data
	return douyin.Token{AccessToken: t.AccessToken, ExpiresIn: int64(t.ExpiresIn), OpenID: t.OpenID, RefreshToken: t.RefreshToken,
		RefreshExpiresIn: int64(t.RefreshExpiresIn), Scope: t.Scope}, nil
}

// UploadVideo implements douyin.Platform.
func (c *Client) UploadVideo(ctx context.Context, acct syndication.Account, name string, body io.Reader) (string, error) {
	var out envelope[uploadData]
	if err := c.sendFile(ctx, acct, PathUpload, nil, "video", name, body, &out); err != nil {
		return "", err
	}
	if err := check(out.Data.status, out.Extra); err != nil {
		return "", err
	}
	return out.Data.Video.VideoID, nil
}

// StartParts implements douyin.Platform.
func (c *Client) StartParts(ctx context.Context, acct syndication.Account) (string, error) {
	var out envelope[partInitData]
	if err := c.call(ctx, acct, http.MethodPost, PathPartInit, nil, jsonBody(struct{}{}), "application/json", &out); err != nil {
		return "", err
	}
	if err := check(out.Data.status, out.Extra); err != nil {
		return "", err
	}
	return out.Data.UploadID, nil
}

// UploadPart implements douyin.Platform.
func (c *Client) UploadPart(ctx context.Context, acct syndication.Account, uploadID string, n int, name string, body io.Reader) error {
	q := url.Values{"upload_id": {uploadID}, "part_number": {strconv.Itoa(n)}}
	var out envelope[status]
	if err := c.sendFile(ctx, acct, PathPartUpload, q, "video", name, body, &out); err != nil {
		return err
	}
	return check(out.Data, out.Extra)
}

// CompleteParts implements douyin.Platform.
func (c *Client) CompleteParts(ctx context.Context, acct syndication.Account, uploadID string) (string, error) {
	var out envelope[uploadData]
	if err := c.call(ctx, acct, http.MethodPost, PathPartComplete, url.Values{"upload_id": {uploadID}}, jsonBody(struct{}{}), "application/json", &out); err != nil {
		return "", err
	}
	if err := check(out.Data.status, out.Extra); err != nil {
		return "", err
	}
	return out.Data.Video.VideoID, nil
}

// UploadImage implements douyin.Platform.
func (c *Client) UploadImage(ctx context.Context, acct syndication.Account, name string, body io.Reader) (string, error) {
	var out envelope[imageData]
	if err := c.sendFile(ctx, acct, PathUploadImage, nil, "image", name, body, &out); err != nil {
		return "", err
	}
	if err := check(out.Data.status, out.Extra); err != nil {
		return "", err
	}
	return out.Data.Image.ImageID, nil
}

// CreateVideo implements douyin.Platform.
func (c *Client) CreateVideo(ctx context.Context, acct syndication.Account, p douyin.VideoPost) (string, error) {
	req := CreateRequest{VideoID: p.VideoID, Text: p.Text, CoverTsp: p.CoverTsp, CustomCover: p.CoverImage}
	var out envelope[createData]
	if err := c.call(ctx, acct, http.MethodPost, PathCreate, nil, jsonBody(req), "application/json", &out); err != nil {
		return "", err
	}
	if err := check(out.Data.status, out.Extra); err != nil {
		return "", err
	}
	return out.Data.ItemID, nil
}

// VideoData implements douyin.Platform.
func (c *Client) VideoData(ctx context.Context, acct syndication.Account, itemIDs []string) ([]douyin.Item, error) {
	var out envelope[itemsData]
	if err := c.call(ctx, acct, http.MethodPost, PathVideoData, nil, jsonBody(map[string][]string{"item_ids": itemIDs}), "application/json", &out); err != nil {
		return nil, err
	}
	if err := check(out.Data.status, out.Extra); err != nil {
		return nil, err
	}
	return out.Data.items(), nil
}

// VideoList implements douyin.Platform.
func (c *Client) VideoList(ctx context.Context, acct syndication.Account, cursor int64, count int) (douyin.Page, error) {
	var out envelope[itemsData]
	q := url.Values{"cursor": {strconv.FormatInt(cursor, 10)}, "count": {strconv.Itoa(count)}}
	if err := c.call(ctx, acct, http.MethodGet, PathVideoList, q, nil, "", &out); err != nil {
		return douyin.Page{}, err
	}
	if err := check(out.Data.status, out.Extra); err != nil {
		return douyin.Page{}, err
	}
	return douyin.Page{List: out.Data.items(), Cursor: int64(out.Data.Cursor), HasMore: out.Data.HasMore}, nil
}

// sendFile streams body as the multipart field, as it is read.
func (c *Client) sendFile(ctx context.Context, acct syndication.Account, path string, q url.Values, field, name string, body io.Reader, out any) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile(field, name)
		if err == nil {
			_, err = io.Copy(part, body)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	return c.call(ctx, acct, http.MethodPost, path, q, pr, mw.FormDataContentType(), out)
}

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

// call makes one API call with the account's token (header access-token,
// open_id in the query) and decodes the envelope into out.
func (c *Client) call(ctx context.Context, acct syndication.Account, method, path string, q url.Values, body io.Reader, ctype string, out any) error {
	if q == nil {
		q = url.Values{}
	}
	q.Set("open_id", acct.OpenID)
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path+"?"+q.Encode(), body)
	if err != nil {
		return fmt.Errorf("douyin: %w", err)
	}
	req.Header.Set("access-token", acct.AccessToken)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return c.do(req, out)
}

func (c *Client) do(req *http.Request, out any) error {
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("douyin: %s: %w", req.URL.Path, redact.Error(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("douyin: %s: read the answer: %w", req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("douyin: %s answered %s", req.URL.Path, resp.Status)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("douyin: %s: the answer is not the documented JSON: %w", req.URL.Path, err)
	}
	return nil
}
