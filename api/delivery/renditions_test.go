package delivery_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/media/imagetest"
)

func TestImageRenditions(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	a := s.Upload("大图.jpg", "image/jpeg", sitetest.JPEGOf(t, 1600, 900), "大图").Want(http.StatusCreated).JSON()
	path := "/media/" + a["id"].(string)

	var wg sync.WaitGroup
	bodies := make([][]byte, 12)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.Do("GET", path+"?w=640", "", nil)
			if r.Status == http.StatusOK {
				bodies[i] = r.Body
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
	objects, err := s.Blobs.List(context.Background(), "renditions/")
	if err != nil || len(objects) != 1 {
		t.Fatalf("renditions stored: %v, %v; want one, made once", objects, err)
	}
	r := s.Do("GET", path+"?w=640", "", nil).Want(http.StatusOK)
	if r.Header.Get("Content-Type") != "image/jpeg" || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("rendition headers: %v", r.Header)
	}
	s.Do("GET", path+"?w=640", "", nil, "If-None-Match", r.Header.Get("ETag")).Want(http.StatusNotModified)
	for _, bad := range []string{"?w=500", "?w=2000", "?w=abc", "?size=640"} {
		s.BadInput().Do("GET", path+bad, "", nil).Problem(http.StatusBadRequest)
	}
	small := s.Upload("小图.jpg", "image/jpeg", sitetest.JPEGOf(t, 300, 200), "小图").Want(http.StatusCreated).JSON()
	orig := s.Do("GET", "/media/"+small["id"].(string), "", nil).Want(http.StatusOK).Body
	if got := s.Do("GET", "/media/"+small["id"].(string)+"?w=640", "", nil).Want(http.StatusOK).Body; !bytes.Equal(got, orig) {
		t.Fatal("an image narrower than the width was not served as it is")
	}

	st := s.CreateStory(map[string]any{"title": "有封面的报道", "column": "culture", "cover": a["id"]})
	s.Publish(st["id"].(string))
	page := string(s.Do("GET", "/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK).Body)
	var want []string
	for _, w := range media.RenditionWidths {
		want = append(want, sitetest.BaseURL+path+"?w="+itoaInt(w)+" "+itoaInt(w)+"w")
	}
	if !strings.Contains(page, `srcset="`+strings.Join(want, ", ")+", "+sitetest.BaseURL+path+` 1600w"`) {
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
	s := sitetest.New(t)
	bomb := imagetest.ProgressiveJPEG(7680, 5160, imagetest.Sub444)
	for name, b := range map[string][]byte{"灰.jpg": bomb, "半张.jpg": bomb[:len(bomb)/2]} {
		a := s.Upload(name, "image/jpeg", b, "一片灰").Want(http.StatusCreated).JSON()
		path := "/media/" + a["id"].(string)
		orig := s.Do("GET", path, "", nil).Want(http.StatusOK).Body
		var wg sync.WaitGroup
		for range 4 {
			for _, w := range media.RenditionWidths {
				wg.Go(func() {
					r := s.Do("GET", path+"?w="+itoaInt(w), "", nil)
					if r.Status != http.StatusOK || !bytes.Equal(r.Body, orig) {
						t.Errorf("%s at %d: %d, %d bytes; want the original's %d", name, w, r.Status, len(r.Body), len(orig))
					}
				})
			}
		}
		wg.Wait()
	}
}

func itoaInt(n int) string { return strconv.Itoa(n) }
