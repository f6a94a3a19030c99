package sitetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/valyala/fasthttp"

	"github.com/yinling-cms/yinling/api/openapi"
	"github.com/yinling-cms/yinling/api/openapi/openapitest"
	"github.com/yinling-cms/yinling/internal/testenv"
)

// WithOpenAPI sets who may read the OpenAPI document (YINLING_OPENAPI:
// public, admin or off).
func WithOpenAPI(exposure string) Option { return func(c *siteConfig) { c.openapi = exposure } }

// BadInput is the site for one request a test makes off the contract on
// purpose (malformed JSON, unknown fields or parameters, wrong types,
// bodies over the limit, a wrong content type): the request is not
// checked against the OpenAPI document, its answer still is.
//
//	s.BadInput().Do("POST", "/api/admin/v1/stories", s.Token, `{"title": 1}`)
func (s *Site) BadInput() *Site {
	c := *s
	c.badInput = true
	return &c
}

// contract is the OpenAPI document every exchange through Send is
// checked against, loaded (and validated) once per test binary.
var contract struct {
	once sync.Once
	c    *openapitest.Contract
	err  error
	// checked counts exchanges checked; bad those whose request was
	// marked BadInput; unrouted those answered 404 off the document.
	checked, bad, unrouted atomic.Int64
}

// loadContract loads the document the first caller's doc gives: every
// site of a test binary is assembled alike, so they serve one document.
func loadContract(doc func() ([]byte, error)) (*openapitest.Contract, error) {
	contract.once.Do(func() {
		b, err := doc()
		if err == nil {
			contract.c, err = openapitest.Load(b)
		}
		contract.err = err
		testenv.AtEnd(func() error {
			if n := contract.checked.Load(); n > 0 {
				fmt.Fprintf(os.Stderr, "openapi: %d exchanges checked against the document (%d requests marked BadInput, %d answered 404 off the document)\n",
					n, contract.bad.Load(), contract.unrouted.Load())
			}
			return nil
		})
	})
	return contract.c, contract.err
}

// documented says whether the document speaks for a path: the APIs, big
// uploads' parts, media bytes, calendars and the operations routes.
func documented(path string) bool {
	for _, p := range []string{"/api/", "/uploads/", "/media/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return strings.HasSuffix(path, ".ics") || slices.Contains([]string{"/healthz", "/readyz", "/metrics"}, path)
}

// maxKept is the largest request body kept to check (JSON bodies are at
// most 1 MiB; bigger ones are uploads, whose bytes are not JSON).
const maxKept = 2 << 20

// keepBody reads a request's body to check it later, and gives the
// request a copy to send.
func keepBody(req *http.Request) ([]byte, bool) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, true
	}
	if req.ContentLength < 0 || req.ContentLength > maxKept {
		return nil, false
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, false
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b, true
}

// checkExchange fails the test when a request or its answer is off the
// OpenAPI document (see docs/openapi.md).
func (s *Site) checkExchange(req *http.Request, body []byte, kept bool, r Resp) {
	s.T.Helper()
	if msg := checkOne(req, body, kept, s.badInput, r, s.public); msg != "" {
		s.T.Errorf("%s", msg)
	}
}

// checkOne checks one exchange under the documented paths; it says what
// is off the document ("": nothing).
func checkOne(req *http.Request, body []byte, kept, bad bool, r Resp, doc func() ([]byte, error)) string {
	if !documented(req.URL.Path) {
		return ""
	}
	if req.Method == http.MethodOptions && req.Header.Get("Access-Control-Request-Method") != "" {
		return "" // a CORS preflight: the browser's protocol, answered before any route
	}
	c, err := loadContract(doc)
	if err != nil {
		return fmt.Sprintf("the OpenAPI document: %v", err)
	}
	contract.checked.Add(1)
	if bad {
		contract.bad.Add(1)
	}
	err = c.Check(openapitest.Exchange{Request: req, Body: body, BodyKept: kept, BadRequest: bad,
		Status: r.Status, Header: r.Header, Answer: r.Body})
	if errors.Is(err, openapitest.ErrNotDocumented) {
		// A path no route takes: the API's 404 (or a method's 405).
		if (r.Status == http.StatusNotFound || r.Status == http.StatusMethodNotAllowed) && r.Header.Get("Content-Type") == "application/problem+json" {
			contract.unrouted.Add(1)
			return ""
		}
		return fmt.Sprintf("openapi: %s %s answered %d but no documented operation takes it", req.Method, req.URL.Path, r.Status)
	}
	if err != nil {
		return fmt.Sprintf("openapi: %v", err)
	}
	return ""
}

// served are the apps whose server handler checkServed wraps already.
var served sync.Map

// checkServed wraps the app's server handler so that exchanges over a
// real connection (Listen: browser walks, HTTP clients) are checked
// against the OpenAPI document as Send checks those in-process. A JSON
// request body is read ahead (it is at most 1 MiB) and handed on; other
// bodies, and answers sent as streams, are not checked, their statuses,
// parameters and content types still are.
func (s *Site) checkServed(next fasthttp.RequestHandler) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		if !documented(string(ctx.Path())) {
			next(ctx)
			return
		}
		var body []byte
		kept := ctx.Request.Header.ContentLength() == 0
		if ct := ctx.Request.Header.ContentType(); bytes.HasPrefix(ct, []byte("application/json")) {
			n := ctx.Request.Header.ContentLength()
			switch {
			case !ctx.Request.IsBodyStream():
				body, kept = bytes.Clone(ctx.Request.Body()), true
			case n >= 0 && n <= maxKept:
				b, err := io.ReadAll(io.LimitReader(ctx.Request.BodyStream(), int64(n)))
				if err == nil {
					body, kept = b, true
					ctx.Request.SetBodyStream(bytes.NewReader(b), len(b))
				}
			}
		}
		// The request as net/http sees it, built from the headers alone:
		// reading the body through fasthttp's adaptor would take a
		// streamed body whole before the handler sees it.
		u, err := url.ParseRequestURI(string(ctx.RequestURI()))
		if err != nil {
			next(ctx)
			return // not a request any route takes; the server answers it
		}
		req := &http.Request{Method: string(ctx.Method()), URL: u, Header: http.Header{}, Host: string(ctx.Host()), Body: http.NoBody}
		ctx.Request.Header.VisitAll(func(k, v []byte) { req.Header.Add(string(k), string(v)) })
		next(ctx)
		header := http.Header{}
		ctx.Response.Header.VisitAll(func(k, v []byte) { header.Add(string(k), string(v)) })
		r := Resp{T: s.T, Status: ctx.Response.StatusCode(), Header: header}
		if ctx.Response.IsBodyStream() {
			r.Header.Del("Content-Type") // the body is not read: only the status is checked
		} else {
			r.Body = bytes.Clone(ctx.Response.Body())
		}
		s.checkExchange(req, body, kept, r)
	}
}

// badInputKey marks a request's context as off the contract on purpose.
type badInputKey struct{}

// MarkBadInput is a request a test sends off the contract on purpose
// through a CheckHTTP transport: its answer is checked, not the request.
func MarkBadInput(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), badInputKey{}, true))
}

// offContract are what CheckHTTP's transport found, for the end of the
// package's run.
var offContract struct {
	sync.Mutex
	found []string
}

// CheckHTTP makes http.DefaultTransport check every exchange under the
// documented paths against the OpenAPI document, for tests that call real
// servers (cmd/yinling runs the binary): call it in TestMain before
// testenv.Main. The exchanges are not tied to a test, so what is off the
// contract is reported when the package's tests have run, and fails the
// run.
func CheckHTTP() {
	http.DefaultTransport = &checkingTransport{next: http.DefaultTransport}
	testenv.AtEnd(func() error {
		offContract.Lock()
		defer offContract.Unlock()
		if len(offContract.found) == 0 {
			return nil
		}
		return fmt.Errorf("%d exchanges off the OpenAPI document:\n%s", len(offContract.found), strings.Join(offContract.found, "\n"))
	})
}

type checkingTransport struct{ next http.RoundTripper }

// served fetches the document the server req goes to serves: the binary
// runs the one assembly, whose document lists its kinds' routes.
func (c *checkingTransport) served(req *http.Request) func() ([]byte, error) {
	return func() ([]byte, error) {
		get, err := http.NewRequestWithContext(context.Background(), http.MethodGet, req.URL.Scheme+"://"+req.URL.Host+openapi.Path, nil)
		if err != nil {
			return nil, err
		}
		res, err := c.next.RoundTrip(get)
		if err != nil {
			return nil, fmt.Errorf("fetch the served document: %w", err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("fetch the served document: %s answered %d", get.URL, res.StatusCode)
		}
		return io.ReadAll(res.Body)
	}
}

func (c *checkingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !documented(req.URL.Path) {
		return c.next.RoundTrip(req)
	}
	var body []byte
	kept := req.Body == nil || req.Body == http.NoBody
	if !kept && req.GetBody != nil && req.ContentLength >= 0 && req.ContentLength <= maxKept {
		if rd, err := req.GetBody(); err == nil {
			if b, err := io.ReadAll(rd); err == nil {
				body, kept = b, true
			}
			_ = rd.Close()
		}
	}
	res, err := c.next.RoundTrip(req)
	if err != nil {
		return res, err
	}
	r := Resp{Status: res.StatusCode, Header: res.Header.Clone()}
	ct := res.Header.Get("Content-Type")
	if strings.Contains(ct, "json") && res.ContentLength <= maxKept {
		b, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(b))
		if err != nil {
			return res, nil // cut off (a server killed): nothing to check
		}
		r.Body = b
	} else {
		r.Header.Del("Content-Type") // bytes not read: the status is checked
	}
	bad, _ := req.Context().Value(badInputKey{}).(bool)
	if msg := checkOne(req, body, kept, bad, r, c.served(req)); msg != "" {
		offContract.Lock()
		offContract.found = append(offContract.found, msg)
		offContract.Unlock()
	}
	return res, nil
}

// Document is the OpenAPI document the site serves in the given exposure.
func (s *Site) Document(exposure string) ([]byte, error) { return s.document(exposure) }

// public is the document in the default exposure, the one exchanges are
// checked against.
func (s *Site) public() ([]byte, error) { return s.document("public") }
