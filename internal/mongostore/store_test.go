package mongostore

import (
	"context"
	"testing"

	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/testferret"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestEnsureIndexesIsIdempotent(t *testing.T) {
	s := New(testenv.Database(t))
	for i := 0; i < 2; i++ {
		if err := s.EnsureIndexes(context.Background()); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
}

// TestEnsureIndexesAfterARestart: FerretDB v1 drops the connection when
// asked to create an index that exists after it restarted, which once made
// the second start of `yinling serve` fail.
func TestEnsureIndexesAfterARestart(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 3; i++ {
		srv, err := testferret.Start(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		cli, err := Connect(srv.URI)
		if err != nil {
			t.Fatal(err)
		}
		if err := New(cli.Database("yinling")).EnsureIndexes(context.Background()); err != nil {
			t.Fatalf("start %d: %v", i+1, err)
		}
		_ = cli.Disconnect(context.Background())
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
