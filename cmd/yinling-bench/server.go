package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

const password = "bench-password-银龄-2026"

// server is a running yinling binary.
type server struct {
	base  string
	pprof string // the profiles' address, when the run takes them
	token string
	store string
	cmd   *exec.Cmd
	http  *http.Client
}

// workspace makes a temporary folder (named from pattern) for a run's
// data and, unless -binary named one, builds the yinling binary into it;
// cleanup removes the folder.
func workspace(ctx context.Context, o *options, pattern string) (tmp string, cleanup func(), err error) {
	tmp, err = os.MkdirTemp("", pattern)
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(tmp) }
	if o.binary == "" {
		if o.binary, err = build(ctx, tmp, o.profile != ""); err != nil {
			cleanup()
			return "", nil, err
		}
	}
	return tmp, cleanup, nil
}

// build compiles the binary as a release is built (trimmed, without
// symbols), or with -tags pprof when the run takes profiles.
func build(ctx context.Context, dir string, profiled bool) (string, error) {
	out := filepath.Join(dir, "yinling")
	args := []string{"build", "-trimpath", "-ldflags=-s -w", "-o", out}
	if profiled {
		args = []string{"build", "-tags", "pprof", "-o", out}
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "./cmd/yinling")...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/yinling (run from the module's folder): %w", err)
	}
	return out, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer runs the binary on a fresh data folder and signs in. Its
// log level is warn: at info it writes a line per request, which is what
// an operator would turn down under load.
func startServer(ctx context.Context, o options, tmp string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, o.binary, "serve")
	cmd.Env = append(os.Environ(), "YINLING_ADDR="+addr, "YINLING_DATA_DIR="+filepath.Join(tmp, "data"),
		"YINLING_ADMIN_PASSWORD="+password, "YINLING_LOG_LEVEL=warn", "YINLING_BASE_URL=http://"+addr)
	cmd.Env = append(cmd.Env, o.extraEnv...)
	var pprofAddr string
	if o.profile != "" {
		if pprofAddr, err = freeAddr(); err != nil {
			return nil, err
		}
		cmd.Env = append(cmd.Env, "YINLING_PPROF_ADDR="+pprofAddr)
	}
	s := &server{pprof: pprofAddr, base: "http://" + addr, cmd: cmd, store: "embedded SQLite", http: newClient(64)}
	if o.mongoURI != "" {
		cmd.Env = append(cmd.Env, "YINLING_MONGO_URI="+o.mongoURI, fmt.Sprintf("YINLING_MONGO_DB=bench_%d", time.Now().Unix()))
		s.store = "MongoDB at " + o.mongoURI
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(60 * time.Second); ; {
		if r, err := s.http.Get(s.base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the server did not become ready at %s", s.base)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var login struct {
		Token string `json:"token"`
	}
	if err := s.call(ctx, "POST", "/api/admin/v1/session", map[string]string{"username": "admin", "password": password}, &login); err != nil {
		s.stop()
		return nil, err
	}
	s.token = login.Token
	return s, nil
}

func (s *server) stop() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	}
}

// call makes an admin API request and decodes its answer.
func (s *server) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	r, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, r.StatusCode, strings.TrimSpace(string(b)))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func newClient(conns int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true,
		IdleConnTimeout: time.Minute,
	}}
}
