package backup_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/mongostore"
	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/internal/sqlstore"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/media"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// site is a store and an object store of one kind.
type site struct {
	src      backup.Source
	dst      backup.Target
	blobs    media.BlobStore
	name     string
	stories  stories.Store
	lectures lectures.Store
	seeder   interface {
		content.RevisionStore
		content.ChangeNotifier
		content.PlaceStore
		stories.ColumnStore
		lectures.RegistrationStore
		lectures.SeriesStore
		syndication.Store
		account.Store
		audit.Log
		media.AssetStore
		Secret(ctx context.Context, name string) ([]byte, error)
	}
}

func sqliteSite(t *testing.T) site {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	disk, err := blobstore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = disk.Close() })
	return site{src: s, dst: backup.TargetOf(s), blobs: disk, name: "sqlite", seeder: s, stories: sqlstore.ItemsOf(s, record.StoryKind), lectures: sqlstore.ItemsOf(s, record.LectureKind)}
}

func mongoSite(t *testing.T) site {
	t.Helper()
	s := mongostore.New(testenv.Database(t))
	if err := s.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv, bucket := testenv.S3(t)
	s3, err := blobstore.NewS3(blobstore.S3Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	return site{src: s, dst: backup.TargetOf(s), blobs: s3, name: "mongodb", seeder: s, stories: mongostore.ItemsOf(s, record.StoryKind), lectures: mongostore.ItemsOf(s, record.LectureKind)}
}

// seed fills a site with some of everything an export holds.
func seed(t *testing.T, s site) {
	t.Helper()
	ctx := context.Background()
	st := s.seeder
	now := time.Now().UTC()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.InsertUser(ctx, account.User{ID: ident.New(), Username: "wang", DisplayName: "王老师", Roles: []account.Role{account.RoleEditor},
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", CreatedAt: now, UpdatedAt: now}))
	must(st.InsertSession(ctx, account.Session{ID: ident.Token(32), UserID: "u", CSRF: "c", CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(time.Hour), Scope: account.ScopeSession}))
	must(st.InsertToken(ctx, account.Token{ID: ident.New(), UserID: "u", Name: "feed", Scope: account.ScopeReadOnly, Hash: "h", CreatedAt: now}))
	for i := range 25 {
		id := ident.New()
		data := make([]byte, 1000+i*100)
		_, _ = rand.Read(data)
		key := "assets/" + id
		must(s.blobs.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "image/jpeg"))
		must(st.InsertAsset(ctx, media.Asset{ID: id, Key: key, Filename: fmt.Sprintf("照片%d.jpg", i), ContentType: "image/jpeg",
			Size: int64(len(data)), SHA256: "x", Width: 10, Height: 10, Alt: "合影", CreatedBy: "u", CreatedAt: now}))
		story := stories.Story{ID: ident.New(), Slug: fmt.Sprintf("story-%d", i), Title: "西迁 " + fmt.Sprint(i), Body: "# 正文\n",
			BodyHTML: "<h1>正文</h1>", Column: "culture", Tags: []string{"a\nb", "讲座"}, Cover: id, Revision: 1,
			Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, Author: "u", CreatedAt: now, UpdatedAt: now}}
		if i%2 == 0 {
			story.Status, story.PublishedAt = content.StatusPublished, &now
			story.Live = &stories.Live{Title: story.Title, BodyHTML: story.BodyHTML, Column: "culture", Tags: []string{"讲座"},
				PublishedAt: now, UpdatedAt: now, Revision: 1}
		}
		must(s.stories.Insert(ctx, story))
		for n := int64(1); n <= 12; n++ { // 10, 11, 12 sort before 2 by id
			must(st.InsertRevision(ctx, content.Revision{Kind: stories.Kind, ItemID: story.ID, Number: n,
				Snapshot: []byte(`{"title":"t","tags":["a"],"body":"b"}`), AuthorID: "u", At: now, Published: n == 1}))
		}
	}
	for _, c := range stories.SeedColumns() {
		c.CreatedAt, c.UpdatedAt = now, now
		must(st.InsertColumn(ctx, c))
	}
	must(st.InsertSeries(ctx, lectures.Series{ID: ident.New(), Slug: "wu-tong-yu", Version: 1, CreatedAt: now, UpdatedAt: now,
		SeriesInput: lectures.SeriesInput{Name: "梧桐语讲坛", Organizers: []string{"u"}}}))
	for i := range 5 {
		at := now.Add(time.Duration(i) * 24 * time.Hour).Truncate(time.Millisecond)
		end := at.Add(90 * time.Minute)
		l := lectures.Lecture{ID: ident.New(), Slug: fmt.Sprintf("lecture-%d", i), BodyHTML: "<p>讲座</p>", Revision: 1,
			Input: lectures.Input{Title: "梧桐语讲坛", Series: "wu-tong-yu", Speakers: []lectures.Speaker{{Name: "李教授", Bio: "退休教师"}},
				Venue: lectures.Venue{Campus: "兴庆校区", Room: "报告厅"}, StartsAt: &at, EndsAt: &end, Capacity: 30,
				Registration: lectures.RegistrationRules{Mode: lectures.RegistrationInternal, Waitlist: 10}, Body: "讲座"},
			Lifecycle: content.Lifecycle{Status: content.StatusPublished, Version: 2, Author: "u", CreatedAt: now, UpdatedAt: now},
			Event:     lectures.Event{Status: lectures.EventRescheduled, Reason: "场地", Sequence: 1, PreviousStarts: []time.Time{now}}}
		l.Live = &lectures.Live{Input: l.Input, BodyHTML: l.BodyHTML, PublishedAt: now, UpdatedAt: now, Revision: 1}
		must(s.lectures.Insert(ctx, l))
		reg := lectures.Registration{ID: ident.New(), LectureID: l.ID, CodeHash: lectures.HashCode(ident.Token(8)), Name: "王阿姨",
			Phone: fmt.Sprintf("1381234567%d", i), Status: lectures.Confirmed, Seq: 1, Version: 2, CreatedAt: now, UpdatedAt: now,
			PurgeAt: end.Add(30 * 24 * time.Hour),
			Notice:  &lectures.Notice{Kind: lectures.SessionChanged, Sequence: 1, Status: lectures.EventRescheduled, StartsAt: &at, At: now}}
		must(st.InsertRegistration(ctx, reg))
	}
	for i, state := range []syndication.State{syndication.Done, syndication.WaitingPerson} {
		_, err := st.InsertJob(ctx, syndication.Job{ID: ident.New(), Key: fmt.Sprint("videos/v/", i), Kind: "videos", EntryID: "v", Channel: "douyin",
			Action: syndication.ActionPost, Revision: 1, Payload: []byte(`{"title":"重阳"}`), State: state, NextAt: now, Version: 1,
			Steps: []syndication.Step{{Name: "uploaded", Value: "v0200", At: now}}, CreatedAt: now, UpdatedAt: now})
		must(err)
	}
	must(st.PutAccount(ctx, syndication.Account{Channel: "douyin", OpenID: "o", AccessToken: "act", AccessExpiresAt: now,
		RefreshToken: "rft", RefreshExpiresAt: now, AuthorizedAt: now, UpdatedAt: now, Version: 1}, 0))
	must(st.MarkRevisionsPublished(ctx, stories.Kind, map[string]int64{}))
	must(st.Append(ctx, audit.Entry{ID: ident.New(), At: now, ActorID: "u", Actor: "wang", Action: audit.SignIn, Target: "user:u"}))
	must(st.BumpChanges(ctx))
	if _, err := st.Secret(ctx, "cursor"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.TakePlace(ctx, "lecture:x", 30); err != nil {
		t.Fatal(err)
	}
}

// files reads every file of an export folder.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameExports compares two export folders, file by file (the manifests
// differ in their time and source only).
func sameExports(t *testing.T, a, b string) {
	t.Helper()
	fa, fb := files(t, a), files(t, b)
	if len(fa) != len(fb) {
		t.Fatalf("%d files vs %d", len(fa), len(fb))
	}
	for name, ba := range fa {
		if name == backup.ManifestName {
			continue
		}
		if !bytes.Equal(ba, fb[name]) {
			t.Errorf("%s differs:\n%.600s\n---\n%.600s", name, ba, fb[name])
		}
	}
}

func TestExportImportRoundTripsBetweenTheStores(t *testing.T) {
	ctx := context.Background()
	from := sqliteSite(t)
	seed(t, from)
	dir := t.TempDir()
	first := filepath.Join(dir, "first")
	m, err := backup.Export(ctx, from.src, from.name, from.blobs, first, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Media) != 25 || len(m.Collections) != len(record.Exported()) {
		t.Fatalf("manifest has %d media, %d collections", len(m.Media), len(m.Collections))
	}
	// Into MongoDB + S3, as an archive, and out again.
	archive := filepath.Join(dir, "first.tar.gz")
	if _, err := backup.Export(ctx, from.src, from.name, from.blobs, archive, nil); err != nil {
		t.Fatal(err)
	}
	mongo := mongoSite(t)
	var log bytes.Buffer
	if _, err := backup.Import(ctx, mongo.dst, mongo.blobs, archive, backup.NewProgress(&log)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "import: ") {
		t.Errorf("no progress lines: %q", log.String())
	}
	second := filepath.Join(dir, "second")
	if _, err := backup.Export(ctx, mongo.src, mongo.name, mongo.blobs, second, nil); err != nil {
		t.Fatal(err)
	}
	sameExports(t, first, second)
	// And back into SQLite, from the folder.
	back := sqliteSite(t)
	if _, err := backup.Import(ctx, back.dst, back.blobs, second, nil); err != nil {
		t.Fatal(err)
	}
	third := filepath.Join(dir, "third")
	if _, err := backup.Export(ctx, back.src, back.name, back.blobs, third, nil); err != nil {
		t.Fatal(err)
	}
	sameExports(t, first, third)
}

// TestBadExportsImportNothing: a cut, altered or mismatched export, or a
// target that is not empty, is a clear error and leaves the target as it
// was.
func TestBadExportsImportNothing(t *testing.T) {
	ctx := context.Background()
	from := sqliteSite(t)
	seed(t, from)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tar")
	if _, err := backup.Export(ctx, from.src, from.name, from.blobs, good, nil); err != nil {
		t.Fatal(err)
	}
	whole, _ := os.ReadFile(good)
	folder := filepath.Join(dir, "folder")
	if _, err := backup.Export(ctx, from.src, from.name, from.blobs, folder, nil); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	retar := func(name string, change func(h *tar.Header, body []byte) (*tar.Header, []byte)) string {
		var out bytes.Buffer
		tw := tar.NewWriter(&out)
		tr := tar.NewReader(bytes.NewReader(whole))
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			body, _ := io.ReadAll(tr)
			h, body = change(h, body)
			if h == nil {
				continue
			}
			h.Size = int64(len(body))
			_ = tw.WriteHeader(h)
			_, _ = tw.Write(body)
		}
		_ = tw.Close()
		return write(name, out.Bytes())
	}
	cases := []struct {
		name string
		path string
		want error
	}{
		{"cut short", write("cut.tar", whole[:len(whole)/2]), backup.ErrBadExport},
		{"a story altered", retar("altered.tar", func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == "collections/stories.jsonl" {
				b = bytes.Replace(b, []byte("西迁 1"), []byte("西迁 9"), 1)
			}
			return h, b
		}), backup.ErrBadExport},
		{"a media object missing", retar("missing.tar", func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if strings.HasPrefix(h.Name, "media/") {
				return nil, nil
			}
			return h, b
		}), backup.ErrBadExport},
		{"a file the manifest does not list", retar("extra.tar", func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == backup.ManifestName {
				h.Name = "media/assets/extra"
			}
			return h, b
		}), backup.ErrBadExport},
		{"a symbolic link", retar("link.tar", func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == "collections/users.jsonl" {
				h.Typeflag, h.Linkname, b = tar.TypeSymlink, "/etc/passwd", nil
			}
			return h, b
		}), backup.ErrBadExport},
		{"an unknown field in a record", retar("field.tar", func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == "collections/users.jsonl" {
				b = bytes.Replace(b, []byte(`{"id"`), []byte(`{"is_root":true,"id"`), 1)
			}
			return h, b
		}), backup.ErrBadExport},
		{"not an export", write("garbage.tar.gz", []byte("garbage")), backup.ErrBadExport},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			to := sqliteSite(t)
			_, err := backup.Import(ctx, to.dst, to.blobs, c.path, nil)
			if err == nil || (c.want != nil && !errors.Is(err, c.want) && !strings.Contains(err.Error(), "not a plain file") && !strings.Contains(err.Error(), "gzip")) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			assertEmpty(t, to)
		})
	}
	t.Run("a target that is not empty", func(t *testing.T) {
		to := sqliteSite(t)
		seed(t, to)
		_, err := backup.Import(ctx, to.dst, to.blobs, folder, nil)
		if !errors.Is(err, backup.ErrNotEmpty) {
			t.Fatalf("err = %v, want ErrNotEmpty", err)
		}
	})
	t.Run("a failure half way undoes what was written", func(t *testing.T) {
		to := mongoSite(t)
		// A record that passes the checks but that the store refuses: two
		// users with one name (the unique index), altered consistently in
		// the manifest.
		users := filepath.Join(folder, "collections", "users.jsonl")
		b, _ := os.ReadFile(users)
		twice := append(append([]byte{}, b...), bytes.Replace(b, []byte(`"id":"`), []byte(`"id":"x`), 1)...)
		bad := copyExport(t, folder, filepath.Join(dir, "dup"), "collections/users.jsonl", twice)
		_, err := backup.Import(ctx, to.dst, to.blobs, bad, nil)
		if err == nil {
			t.Fatal("an import with a duplicate username went through")
		}
		assertEmpty(t, to)
		if n, _ := to.dst.Count(ctx, "settings"); n != 0 {
			t.Fatalf("the import marker stayed (%d settings)", n)
		}
	})
}

// copyExport copies an export folder with one file replaced, and the
// manifest rewritten to match it.
func copyExport(t *testing.T, from, to, name string, body []byte) string {
	t.Helper()
	for rel, b := range files(t, from) {
		p := filepath.Join(to, rel)
		_ = os.MkdirAll(filepath.Dir(p), 0o700)
		if rel == name {
			b = body
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := backup.RewriteManifest(to); err != nil {
		t.Fatal(err)
	}
	return to
}

func assertEmpty(t *testing.T, s site) {
	t.Helper()
	for _, c := range []string{"users", "stories", "revisions", "assets", "audit"} {
		if n, err := s.dst.Count(context.Background(), c); err != nil || n != 0 {
			t.Fatalf("%s holds %d records (%v) after a refused import", c, n, err)
		}
	}
	if objects, _ := s.blobs.List(context.Background(), ""); len(objects) != 0 {
		t.Fatalf("%d media objects after a refused import", len(objects))
	}
}
