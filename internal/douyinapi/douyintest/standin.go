// Package douyintest is a local stand-in for the Douyin Open Platform's
// endpoints the douyin channel uses, following their documented protocol
// (form-encoded OAuth; the access-token header and open_id query; the
// multipart field "video"; parts numbered from 1, at least 5 MB but the
// last; the data/extra envelope with error codes), with failures a test
// can ask for: 5xx answers, time-outs, an expired token, a refused part,
// a request done but never answered, and the answers of an app that may
// not post (the capability not granted, withdrawn, or its API gone).
package douyintest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yinling-cms/yinling/content/syndication/douyin"
	"github.com/yinling-cms/yinling/internal/douyinapi"
)

// Failure is what the stand-in does instead of answering a request.
type Failure int

// The failures.
const (
	// Status503 answers 503 Service Unavailable.
	Status503 Failure = iota + 1
	// Hang waits until the client gives up, doing nothing.
	Hang
	// Busy answers error 2100004 (系统繁忙).
	Busy
	// ExpireToken expires the access token, then answers 2190008.
	ExpireToken
	// RefuseParam answers 2100005 (参数不合法).
	RefuseParam
	// DoThenDrop does the request, then closes the connection unanswered.
	DoThenDrop
	// NotGranted answers 28001018 (应用未获得该能力: the app lacks the
	// capability).
	NotGranted
	// Withdrawn answers 28001019 (当前能力已被封禁或下线: the capability
	// is banned or taken offline).
	Withdrawn
	// APIGone answers 28001056 (该能力API已下线: the API is withdrawn).
	APIGone
)

// Post is a post the stand-in holds.
type Post struct {
	ItemID, VideoID, Text string
	// CoverImage is the uploaded cover's image id, "" for a frame.
	CoverImage string
	CoverTsp   float64
	CreatedAt  time.Time
	Polls      int
}

// Video is an uploaded video.
type Video struct {
	ID     string
	Size   int64
	SHA256 string
	Parts  int
}

// Server is the stand-in.
type Server struct {
	*httptest.Server
	ClientKey, ClientSecret, OpenID string
	// ReviewPolls is how many video_data looks a post stays in review.
	ReviewPolls int
	// ListGone makes video_list answer 28001056 (withdrawn).
	ListGone bool
	// Before, when set, is called as each request arrives; After once it
	// has been done, before its answer is sent (a test may kill the
	// client in between). Set them before the first request.
	Before, After func(r *http.Request)

	closing   chan struct{}
	closeOnce sync.Once
	mu        sync.Mutex
	failures  map[string][]Failure
	codes     map[string]bool
	access    map[string]time.Time // token: expiry
	refresh   map[string]time.Time
	partSizes map[string]map[int]int64
	partHash  map[string]map[int][]byte
	videos    map[string]Video
	images    map[string]int64
	posts     []Post
	seq       int
	calls     map[string]int
}

// New starts a stand-in on loopback; Close stops it.
func New() *Server {
	s := &Server{ClientKey: "aw-test-key", ClientSecret: "test-secret", OpenID: "open-office", ReviewPolls: 1,
		failures: map[string][]Failure{}, codes: map[string]bool{}, access: map[string]time.Time{}, refresh: map[string]time.Time{},
		partSizes: map[string]map[int]int64{}, partHash: map[string]map[int][]byte{}, videos: map[string]Video{}, images: map[string]int64{}, calls: map[string]int{},
		closing: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc(douyinapi.PathAccessToken, s.accessToken)
	mux.HandleFunc(douyinapi.PathRefreshToken, s.refreshToken)
	mux.HandleFunc(douyinapi.PathRenewRefresh, s.renewRefresh)
	mux.HandleFunc(douyinapi.PathUpload, s.authed(s.upload))
	mux.HandleFunc(douyinapi.PathUploadImage, s.authed(s.uploadImage))
	mux.HandleFunc(douyinapi.PathPartInit, s.authed(s.partInit))
	mux.HandleFunc(douyinapi.PathPartUpload, s.authed(s.partUpload))
	mux.HandleFunc(douyinapi.PathPartComplete, s.authed(s.partComplete))
	mux.HandleFunc(douyinapi.PathCreate, s.authed(s.create))
	mux.HandleFunc(douyinapi.PathVideoData, s.authed(s.videoData))
	mux.HandleFunc(douyinapi.PathVideoList, s.authed(s.videoList))
	s.Server = httptest.NewServer(s.inject(mux))
	return s
}

// Close ends hanging requests and stops the server.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.Server.Close()
}

// Code makes an authorisation code, as Douyin's authorisation page gives.
func (s *Server) Code() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	c := fmt.Sprintf("code-%d", s.seq)
	s.codes[c] = true
	return c
}

// Fail makes the next requests to path fail, one failure each, in order.
func (s *Server) Fail(path string, fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[path] = append(s.failures[path], fs...)
}

// Posts returns the posts made, oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

// Video returns an uploaded video.
func (s *Server) Video(id string) (Video, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.videos[id]
	return v, ok
}

// Calls returns how many requests reached path (failed ones included).
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// ExpireAccess makes every access token expired.
func (s *Server) ExpireAccess() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.access {
		s.access[t] = time.Time{}
	}
}

func (s *Server) inject(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Before != nil {
			s.Before(r)
		}
		s.mu.Lock()
		s.calls[r.URL.Path]++
		var f Failure
		if q := s.failures[r.URL.Path]; len(q) > 0 {
			f, s.failures[r.URL.Path] = q[0], q[1:]
		}
		s.mu.Unlock()
		switch f {
		case Status503:
			http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		case Hang:
			// Read the body first: only then does the server notice the
			// client hanging up.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-s.closing:
			case <-time.After(time.Minute):
			}
		case Busy:
			answer(w, map[string]any{}, 2100004, "系统繁忙，请稍候再试")
		case RefuseParam:
			answer(w, map[string]any{}, 2100005, "参数不合法")
		case NotGranted:
			answer(w, map[string]any{}, 28001018, "应用未获得该能力")
		case Withdrawn:
			answer(w, map[string]any{}, 28001019, "当前能力已被封禁或下线")
		case APIGone:
			answer(w, map[string]any{}, 28001056, "该能力API已下线,不再支持调用")
		case ExpireToken:
			s.ExpireAccess()
			answer(w, map[string]any{}, 2190008, "access_token过期,请刷新或重新授权")
		case DoThenDrop:
			next.ServeHTTP(discard{h: http.Header{}}, r)
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					_ = c.Close()
				}
			}
		default:
			if s.After == nil {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			s.After(r)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		}
	})
}

// discard is a ResponseWriter that forgets what is written.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

// answer writes the documented envelope; code 0 is success.
func answer(w http.ResponseWriter, data map[string]any, code int, desc string) {
	data["error_code"], data["description"] = code, desc
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": data, "extra": map[string]any{"error_code": code, "description": desc,
		"sub_error_code": 0, "sub_description": "", "logid": "2026120201000001", "now": time.Now().UnixMilli()}})
}

func (s *Server) token(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s.%d", prefix, s.seq)
}

func (s *Server) issue(w http.ResponseWriter, refreshToken string) {
	acc := s.token("act")
	s.access[acc] = time.Now().Add(15 * 24 * time.Hour)
	if refreshToken == "" {
		refreshToken = s.token("rft")
		s.refresh[refreshToken] = time.Now().Add(30 * 24 * time.Hour)
	}
	answer(w, map[string]any{"access_token": acc, "expires_in": 1296000, "open_id": s.OpenID, "refresh_token": refreshToken,
		"refresh_expires_in": int64(time.Until(s.refresh[refreshToken]).Seconds()), "scope": douyinapi.Scopes}, 0, "")
}

func (s *Server) form(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || r.ParseForm() != nil {
		answer(w, map[string]any{}, 10005, "缺少参数: 请以 form 提交")
		return false
	}
	if r.PostForm.Get("client_key") != s.ClientKey {
		answer(w, map[string]any{}, 10013, "client_key 错误")
		return false
	}
	return true
}

func (s *Server) accessToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.form(w, r) {
		return
	}
	code := r.PostForm.Get("code")
	switch {
	case r.PostForm.Get("client_secret") != s.ClientSecret || r.PostForm.Get("grant_type") != "authorization_code":
		answer(w, map[string]any{}, 10013, "client_secret 错误")
	case !s.codes[code]:
		answer(w, map[string]any{}, 10007, "授权码过期")
	default:
		delete(s.codes, code)
		s.issue(w, "")
	}
}

func (s *Server) refreshToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.form(w, r) {
		return
	}
	rt := r.PostForm.Get("refresh_token")
	if exp, ok := s.refresh[rt]; !ok || time.Now().After(exp) || r.PostForm.Get("grant_type") != "refresh_token" {
		answer(w, map[string]any{}, 10010, "refresh_token过期")
		return
	}
	s.issue(w, rt)
}

func (s *Server) renewRefresh(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.form(w, r) {
		return
	}
	rt := r.PostForm.Get("refresh_token")
	if exp, ok := s.refresh[rt]; !ok || time.Now().After(exp) {
		answer(w, map[string]any{}, 10010, "refresh_token过期")
		return
	}
	delete(s.refresh, rt)
	n := s.token("rft")
	s.refresh[n] = time.Now().Add(30 * 24 * time.Hour)
	answer(w, map[string]any{"refresh_token": n, "expires_in": 2592000}, 0, "")
}

// authed checks the token (header access-token, or the older query
// access_token) and open_id.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("access-token")
		if tok == "" {
			tok = r.URL.Query().Get("access_token")
		}
		s.mu.Lock()
		exp, ok := s.access[tok]
		s.mu.Unlock()
		switch {
		case !ok:
			answer(w, map[string]any{}, 2190002, "access_token无效")
		case time.Now().After(exp):
			answer(w, map[string]any{}, 2190008, "access_token过期,请刷新或重新授权")
		case r.URL.Query().Get("open_id") != s.OpenID:
			answer(w, map[string]any{}, 2190015, "access_token和open_id不匹配")
		default:
			h(w, r)
		}
	}
}

// videoPart reads the multipart field "video" and returns its size and
// hash (never held whole).
func videoPart(r *http.Request) (int64, []byte, error) { return filePart(r, "video") }

// filePart reads a multipart field and returns its size and hash.
func filePart(r *http.Request, field string) (int64, []byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return 0, nil, err
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			return 0, nil, fmt.Errorf("no field %s: %w", field, err)
		}
		if p.FormName() == field {
			h := sha256.New()
			n, err := io.Copy(h, p)
			return n, h.Sum(nil), err
		}
	}
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	n, sum, err := videoPart(r)
	if err != nil || n == 0 {
		answer(w, map[string]any{}, 2100005, "参数不合法")
		return
	}
	if n > 128<<20 {
		answer(w, map[string]any{}, 2190005, "视频文件太大了")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.token("v0200f")
	s.videos[id] = Video{ID: id, Size: n, SHA256: hex.EncodeToString(sum), Parts: 1}
	answer(w, map[string]any{"video": map[string]any{"video_id": id, "width": 1080, "height": 1920}}, 0, "")
}

func (s *Server) uploadImage(w http.ResponseWriter, r *http.Request) {
	n, _, err := filePart(r, "image")
	if err != nil || n == 0 || n > 20<<20 {
		answer(w, map[string]any{}, 2100005, "参数不合法")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.token("tos-cn-i-0813")
	s.images[id] = n
	answer(w, map[string]any{"image": map[string]any{"image_id": id, "width": 720, "height": 1280}}, 0, "")
}

func (s *Server) partInit(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.token("@upload")
	s.partSizes[id], s.partHash[id] = map[int]int64{}, map[int][]byte{}
	answer(w, map[string]any{"upload_id": id}, 0, "")
}

func (s *Server) partUpload(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("upload_id")
	num, err := strconv.Atoi(r.URL.Query().Get("part_number"))
	s.mu.Lock()
	_, known := s.partSizes[id]
	s.mu.Unlock()
	if !known || err != nil || num < 1 {
		answer(w, map[string]any{}, 2100005, "参数不合法")
		return
	}
	n, sum, err := videoPart(r)
	if err != nil || n == 0 || n > douyin.MaxPartSize {
		answer(w, map[string]any{}, 2100005, "参数不合法")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partSizes[id][num], s.partHash[id][num] = n, sum
	answer(w, map[string]any{}, 0, "")
}

// partComplete joins the parts: numbered 1..n without a gap, every part
// but the last at least 5 MB. The video's hash is of the parts' hashes
// in order (the stand-in keeps no bytes).
func (s *Server) partComplete(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("upload_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	sizes, ok := s.partSizes[id]
	if !ok || len(sizes) == 0 {
		answer(w, map[string]any{}, 2100005, "参数不合法")
		return
	}
	nums := make([]int, 0, len(sizes))
	for n := range sizes {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	var total int64
	h := sha256.New()
	for i, n := range nums {
		if n != i+1 || (i < len(nums)-1 && sizes[n] < douyin.MinPartSize) {
			answer(w, map[string]any{}, 2100005, "分片不完整或过小")
			return
		}
		total += sizes[n]
		h.Write(s.partHash[id][n])
	}
	delete(s.partSizes, id)
	vid := s.token("v0200f")
	s.videos[vid] = Video{ID: vid, Size: total, SHA256: hex.EncodeToString(h.Sum(nil)), Parts: len(nums)}
	answer(w, map[string]any{"video": map[string]any{"video_id": vid, "width": 1080, "height": 1920}}, 0, "")
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var req douyinapi.CreateRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		answer(w, map[string]any{}, 2100005, "参数不合法")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.videos[req.VideoID]; !ok {
		answer(w, map[string]any{}, 2190007, "无效的视频文件ID")
		return
	}
	if _, ok := s.images[req.CustomCover]; req.CustomCover != "" && !ok {
		answer(w, map[string]any{}, 2100005, "参数不合法: custom_cover_image_url")
		return
	}
	if n := len([]rune(req.Text)); n > 1000 {
		answer(w, map[string]any{}, 2100005, "参数不合法: text 过长")
		return
	}
	item := s.token("@9VwKzuqCUpwq")
	s.posts = append(s.posts, Post{ItemID: item, VideoID: req.VideoID, Text: req.Text, CoverTsp: req.CoverTsp, CoverImage: req.CustomCover, CreatedAt: time.Now()})
	answer(w, map[string]any{"item_id": item}, 0, "")
}

func (s *Server) item(p *Post) map[string]any {
	reviewed := p.Polls > s.ReviewPolls
	status := douyin.StatusInReview
	if reviewed {
		status = douyin.StatusPublic
	}
	return map[string]any{"item_id": p.ItemID, "title": p.Text, "create_time": p.CreatedAt.Unix(), "is_reviewed": reviewed,
		"video_status": status, "share_url": "https://www.iesdouyin.com/share/video/" + strings.TrimPrefix(p.ItemID, "@") + "/"}
}

func (s *Server) videoData(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ItemIDs []string `json:"item_ids"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		answer(w, map[string]any{}, 2100005, "参数不合法")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []map[string]any{}
	for i := range s.posts {
		for _, id := range req.ItemIDs {
			if s.posts[i].ItemID == id {
				s.posts[i].Polls++
				list = append(list, s.item(&s.posts[i]))
			}
		}
	}
	answer(w, map[string]any{"list": list}, 0, "")
}

func (s *Server) videoList(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ListGone {
		answer(w, map[string]any{}, 28001056, "该能力API已下线,不再支持调用")
		return
	}
	cursor, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	count, _ := strconv.Atoi(r.URL.Query().Get("count"))
	if count <= 0 {
		count = 10
	}
	list := []map[string]any{}
	for i := len(s.posts) - 1 - cursor; i >= 0 && len(list) < count; i-- { // newest first
		list = append(list, s.item(&s.posts[i]))
	}
	answer(w, map[string]any{"list": list, "cursor": cursor + len(list), "has_more": cursor+len(list) < len(s.posts)}, 0, "")
}
