package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/yinling-cms/yinling/internal/testenv"
)

// process runs the yinling binary as a child, so a test can kill it with
// SIGKILL; it returns the base URL.
func process(t *testing.T, bin string, env map[string]string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	addr := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)
	found := make(chan string, 1)
	exited := make(chan struct{})
	var seen syncBuffer
	go func() {
		defer close(exited)
		for lines.Scan() {
			seen.Write([]byte(lines.Text() + "\n"))
			if m := addr.FindStringSubmatch(lines.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case a := <-found:
		return "http://" + a, cmd
	case <-exited:
		t.Fatalf("the server stopped:\n%s", seen.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("the server did not start:\n%s", seen.String())
	}
	return "", nil
}

// TestKillDuringUploadsLosesNothing kills the server with SIGKILL while
// uploads are in flight and restarts it: every upload that got a 2xx is
// whole in both stores, and no record points to a missing object.
func TestKillDuringUploadsLosesNothing(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "yinling")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	srv, bucket := testenv.S3(t)
	env := map[string]string{
		"YINLING_ADDR": "127.0.0.1:0", "YINLING_DATA_DIR": t.TempDir(), "YINLING_ADMIN_PASSWORD": "correct-horse-battery",
		"YINLING_S3_ENDPOINT": srv.Endpoint, "YINLING_S3_ACCESS_KEY": srv.AccessKey, "YINLING_S3_SECRET_KEY": srv.SecretKey,
		"YINLING_S3_BUCKET": bucket,
	}
	base, cmd := process(t, bin, env)
	_, login := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
	token := login["token"].(string)

	// One upload finishes before the kill.
	done := uploadPDF(t, base, token, 2<<20, nil)
	// Three more are in flight when it comes.
	inFlight := make(chan struct{})
	for i := 0; i < 3; i++ {
		go func() { uploadPDF(t, base, token, 50<<20, inFlight) }()
	}
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	close(inFlight)

	base, _ = process(t, bin, env)
	_, login = call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
	token = login["token"].(string)

	// The finished upload is whole.
	res, err := http.Get(base + "/media/" + done.id)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("the finished upload after the restart: %v %v", res, err)
	}
	h := sha256.New()
	n, _ := io.Copy(h, res.Body)
	res.Body.Close()
	if n != done.size || hex.EncodeToString(h.Sum(nil)) != done.sha {
		t.Fatalf("the finished upload came back as %d bytes, sha %x", n, h.Sum(nil))
	}
	// Every object in the bucket has its record, with the same size.
	client, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, ""), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	objects := 0
	for obj := range client.ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		objects++
		id := strings.TrimPrefix(obj.Key, "assets/")
		st, a := call(t, "GET", base+"/api/admin/v1/media/"+id, token, nil)
		if st != 200 || int64(a["size"].(float64)) != obj.Size {
			t.Errorf("object %s (%d bytes) has no whole record: %d %v", obj.Key, obj.Size, st, a)
		}
	}
	if objects == 0 {
		t.Fatal("the bucket is empty: even the finished upload is gone")
	}
}

type uploaded struct {
	id, sha string
	size    int64
}

// uploadPDF streams a PDF of size bytes; with hold set it sends half and
// then waits for hold to close before sending the rest.
func uploadPDF(t *testing.T, base, token string, size int64, hold chan struct{}) uploaded {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	h := sha256.New()
	go func() {
		part, err := mw.CreateFormFile("file", "讲义.pdf")
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		w := io.MultiWriter(part, h)
		_, _ = w.Write([]byte("%PDF-1.4\n"))
		chunk := bytes.Repeat([]byte("% 讲座讲义的内容\n"), 4096)
		var sent int64 = 9
		for sent < size {
			if hold != nil && sent > size/2 {
				<-hold
			}
			n := min(int64(len(chunk)), size-sent)
			if _, err := w.Write(chunk[:n]); err != nil {
				pw.CloseWithError(err)
				return
			}
			sent += n
		}
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", base+"/api/admin/v1/media", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		if hold == nil {
			t.Errorf("upload: %v", err)
		}
		return uploaded{}
	}
	defer res.Body.Close()
	var a map[string]any
	_ = json.NewDecoder(res.Body).Decode(&a)
	if hold == nil && res.StatusCode != 201 {
		t.Fatalf("upload: %d %v", res.StatusCode, a)
	}
	if res.StatusCode != 201 {
		return uploaded{}
	}
	if a["sha256"] != hex.EncodeToString(h.Sum(nil)) {
		t.Errorf("the server's sha256 differs from what was sent")
	}
	return uploaded{id: a["id"].(string), sha: a["sha256"].(string), size: int64(a["size"].(float64))}
}
