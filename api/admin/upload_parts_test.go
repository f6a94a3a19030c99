package admin_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// bigMP4 is an MP4 of mdat bytes of media data, made as it is read (never
// whole in memory): its size, SHA-256, and a reader of bytes [off, off+n).
type bigMP4 struct {
	head, tail []byte
	mdat, size int64
	sum        string
}

func newBigMP4(mdat int64, durationMS uint32) *bigMP4 {
	head, tail := probetest.MP4Parts(mdat, 1080, 1920, 0, durationMS)
	v := &bigMP4{head: head, tail: tail, mdat: mdat, size: int64(len(head)) + mdat + int64(len(tail))}
	h := sha256.New()
	_, _ = io.Copy(h, v.section(0, v.size))
	v.sum = hex.EncodeToString(h.Sum(nil))
	return v
}

// pattern is media data that differs from byte to byte, so a part sent in
// the wrong place would change the hash.
type pattern struct{ off int64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		x := uint64(p.off+int64(i)) * 0x9e3779b97f4a7c15
		b[i] = byte(x>>56 ^ x>>29)
	}
	p.off += int64(len(b))
	return len(b), nil
}

func (v *bigMP4) section(off, n int64) io.Reader {
	whole := io.MultiReader(bytes.NewReader(v.head), io.LimitReader(&pattern{}, v.mdat), bytes.NewReader(v.tail))
	if _, err := io.CopyN(io.Discard, whole, off); err != nil {
		panic(err)
	}
	return io.LimitReader(whole, n)
}

// failAfter reads n bytes from r, then fails: a connection cut mid-part.
type failAfter struct {
	r io.Reader
	n int64
}

func (f *failAfter) Read(b []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("the connection dropped")
	}
	b = b[:min(int64(len(b)), f.n)]
	n, err := f.r.Read(b)
	f.n -= int64(n)
	return n, err
}

func putPart(t *testing.T, target map[string]any, body io.Reader) (int, error) {
	t.Helper()
	size := int64(target["size"].(float64))
	req, err := http.NewRequest(http.MethodPut, target["url"].(string), body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, fmt.Errorf("part %v: %d %s", target["number"], res.StatusCode, b)
	}
	return res.StatusCode, nil
}

func targets(st map[string]any) []map[string]any {
	var out []map[string]any
	for _, p := range st["send"].([]any) {
		out = append(out, p.(map[string]any))
	}
	return out
}

// TestAOneGigabyteUploadGoesStraightToS3AndResumes: 1 GiB of video in
// 64 MiB parts PUT to presigned S3 URLs, one of them cut off midway; the
// upload's state lists it as still to send, it is sent again, and
// complete checks size, SHA-256 and container before making the asset.
func TestAOneGigabyteUploadGoesStraightToS3AndResumes(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	v := newBigMP4(1<<30, 300_000)
	st := s.Do("POST", "/api/admin/v1/media/uploads", s.Token, map[string]any{"filename": "讲座全程.mp4", "content_type": "video/mp4",
		"size": v.size, "sha256": v.sum, "part_size": 64 << 20}).Want(http.StatusCreated).JSON()
	id := st["id"].(string)
	parts := targets(st)
	if len(parts) != 17 || !strings.Contains(parts[0]["url"].(string), "X-Amz-Signature") {
		t.Fatalf("%d parts; the first at %v", len(parts), parts[0]["url"])
	}
	for _, p := range parts {
		n := int64(p["number"].(float64))
		body := v.section((n-1)*(64<<20), int64(p["size"].(float64)))
		if n == 3 {
			if _, err := putPart(t, p, &failAfter{r: body, n: 10 << 20}); err == nil {
				t.Fatal("a part cut off midway was taken")
			}
			continue
		}
		if _, err := putPart(t, p, body); err != nil {
			t.Fatal(err)
		}
	}
	// The client names each part's MD5, so a part the store holds damaged
	// (this S3 server keeps a cut-off part at its declared size) is found
	// before anything is joined, and only it is sent again.
	var md5s []map[string]any
	for n := int64(1); n <= 17; n++ {
		h := md5.New()
		_, _ = io.Copy(h, v.section((n-1)*(64<<20), min(64<<20, v.size-(n-1)*(64<<20))))
		md5s = append(md5s, map[string]any{"number": n, "md5": hex.EncodeToString(h.Sum(nil))})
	}
	early := s.Do("POST", "/api/admin/v1/media/uploads/"+id+"/complete", s.Token, map[string]any{"parts": md5s}).Problem(http.StatusBadRequest)
	if errs := early["errors"].([]any); len(errs) != 1 || !strings.Contains(errs[0].(map[string]any)["message"].(string), "3") {
		t.Fatalf("completing with part 3 cut off: %v", early)
	}
	st = s.Do("GET", "/api/admin/v1/media/uploads/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	left := targets(st)
	if len(st["received"].([]any)) < 16 || (len(left) == 1 && left[0]["number"] != 3.0) || len(left) > 1 {
		t.Fatalf("after the cut: send %v, %d received", left, len(st["received"].([]any)))
	}
	third := map[string]any{"number": 3.0, "size": float64(64 << 20), "url": parts[2]["url"]}
	if len(left) == 1 {
		third = left[0]
	}
	if _, err := putPart(t, third, v.section(2*(64<<20), 64<<20)); err != nil {
		t.Fatal(err)
	}
	a := s.Do("POST", "/api/admin/v1/media/uploads/"+id+"/complete", s.Token, map[string]any{"parts": md5s}).Want(http.StatusCreated).JSON()
	if a["sha256"] != v.sum || int64(a["size"].(float64)) != v.size || a["duration_s"] != 300.0 || a["width"] != 1080.0 || a["content_type"] != "video/mp4" {
		t.Fatalf("the asset: %v", a)
	}
	// Its last bytes are the MP4's index, where it belongs.
	tail := s.Do("GET", "/media/"+a["id"].(string), "", nil, "Range", fmt.Sprintf("bytes=%d-", v.size-int64(len(v.tail)))).Want(http.StatusPartialContent)
	if !bytes.Equal(tail.Body, v.tail) {
		t.Fatal("the joined file's end is not the MP4's index")
	}
	s.Do("GET", "/api/admin/v1/media/uploads/"+id, s.Token, nil).Problem(http.StatusNotFound)
}

func TestBigUploadsAreDeclaredBeforeTheyStart(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	p := s.Do("POST", "/api/admin/v1/media/uploads", s.Token, map[string]any{"filename": "合影.jpg", "content_type": "image/jpeg",
		"size": 0, "sha256": "abc", "part_size": 3 << 20}).Problem(http.StatusBadRequest)
	got := sitetest.FieldErrors(p)
	slices.Sort(got)
	if want := []string{"content_type", "part_size", "sha256", "size"}; !slices.Equal(got, want) {
		t.Fatalf("field errors %v, want %v", got, want)
	}
	p = s.Do("POST", "/api/admin/v1/media/uploads", s.Token, map[string]any{"filename": "讲座.pdf", "content_type": "video/mp4",
		"size": 100, "sha256": strings.Repeat("a", 64)}).Problem(http.StatusBadRequest)
	if got := sitetest.FieldErrors(p); !slices.Equal(got, []string{"filename"}) {
		t.Fatalf("a PDF name declared as video: %v", p)
	}
	s.BadInput().Do("POST", "/api/admin/v1/media/uploads", s.Token, map[string]any{"filename": "a.mp4", "content_type": "video/mp4",
		"size": 100, "sha256": strings.Repeat("a", 64), "parts": 3}).Problem(http.StatusBadRequest)
}

// TestBigUploadsOnTheDiskStore: the server signs part URLs and takes the
// parts itself; a forged or expired signature is refused, a wrong-sized
// part too; a file whose hash differs is refused at completion and
// nothing stays; another user cannot see the upload; abandoned uploads
// are aborted after a day.
func TestBigUploadsOnTheDiskStore(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithDiskMedia(), sitetest.AtLoopback(t))
	base := s.Listen()
	v := newBigMP4(40<<20, 65_000)
	start := func(sum string) (string, []map[string]any) {
		st := s.Do("POST", "/api/admin/v1/media/uploads", s.Token, map[string]any{"filename": "重阳.mp4", "content_type": "video/mp4",
			"size": v.size, "sha256": sum}).Want(http.StatusCreated).JSON()
		return st["id"].(string), targets(st)
	}
	id, parts := start(v.sum)
	if len(parts) != 3 || !strings.HasPrefix(parts[0]["url"].(string), base+"/uploads/"+id+"/parts/1?") {
		t.Fatalf("parts %v", parts)
	}
	// (Refused parts are sent small: a server that refuses a part stops
	// reading it, and a client still sending sees the connection close.)
	forged := map[string]any{"number": 1.0, "size": 10.0, "url": strings.Replace(parts[0]["url"].(string), "signature=", "signature=0", 1)}
	if code, _ := putPart(t, forged, v.section(0, 10)); code != http.StatusForbidden {
		t.Fatalf("a forged signature: %d", code)
	}
	u, _ := url.Parse(parts[1]["url"].(string))
	q := u.Query()
	q.Set("expires", fmt.Sprint(time.Now().Add(-time.Minute).Unix()))
	u.RawQuery = q.Encode()
	if code, _ := putPart(t, map[string]any{"number": 2.0, "size": 10.0, "url": u.String()}, v.section(16<<20, 10)); code != http.StatusForbidden {
		t.Fatalf("an expired URL: %d", code)
	}
	short := map[string]any{"number": 1.0, "size": 1000.0, "url": parts[0]["url"]}
	if code, _ := putPart(t, short, v.section(0, 1000)); code != http.StatusBadRequest {
		t.Fatalf("a part of the wrong size: %d", code)
	}
	for _, p := range parts {
		n := int64(p["number"].(float64))
		if _, err := putPart(t, p, v.section((n-1)*(16<<20), int64(p["size"].(float64)))); err != nil {
			t.Fatal(err)
		}
	}
	other := s.Staff("editor")["editor"]
	s.Do("GET", "/api/admin/v1/media/uploads/"+id, other, nil).Problem(http.StatusNotFound)
	a := s.Do("POST", "/api/admin/v1/media/uploads/"+id+"/complete", s.Token, nil).Want(http.StatusCreated).JSON()
	if a["sha256"] != v.sum || a["duration_s"] != 65.0 {
		t.Fatalf("asset %v", a)
	}
	got := s.Do("GET", "/media/"+a["id"].(string), "", nil).Want(http.StatusOK)
	if sum := sha256.Sum256(got.Body); hex.EncodeToString(sum[:]) != v.sum {
		t.Fatal("the served file is not the one uploaded")
	}

	// Declared with another hash: refused at completion, nothing kept.
	id, parts = start(strings.Repeat("0", 64))
	for _, p := range parts {
		n := int64(p["number"].(float64))
		if _, err := putPart(t, p, v.section((n-1)*(16<<20), int64(p["size"].(float64)))); err != nil {
			t.Fatal(err)
		}
	}
	bad := s.Do("POST", "/api/admin/v1/media/uploads/"+id+"/complete", s.Token, nil).Problem(http.StatusBadRequest)
	if !slices.Equal(sitetest.FieldErrors(bad), []string{"sha256"}) {
		t.Fatalf("a wrong hash: %v", bad)
	}
	objects, _ := s.Blobs.List(context.Background(), "assets/")
	if len(objects) != 1 {
		t.Fatalf("%d objects under assets/, want only the first upload's", len(objects))
	}

	// Started and left: aborted after a day, parts and all.
	id, parts = start(v.sum)
	if _, err := putPart(t, parts[0], v.section(0, 16<<20)); err != nil {
		t.Fatal(err)
	}
	uploads := &media.Uploads{Library: &media.Library{Blobs: s.Blobs, Assets: s.Store}, Clock: func() time.Time { return time.Now().Add(25 * time.Hour) }}
	if n, err := uploads.AbortStale(context.Background(), media.StaleUpload); err != nil || n != 1 {
		t.Fatalf("AbortStale = %d, %v", n, err)
	}
	s.Do("GET", "/api/admin/v1/media/uploads/"+id, s.Token, nil).Problem(http.StatusNotFound)
	if left, _ := s.Blobs.List(context.Background(), "uploads/"); len(left) != 0 {
		t.Fatalf("%d upload sessions left", len(left))
	}
}

// TestBigUploadsThroughTheServerOnS3: with through_server the parts of
// an upload to S3 go to the server's own signed URLs (the admin UI's CSP
// allows no other origin), which pass them on to S3; resuming keeps the
// choice, and the joined file is the one sent.
func TestBigUploadsThroughTheServerOnS3(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	v := newBigMP4(40<<20, 65_000)
	st := s.Do("POST", "/api/admin/v1/media/uploads", s.Token, map[string]any{"filename": "重阳.mp4", "content_type": "video/mp4",
		"size": v.size, "sha256": v.sum, "through_server": true}).Want(http.StatusCreated).JSON()
	id, parts := st["id"].(string), targets(st)
	if len(parts) != 3 || !strings.HasPrefix(parts[0]["url"].(string), base+"/uploads/"+id+"/parts/1?") {
		t.Fatalf("parts %v", parts)
	}
	if _, err := putPart(t, parts[0], v.section(0, 16<<20)); err != nil {
		t.Fatal(err)
	}
	again := targets(s.Do("GET", "/api/admin/v1/media/uploads/"+id, s.Token, nil).Want(http.StatusOK).JSON())
	if len(again) != 2 || !strings.HasPrefix(again[0]["url"].(string), base+"/uploads/"+id+"/parts/2?") {
		t.Fatalf("resumed parts %v", again)
	}
	for _, p := range again {
		n := int64(p["number"].(float64))
		if _, err := putPart(t, p, v.section((n-1)*(16<<20), int64(p["size"].(float64)))); err != nil {
			t.Fatal(err)
		}
	}
	a := s.Do("POST", "/api/admin/v1/media/uploads/"+id+"/complete", s.Token, nil).Want(http.StatusCreated).JSON()
	got := s.Do("GET", "/media/"+a["id"].(string), "", nil).Want(http.StatusOK)
	if sum := sha256.Sum256(got.Body); hex.EncodeToString(sum[:]) != v.sum {
		t.Fatal("the served file is not the one uploaded")
	}
	// Without it, S3 uploads get presigned URLs, as before.
	direct := targets(s.Do("POST", "/api/admin/v1/media/uploads", s.Token, map[string]any{"filename": "重阳.mp4", "content_type": "video/mp4",
		"size": v.size, "sha256": v.sum}).Want(http.StatusCreated).JSON())
	if strings.HasPrefix(direct[0]["url"].(string), base) {
		t.Fatalf("an upload not asking for the server got %v", direct[0]["url"])
	}
}
