package deploy_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/media/blobtest"
)

// weedBinary is SeaweedFS's weed as .ci/run installs it into .tools/
// (weed-<module version>/bin/weed), or $YINLING_WEED. Without it the test
// is skipped, except in CI (YINLING_TEST_BROWSER=required), where it fails.
func weedBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("YINLING_WEED"); p != "" {
		return p
	}
	tools, err := testenv.ToolsDir()
	if err != nil {
		t.Fatal(err)
	}
	found, _ := filepath.Glob(filepath.Join(tools, "weed-*", "bin", "weed"))
	if len(found) == 0 {
		msg := "SeaweedFS's weed is not installed in " + tools + " (.ci/run builds it there, pinned): the compose file's S3 service was not run"
		if os.Getenv("YINLING_TEST_BROWSER") == "required" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	slices.Sort(found)
	return found[len(found)-1]
}

// composeS3 is compose.yaml's seaweedfs service started from the weed
// binary the way the image would start it.
type composeS3 struct {
	port     string // where the gateway listens here, for the service's -s3.port
	endpoint string // YINLING_S3_ENDPOINT as the app is given it
	access   string
	secret   string
	bucket   string
	// hosts records the Host of every request sent, for the addressing test.
	mu    sync.Mutex
	hosts []string
}

// startComposeS3 runs the seaweedfs service's command with the image's
// entrypoint arguments before it (`weed -logtostderr=true server
// -dir=/data -master.volumeSizeLimitMB=1024 ...`, the image's own
// entrypoint.sh), its environment, its volume as a temporary folder, and
// waits for its healthcheck's URL to answer 200. Only what a machine
// without containers needs changes, each flag appended after the
// service's own (the last of a flag wins): every listener on a free
// loopback port instead of the container's fixed ones, -ip 127.0.0.1 for
// the service name, and -s3.domainName so the same server also takes
// virtual-hosted requests (bucket.seaweedfs:8333), which the compose
// service, whose bucket names do not resolve, has no use for.
func startComposeS3(t *testing.T) *composeS3 {
	t.Helper()
	bin := weedBinary(t)
	p := composeProject(t)
	svc, app := p.Services["seaweedfs"], p.Services["yinling"]

	// The image's tag is the binary's version.
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", bin, err, out)
	}
	tag := svc.Image[strings.LastIndex(svc.Image, ":")+1:]
	if !strings.Contains(string(out), " "+tag+" ") {
		t.Fatalf("compose.yaml pins %s but %s is %s", svc.Image, bin, strings.TrimSpace(string(out)))
	}

	if len(svc.Command) == 0 || svc.Command[0] != "server" {
		t.Fatalf("the seaweedfs service's command %v is not `server ...`: this test runs the image's server mode", svc.Command)
	}
	args := append([]string{"-logtostderr=true", "server", "-dir=/data", "-master.volumeSizeLimitMB=1024"}, svc.Command[1:]...)
	data := t.TempDir()
	for _, v := range svc.Volumes {
		for i, a := range args {
			if name, val, ok := strings.Cut(a, "="); ok && (val == v.Target || strings.HasPrefix(val, v.Target+"/")) {
				args[i] = name + "=" + data + strings.TrimPrefix(val, v.Target)
			}
		}
	}
	s := &composeS3{endpoint: env(app, "YINLING_S3_ENDPOINT"), access: env(app, "YINLING_S3_ACCESS_KEY"), secret: env(app, "YINLING_S3_SECRET_KEY"), bucket: env(app, "YINLING_S3_BUCKET")}
	host, s3port, err := net.SplitHostPort(s.endpoint)
	if err != nil || host != "seaweedfs" || s3port != flagValue(svc.Command, "-s3.port") {
		t.Fatalf("YINLING_S3_ENDPOINT %q is not the seaweedfs service's -s3.port", s.endpoint)
	}
	ports := freePorts(t, 8)
	s.port = ports[0]
	args = append(args, "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3.domainName=seaweedfs",
		"-s3.port="+ports[0], "-s3.port.grpc="+ports[1],
		"-master.port="+ports[2], "-master.port.grpc="+ports[3],
		"-volume.port="+ports[4], "-volume.port.grpc="+ports[5],
		"-filer.port="+ports[6], "-filer.port.grpc="+ports[7])

	cmd := exec.Command(bin, args...)
	cmd.Dir = data
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "AWS_") })
	for k, v := range svc.Environment {
		if v != nil {
			cmd.Env = append(cmd.Env, k+"="+*v)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	logPath := filepath.Join(t.TempDir(), "weed.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	started := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start weed: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); _ = logf.Close(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			log, _ := os.ReadFile(logPath)
			t.Logf("weed's log, its end:\n%s", tail(log))
		}
	})

	// The healthcheck, as the container engine would run it: curl -f on
	// its URL, here on the gateway's port.
	health := healthURL(t, svc.HealthCheck, s3port, s.port)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case <-exited:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("weed exited before it was healthy:\n%s", tail(log))
		default:
		}
		if resp, err := http.Get(health); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			t.Fatalf("the healthcheck %s did not answer 200 within 2 minutes:\n%s", health, tail(log))
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("weed server -s3 healthy %v after start", time.Since(started).Round(100*time.Millisecond))
	return s
}

// healthURL is the URL the service's healthcheck fetches, on port here
// instead of the container's.
func healthURL(t *testing.T, hc *types.HealthCheckConfig, container, here string) string {
	t.Helper()
	if hc == nil || len(hc.Test) < 2 || hc.Test[0] != "CMD" || hc.Test[1] != "curl" || !slices.Contains(hc.Test, "-fsS") {
		t.Fatalf("the seaweedfs healthcheck %v is not [CMD curl -fsS ... URL]", hc)
	}
	for _, a := range hc.Test {
		if u, err := url.Parse(a); err == nil && u.Scheme == "http" {
			if u.Port() != container {
				t.Fatalf("the healthcheck asks port %s, not the gateway's %s", u.Port(), container)
			}
			u.Host = net.JoinHostPort("127.0.0.1", here)
			return u.String()
		}
	}
	t.Fatalf("the healthcheck %v fetches no URL", hc.Test)
	return ""
}

// transport reaches the service's name (and bucket.name, virtual-hosted)
// on the loopback port, as the compose network's DNS would, and nothing
// else.
func (s *composeS3) transport(t *testing.T) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	name, port, _ := net.SplitHostPort(s.endpoint)
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		h, p, err := net.SplitHostPort(addr)
		if err != nil || p != port || h != name && !strings.HasSuffix(h, "."+name) {
			return nil, fmt.Errorf("the test reaches only %s: not %s", s.endpoint, addr)
		}
		s.mu.Lock()
		s.hosts = append(s.hosts, h)
		s.mu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", s.port))
	}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// store is the app's bucket (compose's YINLING_S3_BUCKET) on the server,
// reached as the app would reach it with the given addressing, and
// emptied when the test ends, so each test starts from an empty store.
// One bucket, as in production: SeaweedFS makes each bucket a collection
// that takes 7 volume slots of -master.volumeSizeLimitMB, and a bucket a
// test would run it out of slots on a small disk.
func (s *composeS3) store(t *testing.T, addressing string) (*blobstore.S3, string) {
	t.Helper()
	st, err := blobstore.NewS3(blobstore.S3Config{Endpoint: s.endpoint, AccessKey: s.access, SecretKey: s.secret,
		Bucket: s.bucket, Addressing: addressing, Transport: s.transport(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := st.EnsureBucket(ctx); err != nil {
		t.Fatalf("create bucket %s: %v", s.bucket, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		left, err := st.List(ctx, "")
		if err != nil {
			t.Errorf("empty the bucket: %v", err)
		}
		for _, o := range left {
			if err := st.Delete(ctx, o.Key); err != nil {
				t.Errorf("empty the bucket: %v", err)
			}
		}
	})
	return st, s.bucket
}

// TestComposeS3ServicePassesTheBlobSuite runs the conformance suite every
// media.BlobStore passes against the compose file's S3 service, then the
// browser's side of a large upload: parts sent to presigned URLs by a
// plain HTTP client, path-style (as compose.yaml configures the app) and
// virtual-hosted (as Aliyun OSS, Tencent COS and Huawei OBS require).
func TestComposeS3ServicePassesTheBlobSuite(t *testing.T) {
	s := startComposeS3(t)
	suiteStart := time.Now()
	// The suite's multipart test re-sends part 1 with other bytes in the
	// same second, and SeaweedFS 4.53 keeps both uploads with one-second
	// dates: which is newer cannot be known. Its multipart test is run
	// below instead, with the re-sends a browser makes (the same bytes, or
	// other bytes a second later); the suite runs the rest.
	blobtest.Run(t, func(t *testing.T) media.BlobStore {
		st, _ := s.store(t, "path")
		return noMultipart{st}
	})
	t.Logf("blob conformance suite: %v", time.Since(suiteStart).Round(100*time.Millisecond))
	t.Run("multipart: parts in any order, a part sent again, abort", func(t *testing.T) {
		st, _ := s.store(t, "path")
		multipartResends(t, st)
	})
	for _, addressing := range []string{"path", "virtual"} {
		t.Run("presigned part uploads, "+addressing, func(t *testing.T) {
			st, bucket := s.store(t, addressing)
			s.mu.Lock()
			s.hosts = nil
			s.mu.Unlock()
			presignedMultipart(t, st, s.transport(t))
			s.mu.Lock()
			hosts := slices.Clone(s.hosts)
			s.mu.Unlock()
			virtual := slices.ContainsFunc(hosts, func(h string) bool { return strings.HasPrefix(h, bucket+".") })
			if virtual != (addressing == "virtual") {
				t.Fatalf("addressing %s: requests went to %v", addressing, hosts)
			}
		})
	}
}

// presignedMultipart uploads two parts the way the admin UI does (PUT to
// presigned URLs, no credentials), checks the ETags the server lists are
// the parts' MD5s, completes, reads the object back, and sees an expired
// part URL refused.
func presignedMultipart(t *testing.T, st *blobstore.S3, tr http.RoundTripper) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const key = "assets/2026/video.mp4"
	id, err := st.StartMultipart(ctx, key, "video/mp4")
	if err != nil {
		t.Fatal(err)
	}
	parts := [][]byte{make([]byte, 5<<20), make([]byte, 123457)}
	for _, p := range parts {
		_, _ = rand.Read(p)
	}
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	for i, p := range parts {
		u, err := st.PartURL(ctx, key, id, i+1, 10*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(p))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("PUT part %d: %v", i+1, err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == "" {
			t.Fatalf("PUT part %d: %s, ETag %q\n%s", i+1, resp.Status, resp.Header.Get("ETag"), body)
		}
	}
	listed, err := st.Parts(ctx, key, id)
	if err != nil || len(listed) != 2 {
		t.Fatalf("parts %+v, %v", listed, err)
	}
	for i, p := range listed {
		sum := md5.Sum(parts[i])
		if p.Number != i+1 || p.Size != int64(len(parts[i])) || strings.Trim(p.ETag, `"`) != hex.EncodeToString(sum[:]) {
			t.Errorf("part %d listed as %+v, want size %d, ETag %x", i+1, p, len(parts[i]), sum)
		}
	}
	// A URL past its expiry is refused.
	stale, err := st.PartURL(ctx, key, id, 3, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, stale, strings.NewReader("late"))
	if resp, err := client.Do(req); err != nil {
		t.Fatal(err)
	} else {
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("an expired part URL: %s, want 403", resp.Status)
		}
	}
	if err := st.CompleteMultipart(ctx, key, id, listed); err != nil {
		t.Fatal(err)
	}
	rc, err := st.Get(ctx, key, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	_ = rc.Close()
	if err != nil || !bytes.Equal(got, append(slices.Clone(parts[0]), parts[1]...)) {
		t.Fatalf("the completed object: %d bytes, %v", len(got), err)
	}
	if info, err := st.Stat(ctx, key); err != nil || info.ContentType != "video/mp4" || info.Size != int64(len(got)) {
		t.Fatalf("stat %+v, %v", info, err)
	}
}

// noMultipart is a blob store without its media.Multipart methods.
type noMultipart struct{ media.BlobStore }

// multipartResends is the suite's multipart test with the re-sends a
// browser makes: a part sent twice with the same bytes (a retry after a
// lost answer), and a part sent again with other bytes a second later.
func multipartResends(t *testing.T, st *blobstore.S3) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const key, five = "assets/big", 5 << 20
	id, err := st.StartMultipart(ctx, key, "video/mp4")
	if err != nil {
		t.Fatal(err)
	}
	fill := func(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }
	put := func(n int, data []byte) {
		t.Helper()
		if err := st.PutPart(ctx, key, id, n, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatalf("part %d: %v", n, err)
		}
	}
	put(2, fill('x', five))
	put(1, fill('a', five))
	put(3, fill('c', 1000))
	put(1, fill('a', five)) // a retry
	time.Sleep(1100 * time.Millisecond)
	put(2, fill('b', five)) // other bytes, a second later
	if err := st.PutPart(ctx, key, id, 4, strings.NewReader("short"), 10); err == nil {
		t.Error("a part shorter than its size was taken")
	}
	parts, err := st.Parts(ctx, key, id)
	if err != nil || len(parts) != 3 || parts[0].Number != 1 || parts[1].Number != 2 || parts[2].Size != 1000 {
		t.Fatalf("parts %+v, %v; want 1, 2, 3 once each", parts, err)
	}
	if sum := md5.Sum(fill('b', five)); strings.Trim(parts[1].ETag, `"`) != hex.EncodeToString(sum[:]) {
		t.Fatalf("part 2 listed with ETag %s, not the MD5 of the bytes sent last", parts[1].ETag)
	}
	if _, err := st.Stat(ctx, key); err == nil {
		t.Fatal("the object exists before completion")
	}
	if err := st.CompleteMultipart(ctx, key, id, parts); err != nil {
		t.Fatal(err)
	}
	want := slices.Concat(fill('a', five), fill('b', five), fill('c', 1000))
	rc, err := st.Get(ctx, key, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	_ = rc.Close()
	if !bytes.Equal(got, want) {
		t.Fatalf("joined %d bytes, want %d in order, the last bytes of each part", len(got), len(want))
	}
	id2, err := st.StartMultipart(ctx, "assets/gone", "video/mp4")
	if err != nil {
		t.Fatal(err)
	}
	put2 := fill('z', 100)
	if err := st.PutPart(ctx, "assets/gone", id2, 1, bytes.NewReader(put2), 100); err != nil {
		t.Fatal(err)
	}
	if err := st.AbortMultipart(ctx, "assets/gone", id2); err != nil {
		t.Fatal(err)
	}
	if err := st.AbortMultipart(ctx, "assets/gone", id2); err != nil {
		t.Fatalf("aborting twice: %v", err)
	}
	if _, err := st.Parts(ctx, "assets/gone", id2); err == nil {
		t.Fatal("an aborted upload still lists parts")
	}
	if left, _ := st.List(ctx, "assets/gone"); len(left) != 0 {
		t.Fatal("an aborted upload left an object")
	}
}

func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var lns []net.Listener
	var out []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		_, p, _ := net.SplitHostPort(ln.Addr().String())
		out = append(out, p)
	}
	for _, ln := range lns {
		_ = ln.Close()
	}
	return out
}

func tail(b []byte) string {
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
