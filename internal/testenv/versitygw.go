package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// VersityVersion is the pinned Versity S3 Gateway the tests run.
const VersityVersion = "v1.8.0"

// gateway is a running versitygw process.
type gateway struct {
	cmd    *exec.Cmd
	server S3Server
}

// ToolsDir is where test tools are installed: $YINLING_TOOLS_DIR, or
// .tools/ at the top of the repository (ignored by git, outside go.mod's
// reach: the gateway's own dependencies never enter our module graph).
func ToolsDir() (string, error) {
	if d := os.Getenv("YINLING_TOOLS_DIR"); d != "" {
		return filepath.Abs(d)
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the repository")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", ".tools"), nil
}

// versityBinary returns the path of the gateway, installing it first when
// it is missing. An flock keeps test binaries running in parallel from
// installing it twice at once.
func versityBinary() (string, error) {
	tools, err := ToolsDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(tools, "versitygw-"+VersityVersion)
	gobin := filepath.Join(bin, "bin")
	exe := filepath.Join(gobin, "versitygw")
	if _, err := os.Stat(exe); err == nil {
		return exe, nil
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(tools, ".install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("lock %s: %w", lock.Name(), err)
	}
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()
	if _, err := os.Stat(exe); err == nil {
		return exe, nil // another test binary installed it while we waited
	}
	cmd := exec.Command("go", "install", "github.com/versity/versitygw/cmd/versitygw@"+VersityVersion)
	cmd.Dir = bin // outside any module: `go install pkg@version` ignores ours anyway
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go install versitygw@%s: %w\n%s", VersityVersion, err, out)
	}
	return exe, nil
}

func startGateway(dir string) (*gateway, error) { return startGatewayOn(dir, "") }

// startGatewayOn starts the gateway on addr ("" picks a free port).
func startGatewayOn(dir, fixed string) (*gateway, error) {
	exe, err := versityBinary()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	const access, secret = "yinlingtest", "yinlingtestsecret"
	for attempt := 0; attempt < 5; attempt++ {
		addr, err := fixed, error(nil)
		if addr == "" {
			addr, err = freePort()
		}
		if err != nil {
			return nil, err
		}
		cmd := exec.Command(exe, "--access", access, "--secret", secret, "--port", addr, "--quiet", "posix", dir)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
		logf, err := os.Create(filepath.Join(filepath.Dir(dir), "versitygw.log"))
		if err != nil {
			return nil, err
		}
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			logf.Close()
			return nil, fmt.Errorf("start versitygw: %w", err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); logf.Close(); close(exited) }()
		g := &gateway{cmd: cmd, server: S3Server{Endpoint: addr, AccessKey: access, SecretKey: secret}}
		if waitListening(addr, exited, 30*time.Second) {
			return g, nil
		}
		g.stop()
	}
	return nil, errors.New("versitygw did not start listening (see versitygw.log in the test's temp folder)")
}

func (g *gateway) stop() {
	if g.cmd.Process != nil {
		_ = g.cmd.Process.Kill()
	}
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

func waitListening(addr string, exited <-chan struct{}, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func client(s S3Server) (*minio.Client, error) {
	return minio.New(s.Endpoint, &minio.Options{
		Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), Secure: s.TLS, Region: "us-east-1",
	})
}

func makeBucket(s S3Server, bucket string) error {
	c, err := client(s)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{})
}

func removeBucket(s S3Server, bucket string) {
	c, err := client(s)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for obj := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err == nil {
			_ = c.RemoveObject(ctx, bucket, obj.Key, minio.RemoveObjectOptions{})
		}
	}
	_ = c.RemoveBucket(ctx, bucket)
}
