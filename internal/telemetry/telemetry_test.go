package telemetry_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/mongostore"
	"github.com/yinling-cms/yinling/internal/sqlstore"
	"github.com/yinling-cms/yinling/internal/telemetry"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/media/blobtest"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// count is how many calls the registry's family name timed with the
// labels given (name, value, ...).
func count(t *testing.T, reg *prometheus.Registry, family string, labels ...string) uint64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, f := range families {
		if f.GetName() != family {
			continue
		}
		for _, m := range f.GetMetric() {
			if has(m, labels) {
				n += m.GetHistogram().GetSampleCount()
			}
		}
	}
	return n
}

func has(m *dto.Metric, labels []string) bool {
	for i := 0; i+1 < len(labels); i += 2 {
		found := false
		for _, l := range m.GetLabel() {
			found = found || l.GetName() == labels[i] && l.GetValue() == labels[i+1]
		}
		if !found {
			return false
		}
	}
	return true
}

// TestTimedObjectStoresStillPassTheSuite: the wrapper that times the
// object store's calls keeps every behaviour of the stores (the
// conformance suite, multipart included) and times them.
func TestTimedObjectStoresStillPassTheSuite(t *testing.T) {
	reg := prometheus.NewRegistry()
	st := telemetry.NewStores(reg)
	t.Run("disk", func(t *testing.T) {
		blobtest.Run(t, func(t *testing.T) media.BlobStore {
			d, err := blobstore.NewDisk(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = d.Close() })
			return st.Blobs(d)
		})
	})
	t.Run("s3", func(t *testing.T) {
		blobtest.Run(t, func(t *testing.T) media.BlobStore {
			srv, bucket := testenv.S3(t)
			s, err := blobstore.NewS3(blobstore.S3Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: bucket, TLS: srv.TLS})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := st.Blobs(s).(media.Multipart); !ok {
				t.Fatal("the timed S3 store takes no multipart uploads")
			}
			return st.Blobs(s)
		})
	})
	for _, op := range []string{"put", "get", "stat", "delete", "list", "start_multipart", "complete_multipart"} {
		if count(t, reg, "yinling_object_store_call_duration_seconds", "op", op) == 0 {
			t.Errorf("no %s timed", op)
		}
	}
	if count(t, reg, "yinling_object_store_call_duration_seconds", "op", "get", "outcome", "error") == 0 {
		t.Error("no failed get timed (the suite reads missing keys)")
	}
}

// TestDatabaseCallsAreTimed: SQLite's statements through the observing
// connector, MongoDB's commands through the command monitor.
func TestDatabaseCallsAreTimed(t *testing.T) {
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	st := telemetry.NewStores(reg)
	s, err := sqlstore.Open(ctx, t.TempDir(), sqlstore.WithObserver(st.SQL))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := count(t, reg, "yinling_db_call_duration_seconds", "store", "sqlite", "op", "select")
	if _, err := s.Changes(ctx); err != nil {
		t.Fatal(err)
	}
	if after := count(t, reg, "yinling_db_call_duration_seconds", "store", "sqlite", "op", "select"); after <= before {
		t.Fatalf("a select was not timed: %d then %d", before, after)
	}
	if count(t, reg, "yinling_db_call_duration_seconds", "store", "sqlite", "op", "commit", "outcome", "ok") == 0 {
		t.Fatal("no commit timed (opening migrates in transactions)")
	}

	client, err := mongostore.Connect(testenv.MongoURI(t), st.MongoMonitor())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	if err := client.Ping(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if count(t, reg, "yinling_db_call_duration_seconds", "store", "mongodb", "op", "ping", "outcome", "ok") == 0 {
		t.Fatal("MongoDB's ping was not timed")
	}
}
