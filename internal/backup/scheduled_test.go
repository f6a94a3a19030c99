package backup_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/testenv"
)

// TestScheduledBackupsOntoABucket: on MongoDB with media in S3, three
// days' scheduled backups go to a prefix of a bucket of their own,
// written and checked in a scratch folder first (left empty); keeping
// two and no months leaves the newest two, each of which imports into
// an empty site; objects beside the prefix are never touched.
func TestScheduledBackupsOntoABucket(t *testing.T) {
	ctx := context.Background()
	src := mongoSite(t)
	seed(t, src)
	srv, bucket := testenv.S3(t)
	store, err := blobstore.NewS3(blobstore.S3Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Put(ctx, "elsewhere.txt", nil, 0, "text/plain"); err != nil {
		t.Fatal(err)
	}
	scratch := t.TempDir()
	shelf := backup.Bucket{Blobs: store, Prefix: "backups/", Name: "s3://" + bucket + "/backups/", Temp: scratch}
	sched := backup.Scheduled{Blobs: src.blobs, Shelf: shelf, Keep: 2,
		Open: func(context.Context) (backup.Source, string, func() error, error) {
			return src.src, src.name, func() error { return nil }, nil
		}}
	day := time.Date(2026, 12, 5, 19, 0, 0, 0, time.UTC) // 03:00 on the 6th in Beijing
	var names []string
	for i := range 3 {
		made, err := sched.Run(ctx, day.AddDate(0, 0, i))
		if err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		if made.Records == 0 || made.Media != 25 || made.Size == 0 {
			t.Fatalf("backup %d made %+v", i, made)
		}
		names = append(names, made.Name)
		if i == 2 && !slices.Equal(made.Removed, names[:1]) {
			t.Errorf("the third backup removed %v, want the first", made.Removed)
		}
	}
	got, err := shelf.List(ctx)
	if err != nil || !slices.Equal(got, names[1:]) {
		t.Fatalf("the bucket's backups: %v, %v; want %v", got, err, names[1:])
	}
	if left, _ := os.ReadDir(scratch); len(left) != 0 {
		t.Errorf("the scratch folder keeps %d files", len(left))
	}
	if _, err := store.Stat(ctx, "elsewhere.txt"); err != nil {
		t.Errorf("an object beside the prefix: %v", err)
	}
	// The newest, fetched from the bucket, imports into an empty site.
	r, err := store.Get(ctx, "backups/"+names[2], 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	local := filepath.Join(t.TempDir(), names[2])
	f, err := os.Create(local)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	dst := sqliteSite(t)
	m, err := backup.Import(ctx, dst.dst, dst.blobs, local, nil)
	if err != nil || len(m.Media) != 25 {
		t.Fatalf("import the newest backup: %v (%d media)", err, len(m.Media))
	}
}
