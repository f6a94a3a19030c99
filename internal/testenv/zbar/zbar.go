// Package zbar reads QR codes back in tests with a real decoder: Debian's
// zbarimg (apt-get install zbar-tools, which .ci/run installs). Without it
// the test is skipped, unless YINLING_TEST_BROWSER=required (as .ci/run
// sets it) makes that a failure.
package zbar

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Path is zbarimg's path; without one the test is skipped, or fails when
// YINLING_TEST_BROWSER=required.
func Path(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("zbarimg")
	if err == nil {
		return p
	}
	if os.Getenv("YINLING_TEST_BROWSER") == "required" {
		t.Fatal("no zbarimg: apt-get install -y zbar-tools (YINLING_TEST_BROWSER=required)")
	}
	t.Skip("no zbarimg here to read QR codes back (apt-get install -y zbar-tools); .ci/run installs it")
	return ""
}

// QR returns the texts of the QR codes zbarimg finds in an image (PNG,
// JPEG: what ImageMagick reads), in its order; none found is an empty
// list, not a failure.
func QR(t *testing.T, image []byte) []string {
	t.Helper()
	exe := Path(t)
	f := filepath.Join(t.TempDir(), "code.png")
	if err := os.WriteFile(f, image, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	cmd := exec.Command(exe, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 4 { // no symbol found
			return nil
		}
		t.Fatalf("zbarimg: %v: %s", err, stderr.String())
	}
	var texts []string
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if line != "" {
			texts = append(texts, line)
		}
	}
	return texts
}

// PDFPage is page n (from 1) of a PDF as a greyscale PNG at dpi, drawn
// by Ghostscript (gs, which .ci/run installs with zbar-tools); without gs
// the test is skipped, or fails when YINLING_TEST_BROWSER=required.
func PDFPage(t *testing.T, pdf []byte, n, dpi int) []byte {
	t.Helper()
	gs, err := exec.LookPath("gs")
	if err != nil {
		if os.Getenv("YINLING_TEST_BROWSER") == "required" {
			t.Fatal("no Ghostscript: apt-get install -y ghostscript (YINLING_TEST_BROWSER=required)")
		}
		t.Skip("no Ghostscript here to draw a PDF's page (apt-get install -y ghostscript); .ci/run installs it")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "page.png")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	page := strconv.Itoa(n)
	cmd := exec.Command(gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", "-r"+strconv.Itoa(dpi),
		"-dFirstPage="+page, "-dLastPage="+page, "-sOutputFile="+out, in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gs: %v: %s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
