package admin_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/api/admin"
	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/record"
)

// TestAnAdministratorDownloadsAnExport: GET /export streams the archive
// `yinling export` writes, announcing its unpacked length first; its
// manifest counts what the site holds; the download is in the audit
// log; API tokens and query parameters are refused.
func TestAnAdministratorDownloadsAnExport(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	s.CreateStory(map[string]any{"title": "重阳节登高活动纪实"})
	s.Upload("合影.jpg", "image/jpeg", sitetest.JPEGOf(t, 64, 48), "合影").Want(http.StatusCreated)

	r := s.Do("GET", "/api/admin/v1/export", s.Token, nil).Want(http.StatusOK)
	if r.Header.Get("Content-Type") != "application/gzip" || r.Header.Get("Cache-Control") != "no-store" ||
		!regexp.MustCompile(`^attachment; filename="yinling-export-\d{8}-\d{6}\.tar\.gz"$`).MatchString(r.Header.Get("Content-Disposition")) {
		t.Fatalf("headers: %v", r.Header)
	}
	files, m, unpacked := sitetest.ReadExport(t, r.Body)
	if size, _ := strconv.ParseInt(r.Header.Get(admin.ExportSizeHeader), 10, 64); size != unpacked {
		t.Fatalf("%s says %d; the archive unpacks to %d", admin.ExportSizeHeader, size, unpacked)
	}
	counts := map[string]int64{}
	for _, c := range m.Collections {
		counts[c.Name] = c.Count
		if files[c.File] != c.Bytes {
			t.Errorf("%s: %d bytes in the archive, %d in the manifest", c.File, files[c.File], c.Bytes)
		}
	}
	if m.Format != backup.Format || counts["stories"] != 1 || counts["users"] != 1 || counts["columns"] != 6 || len(m.Media) != 1 || m.Media[0].SHA256 == "" {
		t.Fatalf("the manifest: %+v", m)
	}
	log := s.Do("GET", "/api/admin/v1/audit?action=exported", s.Token, nil).Want(http.StatusOK)
	if !strings.Contains(string(log.Body), `"target":"site"`) || !strings.Contains(string(log.Body), "1 media objects") {
		t.Fatalf("the export is not in the audit log: %s", log.Body)
	}

	if h := s.Do("HEAD", "/api/admin/v1/export", s.Token, nil); h.Status != http.StatusMethodNotAllowed || len(h.Body) != 0 {
		t.Fatalf("HEAD answers %d with %d bytes", h.Status, len(h.Body))
	}
	s.BadInput().Do("GET", "/api/admin/v1/export?media=false", s.Token, nil).Problem(http.StatusBadRequest)
	token := s.Do("POST", "/api/admin/v1/tokens", s.Token, map[string]any{"name": "备份", "scope": "read"}).Want(http.StatusCreated).Field("token").(string)
	s.Do("GET", "/api/admin/v1/export", token, nil).Problem(http.StatusForbidden)
	editor := s.Staff("editor")["editor"]
	s.Do("GET", "/api/admin/v1/export", editor, nil).Problem(http.StatusForbidden)
}

// TestAnExportIsCheckedBeforeAnyImport: POST /export/verify checks an
// archive as `yinling import` does before it writes anything and says
// what it holds; an altered or foreign file is a clear 400 that names no
// server path; a wrong type 415, a file over the upload limit 413.
func TestAnExportIsCheckedBeforeAnyImport(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	s.CreateStory(map[string]any{"title": "重阳节登高活动纪实"})
	s.Upload("合影.jpg", "image/jpeg", sitetest.JPEGOf(t, 64, 48), "合影").Want(http.StatusCreated)
	archive := s.Do("GET", "/api/admin/v1/export", s.Token, nil).Want(http.StatusOK).Body
	gz := []string{"Content-Type", "application/gzip"}

	r := s.Do("POST", "/api/admin/v1/export/verify", s.Token, archive, gz...).Want(http.StatusOK).JSON()
	if r["format"] != backup.Format || r["media"] != float64(1) || r["media_bytes"].(float64) < 100 {
		t.Fatalf("the check: %v", r)
	}
	counts := map[string]float64{}
	for _, c := range r["collections"].([]any) {
		c := c.(map[string]any)
		counts[c["name"].(string)] = c["count"].(float64)
	}
	if counts["stories"] != 1 || counts["columns"] != 6 || len(counts) != len(record.Exported()) {
		t.Fatalf("the counts: %v", counts)
	}

	// One record changed inside the archive: unpack, alter, pack again.
	altered := sitetest.Repack(t, archive, func(name string, b []byte) []byte {
		if name == "collections/stories.jsonl" {
			return bytes.Replace(b, []byte("重阳节"), []byte("中秋节"), 1)
		}
		return b
	})
	p := s.Do("POST", "/api/admin/v1/export/verify", s.Token, altered, gz...).Problem(http.StatusBadRequest)
	if d := p["detail"].(string); !strings.Contains(d, "collections/stories.jsonl") || strings.Contains(d, "yinling-verify") || strings.Contains(d, "/tmp") {
		t.Fatalf("an altered export: %v", p)
	}
	noManifest := sitetest.Repack(t, archive, func(name string, b []byte) []byte {
		if name == backup.ManifestName {
			return nil
		}
		return b
	})
	if p := s.Do("POST", "/api/admin/v1/export/verify", s.Token, noManifest, gz...).Problem(http.StatusBadRequest); !strings.Contains(p["detail"].(string), "manifest.json") {
		t.Fatalf("an archive without a manifest: %v", p)
	}
	cut := archive[:len(archive)/2]
	s.Do("POST", "/api/admin/v1/export/verify", s.Token, cut, gz...).Problem(http.StatusBadRequest)
	s.Do("POST", "/api/admin/v1/export/verify", s.Token, []byte("not gzip at all"), gz...).Problem(http.StatusBadRequest)
	s.BadInput().Do("POST", "/api/admin/v1/export/verify", s.Token, archive).Problem(http.StatusUnsupportedMediaType)
	s.BadInput().Do("POST", "/api/admin/v1/export/verify?import=true", s.Token, archive, gz...).Problem(http.StatusBadRequest)

	small := sitetest.New(t, sitetest.WithUploadLimit(1<<10))
	small.Do("POST", "/api/admin/v1/export/verify", small.Token, archive, gz...).Problem(http.StatusRequestEntityTooLarge)

	// A gzip bomb (1 MB that unpacks to a terabyte) is stopped once it
	// has unpacked to 100 times its size: a 400 within seconds, and the
	// next check is free to run.
	began := time.Now()
	p = s.Do("POST", "/api/admin/v1/export/verify", s.Token, gzipBomb(t, 1024), gz...).Problem(http.StatusBadRequest)
	if d := p["detail"].(string); !strings.Contains(d, "unpacks to far more") || time.Since(began) > 20*time.Second {
		t.Fatalf("a gzip bomb after %s: %v", time.Since(began), p)
	}
	s.Do("POST", "/api/admin/v1/export/verify", s.Token, archive, gz...).Want(http.StatusOK)
}

// gzipBomb is a .tar.gz of about mib KB holding one file of a terabyte
// of zeros: a tar header, then one gzip member of a MiB of zeros repeated
// mib times (a gzip reader reads the members as one stream).
func gzipBomb(t *testing.T, mib int) []byte {
	t.Helper()
	var out, member bytes.Buffer
	zw := gzip.NewWriter(&out)
	if err := tar.NewWriter(zw).WriteHeader(&tar.Header{Name: "media/bomb", Typeflag: tar.TypeReg, Size: 1 << 40, Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	mw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	_, err := mw.Write(make([]byte, 1<<20))
	if err = errors.Join(err, zw.Close(), mw.Close()); err != nil {
		t.Fatal(err)
	}
	for range mib {
		out.Write(member.Bytes())
	}
	return out.Bytes()
}
