package api_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/api/admin"
	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/record"
)

// readExport unpacks an export archive: its files' sizes, the manifest,
// and the length of the tar inside the gzip stream.
func readExport(t *testing.T, body []byte) (map[string]int64, backup.Manifest, int64) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	raw, err := io.ReadAll(gz)
	if err != nil {
		t.Fatalf("the gzip stream is cut: %v", err)
	}
	files := map[string]int64{}
	var m backup.Manifest
	tr := tar.NewReader(bytes.NewReader(raw))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the tar is damaged: %v", err)
		}
		b, _ := io.ReadAll(tr)
		files[h.Name] = int64(len(b))
		if h.Name == backup.ManifestName {
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
		}
	}
	return files, m, int64(len(raw))
}

// TestAnAdministratorDownloadsAnExport: GET /export streams the archive
// `yinling export` writes, announcing its unpacked length first; its
// manifest counts what the site holds; the download is in the audit
// log; API tokens and query parameters are refused.
func TestAnAdministratorDownloadsAnExport(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.createStory(map[string]any{"title": "重阳节登高活动纪实"})
	s.upload("合影.jpg", "image/jpeg", jpegOf(t, 64, 48), "合影").want(http.StatusCreated)

	r := s.do("GET", "/api/admin/v1/export", s.token, nil).want(http.StatusOK)
	if r.header.Get("Content-Type") != "application/gzip" || r.header.Get("Cache-Control") != "no-store" ||
		!regexp.MustCompile(`^attachment; filename="yinling-export-\d{8}-\d{6}\.tar\.gz"$`).MatchString(r.header.Get("Content-Disposition")) {
		t.Fatalf("headers: %v", r.header)
	}
	files, m, unpacked := readExport(t, r.body)
	if size, _ := strconv.ParseInt(r.header.Get(admin.ExportSizeHeader), 10, 64); size != unpacked {
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
	log := s.do("GET", "/api/admin/v1/audit?action=exported", s.token, nil).want(http.StatusOK)
	if !strings.Contains(string(log.body), `"target":"site"`) || !strings.Contains(string(log.body), "1 media objects") {
		t.Fatalf("the export is not in the audit log: %s", log.body)
	}

	if h := s.do("HEAD", "/api/admin/v1/export", s.token, nil); h.status != http.StatusMethodNotAllowed || len(h.body) != 0 {
		t.Fatalf("HEAD answers %d with %d bytes", h.status, len(h.body))
	}
	s.do("GET", "/api/admin/v1/export?media=false", s.token, nil).problem(http.StatusBadRequest)
	token := s.do("POST", "/api/admin/v1/tokens", s.token, map[string]any{"name": "备份", "scope": "read"}).want(http.StatusCreated).field("token").(string)
	s.do("GET", "/api/admin/v1/export", token, nil).problem(http.StatusForbidden)
	editor := s.staff("editor")["editor"]
	s.do("GET", "/api/admin/v1/export", editor, nil).problem(http.StatusForbidden)
}

// TestAnExportIsCheckedBeforeAnyImport: POST /export/verify checks an
// archive as `yinling import` does before it writes anything and says
// what it holds; an altered or foreign file is a clear 400 that names no
// server path; a wrong type 415, a file over the upload limit 413.
func TestAnExportIsCheckedBeforeAnyImport(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.createStory(map[string]any{"title": "重阳节登高活动纪实"})
	s.upload("合影.jpg", "image/jpeg", jpegOf(t, 64, 48), "合影").want(http.StatusCreated)
	archive := s.do("GET", "/api/admin/v1/export", s.token, nil).want(http.StatusOK).body
	gz := []string{"Content-Type", "application/gzip"}

	r := s.do("POST", "/api/admin/v1/export/verify", s.token, archive, gz...).want(http.StatusOK).json()
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
	altered := repack(t, archive, func(name string, b []byte) []byte {
		if name == "collections/stories.jsonl" {
			return bytes.Replace(b, []byte("重阳节"), []byte("中秋节"), 1)
		}
		return b
	})
	p := s.do("POST", "/api/admin/v1/export/verify", s.token, altered, gz...).problem(http.StatusBadRequest)
	if d := p["detail"].(string); !strings.Contains(d, "collections/stories.jsonl") || strings.Contains(d, "yinling-verify") || strings.Contains(d, "/tmp") {
		t.Fatalf("an altered export: %v", p)
	}
	noManifest := repack(t, archive, func(name string, b []byte) []byte {
		if name == backup.ManifestName {
			return nil
		}
		return b
	})
	if p := s.do("POST", "/api/admin/v1/export/verify", s.token, noManifest, gz...).problem(http.StatusBadRequest); !strings.Contains(p["detail"].(string), "manifest.json") {
		t.Fatalf("an archive without a manifest: %v", p)
	}
	cut := archive[:len(archive)/2]
	s.do("POST", "/api/admin/v1/export/verify", s.token, cut, gz...).problem(http.StatusBadRequest)
	s.do("POST", "/api/admin/v1/export/verify", s.token, []byte("not gzip at all"), gz...).problem(http.StatusBadRequest)
	s.do("POST", "/api/admin/v1/export/verify", s.token, archive).problem(http.StatusUnsupportedMediaType)
	s.do("POST", "/api/admin/v1/export/verify?import=true", s.token, archive, gz...).problem(http.StatusBadRequest)

	small := newSite(t, withUploadLimit(1<<10))
	small.do("POST", "/api/admin/v1/export/verify", small.token, archive, gz...).problem(http.StatusRequestEntityTooLarge)

	// A gzip bomb (1 MB that unpacks to a terabyte) is stopped once it
	// has unpacked to 100 times its size: a 400 within seconds, and the
	// next check is free to run.
	began := time.Now()
	p = s.do("POST", "/api/admin/v1/export/verify", s.token, gzipBomb(t, 1024), gz...).problem(http.StatusBadRequest)
	if d := p["detail"].(string); !strings.Contains(d, "unpacks to far more") || time.Since(began) > 20*time.Second {
		t.Fatalf("a gzip bomb after %s: %v", time.Since(began), p)
	}
	s.do("POST", "/api/admin/v1/export/verify", s.token, archive, gz...).want(http.StatusOK)
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

// repack rewrites an export archive's files through change (nil: the
// file is left out).
func repack(t *testing.T, archive []byte, change func(name string, b []byte) []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		if b = change(h.Name, b); b == nil {
			continue
		}
		h.Size = int64(len(b))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		_, _ = tw.Write(b)
	}
	_ = tw.Close()
	_ = zw.Close()
	return out.Bytes()
}
