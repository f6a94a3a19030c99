package admin_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// streamUpload posts n bytes of video to the server at base as a multipart
// stream (never held in memory) and returns the answer and the sha256 of
// what was sent.
func streamUpload(t testing.TB, base, token string, n int64) (map[string]any, string) {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	h := sha256.New()
	go func() {
		part, err := mw.CreateFormFile("file", "讲座录像.mp4")
		if err == nil {
			_, err = io.Copy(io.MultiWriter(part, h), sitetest.VideoBytes(n))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", base+"/api/admin/v1/media", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	defer res.Body.Close()
	var out map[string]any
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: status %d: %s", res.StatusCode, body)
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out, hex.EncodeToString(h.Sum(nil))
}

func TestUploadOf200MBRoundTrips(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Log("-short: uploading 20 MB instead of 200 MB")
	}
	size := int64(200 << 20)
	if testing.Short() {
		size = 20 << 20
	}
	s := sitetest.New(t)
	base := s.Listen()
	asset, sent := streamUpload(t, base, s.Token, size)
	if asset["size"] != float64(size) || asset["sha256"] != sent || asset["content_type"] != "video/mp4" {
		t.Fatalf("asset %v; sent %d bytes with sha256 %s", asset, size, sent)
	}
	res, err := http.Get(base + "/media/" + asset["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if n != size || hex.EncodeToString(h.Sum(nil)) != sent {
		t.Fatalf("downloaded %d bytes with sha256 %x; want %d bytes with %s", n, h.Sum(nil), size, sent)
	}
}

// BenchmarkUpload200MBPeakMemory uploads 200 MB through a real loopback
// connection and reports how far the process's in-use memory rose above
// where it started (target: under 64 MB). The client streams from a
// generator, so what it adds is small.
func BenchmarkUpload200MBPeakMemory(b *testing.B) {
	s := sitetest.New(b)
	base := s.Listen()
	for b.Loop() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		start := ms.HeapInuse + ms.StackInuse
		var peak atomic.Uint64
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					if v := m.HeapInuse + m.StackInuse; v > peak.Load() {
						peak.Store(v)
					}
				}
			}
		}()
		streamUpload(b, base, s.Token, 200<<20)
		close(done)
		wg.Wait()
		growth := float64(0)
		if p := peak.Load(); p > start {
			growth = float64(p-start) / (1 << 20)
		}
		b.ReportMetric(growth, "peak-MB")
		b.SetBytes(200 << 20)
	}
}
