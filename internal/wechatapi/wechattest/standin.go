// Package wechattest is a local stand-in for the 公众号 API's calls the
// wechatoa channel and the share cards make, following their documented
// protocol: cgi-bin/stable_token (a token good for expires_in seconds,
// the same one again in normal mode until its last five minutes, a new
// one with force_refresh, which ends the old); the access_token query on
// every other call (41001 without, 40001 for one not issued or ended by
// a forced refresh, 42001 for one expired); the multipart field "media"
// of media/uploadimg (JPEG or PNG under 1 MB) and material/add_material;
// draft/add's limits (title, author, digest, content, a thumb_media_id
// that is permanent material); freepublish/submit and freepublish/get;
// message/mass/sendall's clientmsgid; ticket/getticket. A test asks for
// failures: 5xx answers, time-outs, a call done but never answered, an
// error code, tokens expired early.
package wechattest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content/syndication/wechatoa"
	"github.com/yinling-cms/yinling/internal/wechatapi"
)

// Failure is what the stand-in does instead of answering a call.
type Failure struct {
	// Status, when not zero, is the HTTP status answered (503).
	Status int
	// Hang waits until the client gives up, doing nothing.
	Hang bool
	// DoThenHang does the call, then waits until the client gives up.
	DoThenHang bool
	// Code, when not zero, is the errcode answered, with Msg.
	Code int64
	Msg  string
	// ExpireToken expires every token, then answers 42001.
	ExpireToken bool
}

// Common failures.
var (
	Status503   = Failure{Status: http.StatusServiceUnavailable}
	Hang        = Failure{Hang: true}
	DoThenHang  = Failure{DoThenHang: true}
	ExpireToken = Failure{ExpireToken: true}
	Busy        = Failure{Code: -1, Msg: "system error"}
	NotVerified = Failure{Code: 48001, Msg: "api unauthorized rid: 6571f0e3-1f2a"}
	Quota       = Failure{Code: 45009, Msg: "reach max api daily quota limit rid: 6571f0e3-1f2b"}
)

// IPNotAllowed is 40164 for ip, as the platform words it.
func IPNotAllowed(ip string) Failure {
	return Failure{Code: 40164, Msg: fmt.Sprintf("invalid ip %s ipv6 ::ffff:%s, not in whitelist rid: 6571f0e3-1f2c", ip, ip)}
}

// Upload is a file the stand-in was sent.
type Upload struct {
	Name, MediaID, URL string
	Data               []byte
}

// Draft is a draft the stand-in holds.
type Draft struct {
	MediaID    string
	Articles   []wechatoa.Article
	UpdateTime int64
}

// Publication is a publication the stand-in holds.
type Publication struct {
	ID, MediaID string
	// Polls is how many more looks answer "publishing".
	Polls      int
	Status     int
	ArticleURL string
}

// Mass is a 群发 the stand-in made.
type Mass struct {
	MediaID, ClientMsgID, MsgID string
}

type token struct {
	value   string
	expires time.Time
	ended   bool
}

// Server is the stand-in.
type Server struct {
	*httptest.Server
	AppID, AppSecret string
	// TokenTTL is a token's life (7200 s when zero).
	TokenTTL time.Duration
	// PublishPolls is how many looks at a publication answer
	// "publishing" before it is done.
	PublishPolls int
	// Before and After, when set, run before and after each call is
	// handled (a test stops the server in them).
	Before, After func(r *http.Request)

	mu       sync.Mutex
	fail     map[string][]Failure
	tokens   []*token
	tickets  int
	forced   int
	seq      int
	images   []Upload
	material []Upload
	drafts   []Draft
	pubs     []*Publication
	masses   []Mass
	calls    map[string]int
}

// New starts a stand-in.
func New() *Server {
	s := &Server{AppID: "wx0123456789abcdef", AppSecret: "0123456789abcdef0123456789abcdef", fail: map[string][]Failure{},
		calls: map[string]int{}, PublishPolls: 1}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Fail makes the next calls of path fail, one failure each, in order.
func (s *Server) Fail(path string, fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[path] = append(s.fail[path], fs...)
}

// ExpireTokens makes every token issued so far expired.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.expires = time.Now().Add(-time.Second)
	}
}

// Images are the body images uploaded (media/uploadimg), in order.
func (s *Server) Images() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.images...)
}

// Material is the permanent material added, in order.
func (s *Server) Material() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.material...)
}

// Drafts are the drafts made, in order.
func (s *Server) Drafts() []Draft {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Draft(nil), s.drafts...)
}

// Publications are the publications submitted, in order.
func (s *Server) Publications() []Publication {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Publication, len(s.pubs))
	for i, p := range s.pubs {
		out[i] = *p
	}
	return out
}

// Masses are the 群发 made, in order.
func (s *Server) Masses() []Mass {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mass(nil), s.masses...)
}

// Calls is how many times path was called.
func (s *Server) Calls(path string) int { s.mu.Lock(); defer s.mu.Unlock(); return s.calls[path] }

// ForcedRefreshes is how many tokens were asked for with force_refresh.
func (s *Server) ForcedRefreshes() int { s.mu.Lock(); defer s.mu.Unlock(); return s.forced }

// TokensIssued is how many different access tokens were issued.
func (s *Server) TokensIssued() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.tokens) }

func (s *Server) next(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%06d", prefix, s.seq)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.Before != nil {
		s.Before(r)
	}
	s.mu.Lock()
	s.calls[r.URL.Path]++
	var f *Failure
	if q := s.fail[r.URL.Path]; len(q) > 0 {
		f, s.fail[r.URL.Path] = &q[0], q[1:]
	}
	s.mu.Unlock()
	if f != nil {
		switch {
		case f.Status != 0:
			http.Error(w, "upstream unavailable", f.Status)
			return
		case f.Hang:
			<-r.Context().Done()
			return
		case f.Code != 0:
			answer(w, map[string]any{"errcode": f.Code, "errmsg": f.Msg})
			return
		case f.ExpireToken:
			s.ExpireTokens()
			answer(w, map[string]any{"errcode": 42001, "errmsg": "access_token expired rid: 6571f0e3-1f2d"})
			return
		}
	}
	var out any
	if r.URL.Path == wechatapi.PathStableToken {
		out = s.stableToken(r)
	} else if e := s.checkToken(r); e != nil {
		out = e
	} else {
		out = s.handle(r)
	}
	if f != nil && f.DoThenHang {
		<-r.Context().Done()
		return
	}
	if s.After != nil {
		s.After(r)
	}
	answer(w, out)
}

func answer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func fault(code int64, msg string) map[string]any {
	return map[string]any{"errcode": code, "errmsg": msg + " rid: 6571f0e3-0000"}
}

func (s *Server) ttl() time.Duration {
	if s.TokenTTL > 0 {
		return s.TokenTTL
	}
	return 7200 * time.Second
}

func (s *Server) stableToken(r *http.Request) any {
	if r.Method != http.MethodPost {
		return fault(43002, "require POST method")
	}
	var in struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		return fault(47001, "data format error")
	}
	switch {
	case in.GrantType != "client_credential":
		return fault(40002, "invalid grant_type")
	case in.AppID != s.AppID:
		return fault(40013, "invalid appid")
	case in.Secret != s.AppSecret:
		return fault(40125, "invalid appsecret")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	var cur *token
	if n := len(s.tokens); n > 0 && !s.tokens[n-1].ended {
		cur = s.tokens[n-1]
	}
	if in.ForceRefresh {
		s.forced++
		if cur != nil {
			cur.ended = true
		}
		cur = nil
	}
	if cur == nil || cur.expires.Sub(now) < 5*time.Minute {
		cur = &token{value: s.next("ACCESS_TOKEN_"), expires: now.Add(s.ttl())}
		s.tokens = append(s.tokens, cur)
	}
	return map[string]any{"access_token": cur.value, "expires_in": int64(cur.expires.Sub(now).Seconds())}
}

func (s *Server) checkToken(r *http.Request) any {
	v := r.URL.Query().Get("access_token")
	if v == "" {
		return fault(41001, "access_token missing")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t.value != v {
			continue
		}
		switch {
		case t.ended:
			return fault(40001, "invalid credential, access_token is invalid or not latest")
		case time.Now().After(t.expires):
			return fault(42001, "access_token expired")
		}
		return nil
	}
	return fault(40001, "invalid credential, access_token is invalid or not latest")
}

func (s *Server) handle(r *http.Request) any {
	switch r.URL.Path {
	case wechatapi.PathUploadImg:
		return s.upload(r, false)
	case wechatapi.PathAddMaterial:
		if r.URL.Query().Get("type") != "image" {
			return fault(40004, "invalid media type")
		}
		return s.upload(r, true)
	case wechatapi.PathTicket:
		if r.Method != http.MethodGet || r.URL.Query().Get("type") != "jsapi" {
			return fault(40097, "invalid args")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.tickets++
		return map[string]any{"errcode": 0, "errmsg": "ok", "ticket": fmt.Sprintf("TICKET_%06d", s.tickets), "expires_in": 7200}
	}
	if r.Method != http.MethodPost {
		return fault(43002, "require POST method")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 2<<20))
	if err != nil {
		return fault(47001, "data format error")
	}
	switch r.URL.Path {
	case wechatapi.PathDraftAdd:
		return s.draftAdd(body)
	case wechatapi.PathDraftList:
		return s.draftList(body)
	case wechatapi.PathPublish:
		return s.publish(body)
	case wechatapi.PathPublishState:
		return s.publishState(body)
	case wechatapi.PathSendAll:
		return s.sendAll(body)
	}
	return fault(40066, "invalid url")
}

func (s *Server) upload(r *http.Request, material bool) any {
	if r.Method != http.MethodPost {
		return fault(43002, "require POST method")
	}
	if err := r.ParseMultipartForm(4 << 20); err != nil {
		return fault(41005, "media data missing")
	}
	f, hdr, err := r.FormFile("media")
	if err != nil {
		return fault(41005, "media data missing")
	}
	defer f.Close()
	data, _ := io.ReadAll(io.LimitReader(f, 4<<20))
	jpeg := bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF})
	png := bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n"))
	switch {
	case !jpeg && !png:
		return fault(40005, "invalid file type")
	case len(data) >= wechatoa.MaxImageBytes:
		return fault(40006, "invalid meida size")
	}
	sum := sha256.Sum256(data)
	ext := "jpeg"
	if png {
		ext = "png"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := Upload{Name: hdr.Filename, Data: data, URL: fmt.Sprintf("http://mmbiz.qpic.cn/mmbiz_%s/%s/0?wx_fmt=%s", ext, hex.EncodeToString(sum[:12]), ext)}
	if material {
		u.MediaID = s.next("MATERIAL_")
		s.material = append(s.material, u)
		return map[string]any{"media_id": u.MediaID, "url": u.URL}
	}
	s.images = append(s.images, u)
	return map[string]any{"url": u.URL}
}

func (s *Server) draftAdd(body []byte) any {
	var in struct {
		Articles []wechatoa.Article `json:"articles"`
	}
	if err := json.Unmarshal(body, &in); err != nil || len(in.Articles) == 0 {
		return fault(47001, "data format error")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range in.Articles {
		switch {
		case a.Title == "" || utf8.RuneCountInString(a.Title) > wechatoa.MaxTitleRunes:
			return fault(45003, "title size out of limit")
		case utf8.RuneCountInString(a.Author) > wechatoa.MaxAuthorRunes:
			return fault(45110, "author size out of limit")
		case utf8.RuneCountInString(a.Digest) > wechatoa.MaxDigestRunes:
			return fault(45004, "description size out of limit")
		case utf8.RuneCountInString(a.Content) >= wechatoa.MaxContentRunes || len(a.Content) >= wechatoa.MaxContentBytes:
			return fault(45002, "content size out of limit")
		case !s.isMaterial(a.ThumbMediaID):
			return fault(40007, "invalid media_id")
		}
	}
	d := Draft{MediaID: s.next("DRAFT_"), Articles: in.Articles, UpdateTime: time.Now().Unix()}
	s.drafts = append(s.drafts, d)
	return map[string]any{"media_id": d.MediaID}
}

func (s *Server) isMaterial(id string) bool {
	for _, m := range s.material {
		if m.MediaID == id {
			return true
		}
	}
	return false
}

func (s *Server) draftList(body []byte) any {
	var in struct {
		Offset    int `json:"offset"`
		Count     int `json:"count"`
		NoContent int `json:"no_content"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Count < 1 || in.Count > 20 || in.Offset < 0 {
		return fault(40097, "invalid args")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []any
	for i := len(s.drafts) - 1 - in.Offset; i >= 0 && len(items) < in.Count; i-- { // newest first
		d := s.drafts[i]
		arts := make([]wechatoa.Article, len(d.Articles))
		copy(arts, d.Articles)
		if in.NoContent == 1 {
			for j := range arts {
				arts[j].Content = ""
			}
		}
		items = append(items, map[string]any{"media_id": d.MediaID, "content": map[string]any{"news_item": arts}, "update_time": d.UpdateTime})
	}
	return map[string]any{"total_count": len(s.drafts), "item_count": len(items), "item": items}
}

func (s *Server) draft(id string) (Draft, bool) {
	for _, d := range s.drafts {
		if d.MediaID == id {
			return d, true
		}
	}
	return Draft{}, false
}

func (s *Server) publish(body []byte) any {
	var in struct {
		MediaID string `json:"media_id"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return fault(47001, "data format error")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.draft(in.MediaID); !ok {
		return fault(40007, "invalid media_id")
	}
	n := len(s.pubs) + 1
	p := &Publication{ID: strconv.Itoa(2247483000 + n), MediaID: in.MediaID, Polls: s.PublishPolls, Status: wechatoa.PublishRunning,
		ArticleURL: fmt.Sprintf("https://mp.weixin.qq.com/s/standin%06d", n)}
	s.pubs = append(s.pubs, p)
	return map[string]any{"errcode": 0, "errmsg": "ok", "publish_id": p.ID, "msg_data_id": 2247483700 + n}
}

func (s *Server) publishState(body []byte) any {
	var in struct {
		PublishID json.Number `json:"publish_id"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return fault(47001, "data format error")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.pubs {
		if p.ID != in.PublishID.String() {
			continue
		}
		if p.Polls > 0 {
			p.Polls--
			return map[string]any{"publish_id": p.ID, "publish_status": wechatoa.PublishRunning}
		}
		p.Status = wechatoa.PublishDone
		return map[string]any{"publish_id": p.ID, "publish_status": 0, "article_id": "ARTICLE_" + p.ID,
			"article_detail": map[string]any{"count": 1, "item": []any{map[string]any{"idx": 1, "article_url": p.ArticleURL}}}, "fail_idx": []int{}}
	}
	return fault(40007, "invalid publish_id")
}

func (s *Server) sendAll(body []byte) any {
	var in struct {
		Filter struct {
			IsToAll bool `json:"is_to_all"`
		} `json:"filter"`
		MPNews struct {
			MediaID string `json:"media_id"`
		} `json:"mpnews"`
		MsgType     string `json:"msgtype"`
		ClientMsgID string `json:"clientmsgid"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.MsgType != "mpnews" || !in.Filter.IsToAll {
		return fault(47001, "data format error")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.draft(in.MPNews.MediaID); !ok {
		return fault(40007, "invalid media_id")
	}
	for _, m := range s.masses {
		if in.ClientMsgID != "" && m.ClientMsgID == in.ClientMsgID {
			return map[string]any{"errcode": 45065, "errmsg": "clientmsgid exist", "msg_id": m.MsgID}
		}
	}
	m := Mass{MediaID: in.MPNews.MediaID, ClientMsgID: in.ClientMsgID, MsgID: strconv.Itoa(1000000001 + len(s.masses))}
	s.masses = append(s.masses, m)
	return map[string]any{"errcode": 0, "errmsg": "send job submission success", "msg_id": m.MsgID, "msg_data_id": 2247483800 + len(s.masses)}
}

// Sign is the JS-SDK signature of a page, as wx.config checks it: the
// SHA-1 of jsapi_ticket, noncestr, timestamp and url (without its
// #fragment) joined as a query in that order.
func Sign(ticket, nonce string, timestamp int64, url string) string {
	if i := strings.IndexByte(url, '#'); i >= 0 {
		url = url[:i]
	}
	return sha1hex(fmt.Sprintf("jsapi_ticket=%s&noncestr=%s&timestamp=%d&url=%s", ticket, nonce, timestamp, url))
}

// Ticket is the last JS-SDK ticket issued.
func (s *Server) Ticket() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("TICKET_%06d", s.tickets)
}
