package readcache

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// storyJSON is a story's content API answer as the office writes them:
// Chinese text in JSON, 5.6 KB.
func storyJSON() []byte {
	var b strings.Builder
	b.WriteString(`{"id":"01JF0000000000000000000000","slug":"xi-qian","title":"西迁精神代代传","summary":"离退休工作处组织老同志座谈，回忆学校西迁的岁月。","body_html":"`)
	for i := range 24 {
		b.WriteString(`<p>一九五六年，学校从上海迁到西安，老同志们回忆起那段岁月，第` + string(rune('一'+i%9)) + `位发言的王老师说：“我们是坐着火车来的，一路上唱着歌。”</p>`)
	}
	b.WriteString(`","column":"news","tags":["西迁","座谈"],"published_at":"2026-12-01T08:00:00+08:00"}`)
	return []byte(b.String())
}

// A text answer is kept compressed and sent so to a client that takes
// gzip, with its own ETag, each representation 304 on its own ETag; a
// client that does not take gzip gets the same bytes inflated; bytes that
// do not compress are kept and sent as they are.
func TestReadCacheSendsGzipToWhoTakesIt(t *testing.T) {
	rc := New(&counter{}, 1<<20)
	text := storyJSON()
	noise := make([]byte, 4096)
	_, _ = rand.Read(noise)
	app := fiber.New()
	app.Get("/text", func(c *fiber.Ctx) error {
		return rc.Serve(c, "/text", Answer{ContentType: "application/json"}, func(context.Context) ([]byte, error) { return text, nil })
	})
	app.Get("/noise", func(c *fiber.Ctx) error {
		return rc.Serve(c, "/noise", Answer{ContentType: "image/png"}, func(context.Context) ([]byte, error) { return noise, nil })
	})
	get := func(path string, header ...string) *http.Response {
		t.Helper()
		req := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	read := func(res *http.Response) []byte {
		t.Helper()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	plain := get("/text")
	if got := read(plain); !bytes.Equal(got, text) || plain.Header.Get("Content-Encoding") != "" {
		t.Fatalf("without Accept-Encoding: %d bytes, Content-Encoding %q; want the %d bytes as built", len(got), plain.Header.Get("Content-Encoding"), len(text))
	}
	packed := get("/text", "Accept-Encoding", "gzip, deflate, br")
	if packed.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(packed.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("with gzip accepted: Content-Encoding %q, Vary %q", packed.Header.Get("Content-Encoding"), packed.Header.Get("Vary"))
	}
	wire := read(packed)
	zr, err := gzip.NewReader(bytes.NewReader(wire))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, text) {
		t.Fatalf("inflated: %d bytes, %v; want the %d bytes as built", len(got), err, len(text))
	}
	t.Logf("%d bytes sent as %d", len(text), len(wire))
	if len(wire) > len(text)/2 {
		t.Errorf("%d bytes of Chinese JSON compressed to %d: want under half", len(text), len(wire))
	}
	plainTag, packedTag := plain.Header.Get("ETag"), packed.Header.Get("ETag")
	if plainTag == "" || packedTag == "" || plainTag == packedTag {
		t.Fatalf("ETags %q and %q: want two, one per representation", plainTag, packedTag)
	}
	if res := get("/text", "Accept-Encoding", "gzip", "If-None-Match", packedTag); res.StatusCode != http.StatusNotModified {
		t.Errorf("gzip with its own ETag: %d, want 304", res.StatusCode)
	}
	if res := get("/text", "If-None-Match", plainTag); res.StatusCode != http.StatusNotModified {
		t.Errorf("identity with its own ETag: %d, want 304", res.StatusCode)
	}
	if res := get("/text", "Accept-Encoding", "gzip", "If-None-Match", plainTag); res.StatusCode != http.StatusOK {
		t.Errorf("gzip with the identity's ETag: %d, want 200 (another representation)", res.StatusCode)
	}
	if res := get("/text", "Accept-Encoding", "br, gzip;q=0"); res.Header.Get("Content-Encoding") != "" || !bytes.Equal(read(res), text) {
		t.Error("gzip;q=0 was sent gzip")
	}

	n := get("/noise", "Accept-Encoding", "gzip")
	if got := read(n); n.Header.Get("Content-Encoding") != "" || !bytes.Equal(got, noise) {
		t.Errorf("bytes that do not compress: Content-Encoding %q, %d bytes; want them as they are", n.Header.Get("Content-Encoding"), len(got))
	}

	rc.mu.Lock()
	defer rc.mu.Unlock()
	e := rc.entries["/text"].Value.(*Entry)
	if e.Body != nil || e.Gzip == nil {
		t.Errorf("the text answer is kept as %d bytes and %d compressed; want compressed only", len(e.Body), len(e.Gzip))
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                        false,
		"identity":                false,
		"gzip":                    true,
		"gzip, deflate, br, zstd": true,
		"GZIP;q=0.5":              true,
		"br;q=1, gzip;q=0":        false,
		"gzip; q=0.000":           false,
		"gzip;q=0.001":            true,
		"*":                       true,
		"*;q=0":                   false,
		"x-gzip":                  true,
		"deflate":                 false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

// BenchmarkCompress is what keeping a story's answer compressed costs
// once, at each level considered, and what sending it to a client that
// does not take gzip costs each time (inflating).
func BenchmarkCompress(b *testing.B) {
	text := storyJSON()
	for _, c := range []struct {
		name  string
		level int
	}{{"fastest", gzip.BestSpeed}, {"default", gzip.DefaultCompression}, {"best", gzip.BestCompression}} {
		level := c.level
		b.Run(c.name, func(b *testing.B) {
			var out bytes.Buffer
			w, _ := gzip.NewWriterLevel(&out, level)
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				out.Reset()
				w.Reset(&out)
				_, _ = w.Write(text)
				_ = w.Close()
			}
			b.ReportMetric(float64(out.Len()), "bytes/op-out")
		})
	}
	b.Run("inflate", func(b *testing.B) {
		e := Entry{Gzip: compress(text)}
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			if _, err := e.Bytes(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
