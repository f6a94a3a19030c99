// Package smstest stands in for Aliyun SMS and Tencent Cloud SMS in tests
// and local runs. Each server checks a request's signature the way its
// provider documents it (Aliyun: ACS3-HMAC-SHA256 over the canonical
// request, a date within 15 minutes, a nonce used once; Tencent:
// TC3-HMAC-SHA256 with the derived key, a timestamp within 5 minutes),
// written here from the server's side; checks the sign, the template and
// its variables against those "approved"; records each message it takes;
// and fails on demand (a refusal code, a 503, a hang, a send done but
// unanswered), with hooks before and after a send for kill tests.
package smstest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Provider is which provider a server stands in for.
type Provider string

// The providers.
const (
	Aliyun  Provider = "aliyun"
	Tencent Provider = "tencent"
)

// Failure is what the stand-in does with a send instead of taking it.
type Failure struct {
	// Code refuses the send with this provider code
	// (isv.BUSINESS_LIMIT_CONTROL, LimitExceeded.PhoneNumberDailyLimit).
	Code string
	kind int
}

// Refuse answers code.
func Refuse(code string) Failure { return Failure{Code: code} }

// The failures that are not refusals.
var (
	// Status503 answers 503 with no JSON.
	Status503 = Failure{kind: 1}
	// Hang waits until the client gives up.
	Hang = Failure{kind: 2}
	// DoThenDrop takes the message, then closes the connection
	// unanswered.
	DoThenDrop = Failure{kind: 3}
)

// Message is a message the stand-in took.
type Message struct {
	Phone    string // as sent: 13812345678 (Aliyun), +8613812345678 (Tencent)
	Sign     string
	Template string
	// Vars are the template's variables: by name (Aliyun), by position
	// from "1" (Tencent).
	Vars map[string]string
	// Ref is Aliyun's OutId, Tencent's SessionContext.
	Ref string
	ID  string // the BizId or SerialNo answered
	At  time.Time
}

// Server is a stand-in for one provider.
type Server struct {
	*httptest.Server
	Provider Provider
	// KeyID and Secret are the account's AccessKey (Aliyun) or SecretId
	// and SecretKey (Tencent); AppID Tencent's SdkAppId.
	KeyID, Secret, AppID string
	// Sign is the approved signature; Templates the approved templates
	// and their variables (names for Aliyun, a count for Tencent).
	Sign      string
	Templates map[string][]string
	// MaxVar is the most characters a variable may have (35).
	MaxVar int
	// Before, when set, is called as a send arrives; After once it was
	// taken, before the answer (a test may kill the client in between).
	Before, After func(r *http.Request)
	// Clock is the server's time (time.Now when nil).
	Clock func() time.Time

	closing   chan struct{}
	closeOnce sync.Once
	mu        sync.Mutex
	failures  []Failure
	numbers   map[string]string // a number refused with a code
	nonces    map[string]bool
	messages  []Message
	rejected  []string
	calls     int
	seq       int
}

// NewAliyun starts an Aliyun stand-in on loopback; Close stops it.
func NewAliyun() *Server { return start(Aliyun, "LTAI-test-key", "aliyun-test-secret") }

// NewTencent starts a Tencent Cloud stand-in on loopback.
func NewTencent() *Server { return start(Tencent, "AKID-test-id", "tencent-test-secret") }

func start(p Provider, id, secret string) *Server {
	s := &Server{Provider: p, KeyID: id, Secret: secret, AppID: "1400000001", Sign: "银龄办", MaxVar: 35,
		Templates: map[string][]string{}, closing: make(chan struct{}), numbers: map[string]string{}, nonces: map[string]bool{}}
	if p == Aliyun {
		s.Server = httptest.NewServer(http.HandlerFunc(s.aliyun))
	} else {
		s.Server = httptest.NewServer(http.HandlerFunc(s.tencent))
	}
	return s
}

// Close ends hanging requests and stops the server.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.Server.Close()
}

// Approve makes template approved with these variables (Aliyun: their
// names; Tencent: as many as given).
func (s *Server) Approve(template string, vars ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Templates[template] = vars
}

// Fail makes the next sends fail, one failure each, in order.
func (s *Server) Fail(fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, fs...)
}

// RefuseNumber refuses every send to the mobile number with code.
func (s *Server) RefuseNumber(phone, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.numbers[phone] = code
}

// Messages returns the messages taken, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Rejected returns why requests were refused before any send (their
// signature checks), oldest first.
func (s *Server) Rejected() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.rejected)
}

// Calls returns how many requests arrived.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *Server) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

func (s *Server) reject(code string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected = append(s.rejected, code)
	return code
}

// next takes the next failure (zero: none), counting the call.
func (s *Server) next() Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if len(s.failures) == 0 {
		return Failure{}
	}
	f := s.failures[0]
	s.failures = s.failures[1:]
	return f
}

// take records a message and answers its id.
func (s *Server) take(m Message) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	m.ID, m.At = fmt.Sprintf("%s-%06d", s.Provider, s.seq), s.now()
	s.messages = append(s.messages, m)
	return m.ID
}

// serve runs a send that passed the signature checks through the
// failure asked for, if any: do takes the message and writes the answer.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, refuse func(code string), do func(w http.ResponseWriter)) {
	if s.Before != nil {
		s.Before(r)
	}
	switch f := s.next(); {
	case f.Code != "":
		refuse(f.Code)
	case f == Status503:
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
	case f == Hang:
		select {
		case <-r.Context().Done():
		case <-s.closing:
		case <-time.After(time.Minute):
		}
	case f == DoThenDrop:
		do(httptest.NewRecorder())
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
			}
		}
	default:
		rec := httptest.NewRecorder()
		do(rec)
		if s.After != nil {
			s.After(r)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}
}

var mobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// --- Aliyun ---

var aliyunAuth = regexp.MustCompile(`^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$`)

func aliyunAnswer(w http.ResponseWriter, status int, code, message string, extra map[string]any) {
	ans := map[string]any{"Code": code, "Message": message, "RequestId": "req-test"}
	for k, v := range extra {
		ans[k] = v
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(ans)
}

// aliyunEscape is RFC 3986 percent-encoding as Aliyun's canonical query
// has it.
func aliyunEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func (s *Server) aliyun(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if code, msg := s.aliyunSigned(r, body); code != "" {
		aliyunAnswer(w, http.StatusBadRequest, s.reject(code), msg, nil)
		return
	}
	q := r.URL.Query()
	s.serve(w, r, func(code string) { aliyunAnswer(w, http.StatusOK, code, "refused on demand", nil) }, func(w http.ResponseWriter) {
		phone, tpl := q.Get("PhoneNumbers"), q.Get("TemplateCode")
		vars := map[string]string{}
		s.mu.Lock()
		refused, approved := s.numbers[phone], s.Templates[tpl]
		s.mu.Unlock()
		switch {
		case !mobile.MatchString(phone):
			aliyunAnswer(w, http.StatusOK, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号", nil)
			return
		case refused != "":
			aliyunAnswer(w, http.StatusOK, refused, "refused for this number", nil)
			return
		case q.Get("SignName") != s.Sign:
			aliyunAnswer(w, http.StatusOK, "isv.SMS_SIGNATURE_ILLEGAL", "签名不合法", nil)
			return
		case approved == nil:
			aliyunAnswer(w, http.StatusOK, "isv.SMS_TEMPLATE_ILLEGAL", "模板不合法", nil)
			return
		case json.Unmarshal([]byte(q.Get("TemplateParam")), &vars) != nil:
			aliyunAnswer(w, http.StatusOK, "isv.INVALID_JSON_PARAM", "JSON参数不合法", nil)
			return
		}
		for _, name := range approved {
			v, ok := vars[name]
			if !ok {
				aliyunAnswer(w, http.StatusOK, "isv.TEMPLATE_MISSING_PARAMETERS", "模板变量缺少对应参数值", nil)
				return
			}
			if utf8.RuneCountInString(v) > s.MaxVar {
				aliyunAnswer(w, http.StatusOK, "isv.PARAM_LENGTH_LIMIT", "参数超出长度限制", nil)
				return
			}
		}
		id := s.take(Message{Phone: phone, Sign: q.Get("SignName"), Template: tpl, Vars: vars, Ref: q.Get("OutId")})
		aliyunAnswer(w, http.StatusOK, "OK", "OK", map[string]any{"BizId": id})
	})
}

// aliyunSigned checks the V3 signature of a request, answering the
// error code Aliyun gives ("" when it holds).
func (s *Server) aliyunSigned(r *http.Request, body []byte) (code, message string) {
	m := aliyunAuth.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return "IncompleteSignature", "the Authorization header is not ACS3-HMAC-SHA256"
	}
	if m[1] != s.KeyID {
		return "InvalidAccessKeyId.NotFound", "Specified access key is not found."
	}
	if r.Header.Get("x-acs-action") != "SendSms" || r.Header.Get("x-acs-version") != "2017-05-25" {
		return "InvalidAction.NotFound", "Specified api is not found, please check your url and method."
	}
	signed := strings.Split(m[2], ";")
	for _, h := range []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"} {
		if !slices.Contains(signed, h) {
			return "IncompleteSignature", "the header " + h + " is not signed"
		}
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != r.Header.Get("x-acs-content-sha256") {
		return "SignatureDoesNotMatch", "x-acs-content-sha256 is not the body's"
	}
	at, err := time.Parse("2006-01-02T15:04:05Z", r.Header.Get("x-acs-date"))
	if err != nil || s.now().Sub(at).Abs() > 15*time.Minute {
		return "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
	}
	// The canonical query: every parameter, sorted, encoded.
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "SignatureDoesNotMatch", "the query cannot be read"
	}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	var pairs []string
	for _, k := range names {
		for _, v := range q[k] {
			pairs = append(pairs, aliyunEscape(k)+"="+aliyunEscape(v))
		}
	}
	var headers strings.Builder
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		headers.WriteString(h + ":" + strings.TrimSpace(v) + "\n")
	}
	canonical := r.Method + "\n" + r.URL.EscapedPath() + "\n" + strings.Join(pairs, "&") + "\n" + headers.String() + "\n" + m[2] + "\n" + hex.EncodeToString(sum[:])
	creq := sha256.Sum256([]byte(canonical))
	mac := hmac.New(sha256.New, []byte(s.Secret))
	mac.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(creq[:])))
	if !hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(m[3])) {
		return "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
	}
	nonce := r.Header.Get("x-acs-signature-nonce")
	s.mu.Lock()
	used := s.nonces[nonce]
	s.nonces[nonce] = true
	s.mu.Unlock()
	if nonce == "" || used {
		return "SignatureNonceUsed", "Specified signature nonce was used already."
	}
	return "", ""
}

// --- Tencent ---

var tencentAuth = regexp.MustCompile(`^TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([a-z]+)/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$`)

func tencentError(w http.ResponseWriter, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{"Error": map[string]string{"Code": code, "Message": message}, "RequestId": "req-test"}})
}

func tencentStatus(w http.ResponseWriter, phone, code, message, serial, ctx string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{"SendStatusSet": []map[string]any{{
		"SerialNo": serial, "PhoneNumber": phone, "Fee": 1, "SessionContext": ctx, "Code": code, "Message": message, "IsoCode": "CN"}},
		"RequestId": "req-test"}})
}

func tencentMAC(key []byte, s string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(s))
	return h.Sum(nil)
}

func (s *Server) tencent(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if code, msg := s.tencentSigned(r, body); code != "" {
		tencentError(w, s.reject(code), msg)
		return
	}
	var in struct {
		PhoneNumberSet   []string
		SmsSdkAppId      string
		SignName         string
		TemplateId       string
		TemplateParamSet []string
		SessionContext   string
	}
	if err := json.Unmarshal(body, &in); err != nil || len(in.PhoneNumberSet) != 1 {
		tencentError(w, "FailedOperation.JsonParseFail", "the body cannot be read (one number, in these tests)")
		return
	}
	phone := in.PhoneNumberSet[0]
	s.serve(w, r, func(code string) {
		if strings.HasPrefix(code, "AuthFailure") || strings.HasPrefix(code, "InternalError") || code == "RequestLimitExceeded" {
			tencentError(w, code, "refused on demand")
			return
		}
		tencentStatus(w, phone, code, "refused on demand", "", in.SessionContext)
	}, func(w http.ResponseWriter) {
		s.mu.Lock()
		refused, approved := s.numbers[strings.TrimPrefix(phone, "+86")], s.Templates[in.TemplateId]
		s.mu.Unlock()
		switch {
		case in.SmsSdkAppId != s.AppID:
			tencentError(w, "UnauthorizedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId verify fail")
			return
		case !strings.HasPrefix(phone, "+86") || !mobile.MatchString(strings.TrimPrefix(phone, "+86")):
			tencentStatus(w, phone, "InvalidParameterValue.IncorrectPhoneNumber", "incorrect phone number", "", in.SessionContext)
			return
		case refused != "":
			tencentStatus(w, phone, refused, "refused for this number", "", in.SessionContext)
			return
		case in.SignName != s.Sign:
			tencentStatus(w, phone, "FailedOperation.SignatureIncorrectOrUnapproved", "signature incorrect or unapproved", "", in.SessionContext)
			return
		case approved == nil:
			tencentStatus(w, phone, "FailedOperation.TemplateIncorrectOrUnapproved", "template incorrect or unapproved", "", in.SessionContext)
			return
		case len(approved) != len(in.TemplateParamSet):
			tencentStatus(w, phone, "FailedOperation.TemplateParamSetNotMatchApprovedTemplate", "template params do not match", "", in.SessionContext)
			return
		}
		vars := map[string]string{}
		for i, v := range in.TemplateParamSet {
			if utf8.RuneCountInString(v) > s.MaxVar {
				tencentStatus(w, phone, "InvalidParameterValue.TemplateParameterLengthLimit", "template parameter length limit", "", in.SessionContext)
				return
			}
			vars[strconv.Itoa(i+1)] = v
		}
		id := s.take(Message{Phone: phone, Sign: in.SignName, Template: in.TemplateId, Vars: vars, Ref: in.SessionContext})
		tencentStatus(w, phone, "Ok", "send success", id, in.SessionContext)
	})
}

// tencentSigned checks the TC3 signature of a request, answering the
// error code Tencent Cloud gives ("" when it holds).
func (s *Server) tencentSigned(r *http.Request, body []byte) (code, message string) {
	m := tencentAuth.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return "AuthFailure.InvalidAuthorization", "the Authorization header is not TC3-HMAC-SHA256"
	}
	if m[1] != s.KeyID {
		return "AuthFailure.SecretIdNotFound", "the SecretId is not found"
	}
	if r.Header.Get("X-TC-Action") != "SendSms" || r.Header.Get("X-TC-Version") != "2021-01-11" || r.Header.Get("X-TC-Region") == "" {
		return "InvalidAction", "the action, version or region is missing or not SendSms 2021-01-11"
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil || s.now().Sub(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return "AuthFailure.SignatureExpire", "the signature expired"
	}
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	if m[2] != date || m[3] != "sms" {
		return "AuthFailure.SignatureFailure", "the credential scope is not the timestamp's date and sms"
	}
	signed := strings.Split(m[4], ";")
	if !slices.Contains(signed, "content-type") || !slices.Contains(signed, "host") {
		return "AuthFailure.SignatureFailure", "content-type and host must be signed"
	}
	var headers strings.Builder
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		headers.WriteString(h + ":" + strings.ToLower(strings.TrimSpace(v)) + "\n")
	}
	payload := sha256.Sum256(body)
	canonical := r.Method + "\n" + r.URL.EscapedPath() + "\n" + r.URL.RawQuery + "\n" + headers.String() + "\n" + m[4] + "\n" + hex.EncodeToString(payload[:])
	creq := sha256.Sum256([]byte(canonical))
	toSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(ts, 10) + "\n" + date + "/sms/tc3_request\n" + hex.EncodeToString(creq[:])
	k := tencentMAC([]byte("TC3"+s.Secret), date)
	k = tencentMAC(k, "sms")
	k = tencentMAC(k, "tc3_request")
	if !hmac.Equal([]byte(hex.EncodeToString(tencentMAC(k, toSign))), []byte(m[5])) {
		return "AuthFailure.SignatureFailure", "the signature does not match"
	}
	return "", ""
}
