// Package testenv gives tests real servers: a MongoDB-protocol server and an
// S3-protocol server, each started once per test binary and shared, with a
// fresh database and a fresh bucket for every test.
//
// By default it runs FerretDB in this process, behind the write gate
// (testferret), and Versity S3 Gateway (installed with `go install` into
// a tools folder outside our go.mod, started on loopback). YINLING_TEST_MONGO_URI
// and YINLING_TEST_S3_ENDPOINT / _ACCESS_KEY / _SECRET_KEY / _TLS point the
// tests at servers of your own instead. A server that cannot be had fails
// the test with a message that says how to get it; nothing is skipped.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/yinling-cms/yinling/internal/testenv/testferret"
)

// env is the per-binary state. Tests share it; Main tears it down.
type env struct {
	mongoOnce sync.Once
	mongoURI  string
	mongoCli  *mongo.Client
	mongoErr  error
	ferret    *testferret.Server

	s3Once sync.Once
	s3     S3Server
	s3Err  error
	gw     *gateway

	tmp string
}

var shared env //nolint:gochecknoglobals // one set of servers per test binary, torn down by Main

// Main runs the tests of a package and then stops the servers it started.
// Call it from TestMain: func TestMain(m *testing.M) { testenv.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	atEnd.Lock()
	for _, f := range atEnd.fs {
		if err := f(); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
			code = max(code, 1)
		}
	}
	atEnd.Unlock()
	shared.close()
	os.Exit(code)
}

func (e *env) close() {
	if e.mongoCli != nil {
		_ = e.mongoCli.Disconnect(context.Background())
	}
	if e.ferret != nil {
		_ = e.ferret.Close()
	}
	if e.gw != nil {
		e.gw.stop()
	}
	if e.tmp != "" {
		_ = os.RemoveAll(e.tmp)
	}
}

func (e *env) tempDir() (string, error) {
	if e.tmp == "" {
		dir, err := os.MkdirTemp("", "yinling-testenv-*")
		if err != nil {
			return "", err
		}
		e.tmp = dir
	}
	return e.tmp, nil
}

// MongoURI returns the URI of the shared MongoDB-protocol server.
func MongoURI(t testing.TB) string {
	t.Helper()
	shared.startMongo()
	if shared.mongoErr != nil {
		t.Fatalf("testenv: no MongoDB-protocol server: %v\n"+
			"The embedded FerretDB should start by itself; or set YINLING_TEST_MONGO_URI to a MongoDB server.", shared.mongoErr)
	}
	return shared.mongoURI
}

func (e *env) startMongo() {
	e.mongoOnce.Do(func() {
		uri := os.Getenv("YINLING_TEST_MONGO_URI")
		if uri == "" {
			dir, err := e.tempDir()
			if err != nil {
				e.mongoErr = err
				return
			}
			e.ferret, err = testferret.Start(dir+"/ferretdb", nil)
			if err != nil {
				e.mongoErr = err
				return
			}
			uri = e.ferret.URI
		}
		e.mongoURI = uri
		e.mongoCli, e.mongoErr = Connect(uri)
	})
}

// Connect opens a client with the settings the server uses: majority write
// concern with journaling.
func Connect(uri string) (*mongo.Client, error) {
	opts := options.Client().ApplyURI(uri).
		SetWriteConcern(writeconcern.Majority()).
		SetServerSelectionTimeout(10 * time.Second).
		SetMaxPoolSize(64)
	cli, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", uri, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := cli.Ping(ctx, nil); err != nil {
		return nil, fmt.Errorf("ping %s: %w", uri, err)
	}
	return cli, nil
}

// Database returns a fresh, empty database for this test, dropped when the
// test ends, and its name.
func Database(t testing.TB) *mongo.Database {
	t.Helper()
	MongoURI(t)
	name := "t_" + randomHex(6)
	db := shared.mongoCli.Database(name)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
	})
	return db
}

// S3Server is where the tests' object store listens.
type S3Server struct {
	Endpoint  string
	AccessKey string
	SecretKey string
	TLS       bool
}

// S3 returns the shared S3 server and a fresh bucket for this test, emptied
// and removed when the test ends.
func S3(t testing.TB) (S3Server, string) {
	t.Helper()
	shared.startS3()
	if shared.s3Err != nil {
		t.Fatalf("testenv: no S3 server: %v\n"+
			"The tests install Versity S3 Gateway v1.8.0 with `go install` into .tools/ and start it; "+
			"that needs the Go module proxy. Or set YINLING_TEST_S3_ENDPOINT, YINLING_TEST_S3_ACCESS_KEY "+
			"and YINLING_TEST_S3_SECRET_KEY to an S3 server.", shared.s3Err)
	}
	bucket := "t-" + randomHex(8)
	if err := makeBucket(shared.s3, bucket); err != nil {
		t.Fatalf("testenv: create bucket: %v", err)
	}
	t.Cleanup(func() { removeBucket(shared.s3, bucket) })
	return shared.s3, bucket
}

func (e *env) startS3() {
	e.s3Once.Do(func() {
		if ep := os.Getenv("YINLING_TEST_S3_ENDPOINT"); ep != "" {
			e.s3 = S3Server{
				Endpoint:  ep,
				AccessKey: os.Getenv("YINLING_TEST_S3_ACCESS_KEY"),
				SecretKey: os.Getenv("YINLING_TEST_S3_SECRET_KEY"),
				TLS:       strings.EqualFold(os.Getenv("YINLING_TEST_S3_TLS"), "true"),
			}
			return
		}
		dir, err := e.tempDir()
		if err != nil {
			e.s3Err = err
			return
		}
		e.gw, e.s3Err = startGateway(dir + "/s3")
		if e.s3Err == nil {
			e.s3 = e.gw.server
		}
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// switchable is a server a test may stop and start again: stop is
// idempotent, start does nothing while it runs.
type switchable struct {
	mu      sync.Mutex
	running bool
	halt    func()
	launch  func() (halt func(), err error)
}

func (sw *switchable) stop() {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if sw.running {
		sw.halt()
		sw.running = false
	}
}

func (sw *switchable) restart(t testing.TB) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if sw.running {
		return
	}
	halt, err := sw.launch()
	if err != nil {
		t.Fatalf("testenv: restart: %v", err)
	}
	sw.halt, sw.running = halt, true
}

// PrivateMongo starts a test FerretDB for this test alone, so the test
// may stop it (to see how the server copes) and start it again on the same
// folder and address; stop is idempotent and also runs when the test ends.
// It returns a client connected to it.
func PrivateMongo(t testing.TB) (client *mongo.Client, stop, restart func()) {
	t.Helper()
	dir := t.TempDir()
	srv, err := testferret.Start(dir, nil)
	if err != nil {
		t.Fatalf("testenv: start a private test FerretDB: %v", err)
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(srv.URI, "mongodb://"), "/")
	sw := &switchable{running: true, halt: func() { _ = srv.Close() }, launch: func() (func(), error) {
		again, err := testferret.StartOn(dir, addr, nil)
		if err != nil {
			return nil, err
		}
		return func() { _ = again.Close() }, nil
	}}
	t.Cleanup(sw.stop)
	opts := options.Client().ApplyURI(srv.URI).SetServerSelectionTimeout(2 * time.Second).SetConnectTimeout(2 * time.Second)
	client, err = mongo.Connect(opts)
	if err != nil {
		t.Fatalf("testenv: connect: %v", err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client, sw.stop, func() { sw.restart(t) }
}

// PrivateS3 starts an S3 server for this test alone (so the test may stop
// it, and start it again on the same folder and address) with one bucket;
// stop is idempotent and also runs when the test ends.
func PrivateS3(t testing.TB) (srv S3Server, bucket string, stop, restart func()) {
	t.Helper()
	dir := t.TempDir() + "/s3"
	gw, err := startGateway(dir)
	if err != nil {
		t.Fatalf("testenv: start a private S3 server: %v", err)
	}
	sw := &switchable{running: true, halt: gw.stop, launch: func() (func(), error) {
		again, err := startGatewayOn(dir, gw.server.Endpoint)
		if err != nil {
			return nil, err
		}
		return again.stop, nil
	}}
	t.Cleanup(sw.stop)
	bucket = "t-" + randomHex(8)
	if err := makeBucket(gw.server, bucket); err != nil {
		t.Fatalf("testenv: create bucket: %v", err)
	}
	return gw.server, bucket, sw.stop, func() { sw.restart(t) }
}

// atEnd are what AtEnd registered.
var atEnd struct {
	sync.Mutex
	fs []func() error
}

// AtEnd runs f when the package's tests have run (under Main), to report
// what they measured as a whole; an error fails the run.
func AtEnd(f func() error) {
	atEnd.Lock()
	defer atEnd.Unlock()
	atEnd.fs = append(atEnd.fs, f)
}
