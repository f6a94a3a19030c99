package api_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/media/imagetest"
)

func jpegOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImageRenditions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := s.upload("大图.jpg", "image/jpeg", jpegOf(t, 1600, 900), "大图").want(http.StatusCreated).json()
	path := "/media/" + a["id"].(string)

	var wg sync.WaitGroup
	bodies := make([][]byte, 12)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.do("GET", path+"?w=640", "", nil)
			if r.status == http.StatusOK {
				bodies[i] = r.body
			}
		}()
	}
	wg.Wait()
	for i, b := range bodies {
		if !bytes.Equal(b, bodies[0]) || len(b) == 0 {
			t.Fatalf("request %d got other bytes (%d) than the first (%d)", i, len(b), len(bodies[0]))
		}
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(bodies[0]))
	if err != nil || cfg.Width != 640 || cfg.Height != 360 {
		t.Fatalf("the 640 rendition: %+v, %v", cfg, err)
	}
	objects, err := s.blobs.List(context.Background(), "renditions/")
	if err != nil || len(objects) != 1 {
		t.Fatalf("renditions stored: %v, %v; want one, made once", objects, err)
	}
	r := s.do("GET", path+"?w=640", "", nil).want(http.StatusOK)
	if r.header.Get("Content-Type") != "image/jpeg" || r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("rendition headers: %v", r.header)
	}
	s.do("GET", path+"?w=640", "", nil, "If-None-Match", r.header.Get("ETag")).want(http.StatusNotModified)
	for _, bad := range []string{"?w=500", "?w=2000", "?w=abc", "?size=640"} {
		s.do("GET", path+bad, "", nil).problem(http.StatusBadRequest)
	}
	small := s.upload("小图.jpg", "image/jpeg", jpegOf(t, 300, 200), "小图").want(http.StatusCreated).json()
	orig := s.do("GET", "/media/"+small["id"].(string), "", nil).want(http.StatusOK).body
	if got := s.do("GET", "/media/"+small["id"].(string)+"?w=640", "", nil).want(http.StatusOK).body; !bytes.Equal(got, orig) {
		t.Fatal("an image narrower than the width was not served as it is")
	}

	st := s.createStory(map[string]any{"title": "有封面的报道", "column": "culture", "cover": a["id"]})
	s.publish(st["id"].(string))
	page := string(s.do("GET", "/stories/"+st["slug"].(string), "", nil).want(http.StatusOK).body)
	var want []string
	for _, w := range media.RenditionWidths {
		want = append(want, baseURL+path+"?w="+itoaInt(w)+" "+itoaInt(w)+"w")
	}
	if !strings.Contains(page, `srcset="`+strings.Join(want, ", ")+", "+baseURL+path+` 1600w"`) {
		t.Fatalf("the story's srcset does not list the media server's widths:\n%s", page)
	}
}

// TestRenditionsOfADecompressionBombAreItsOriginal: a 232 KB
// progressive JPEG declaring 39.6 megapixels, and its truncated copy, are
// accepted; every ?w= request of four at a time at each width answers
// the original bytes (the bomb took a server from 122 MB to 834 MB; the
// truncated copy answered 500 to every request, decoding it again).
func TestRenditionsOfADecompressionBombAreItsOriginal(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	bomb := imagetest.ProgressiveJPEG(7680, 5160, imagetest.Sub444)
	for name, b := range map[string][]byte{"灰.jpg": bomb, "半张.jpg": bomb[:len(bomb)/2]} {
		a := s.upload(name, "image/jpeg", b, "一片灰").want(http.StatusCreated).json()
		path := "/media/" + a["id"].(string)
		orig := s.do("GET", path, "", nil).want(http.StatusOK).body
		var wg sync.WaitGroup
		for range 4 {
			for _, w := range media.RenditionWidths {
				wg.Go(func() {
					r := s.do("GET", path+"?w="+itoaInt(w), "", nil)
					if r.status != http.StatusOK || !bytes.Equal(r.body, orig) {
						t.Errorf("%s at %d: %d, %d bytes; want the original's %d", name, w, r.status, len(r.body), len(orig))
					}
				})
			}
		}
		wg.Wait()
	}
}

func itoaInt(n int) string { return strconv.Itoa(n) }
