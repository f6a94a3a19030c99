package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/internal/sqlstore"
	"github.com/yinling-cms/yinling/internal/testenv"
)

// TestMovingFromTheEmbeddedDefaultToMongoDB is the documented road: export
// the embedded site, import it into MongoDB + S3, and the site's users are
// there; a second import into the same target is refused.
func TestMovingFromTheEmbeddedDefaultToMongoDB(t *testing.T) {
	ctx := context.Background()
	embedded := map[string]string{"YINLING_DATA_DIR": t.TempDir()}
	add := func(env map[string]string, name string) error {
		return runWith(ctx, []string{"yinling", "user", "add", "--role", "admin", name}, envOf(env),
			strings.NewReader("a-long-password-for-"+name+"\n"), &bytes.Buffer{})
	}
	if err := add(embedded, "wang"); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "site.tar.gz")
	var out bytes.Buffer
	if err := run(ctx, []string{"yinling", "export", archive}, envOf(embedded), &out); err != nil {
		t.Fatalf("export: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "exported sqlite") || !strings.Contains(out.String(), "export records: ") {
		t.Fatalf("export said %q", out.String())
	}
	srv, bucket := testenv.S3(t)
	mongo := map[string]string{
		"YINLING_MONGO_URI": testenv.MongoURI(t), "YINLING_MONGO_DB": "import_" + strings.ReplaceAll(bucket, "-", "_"),
		"YINLING_S3_ENDPOINT": srv.Endpoint, "YINLING_S3_ACCESS_KEY": srv.AccessKey, "YINLING_S3_SECRET_KEY": srv.SecretKey, "YINLING_S3_BUCKET": bucket,
	}
	out.Reset()
	if err := run(ctx, []string{"yinling", "import", archive}, envOf(mongo), &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "imported") || !strings.Contains(out.String(), "checked") {
		t.Fatalf("import said %q", out.String())
	}
	if err := add(mongo, "wang"); err == nil || !strings.Contains(err.Error(), "taken") {
		t.Fatalf("the imported user is not there: adding wang again gave %v", err)
	}
	err := run(ctx, []string{"yinling", "import", archive}, envOf(mongo), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a second import: %v, want the target refused as not empty", err)
	}
	if _, err := os.Stat(archive); err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"yinling", "export", archive}, envOf(embedded), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("an export over an existing file: %v, want a refusal", err)
	}
}

// TestExportWhileTheServerRuns: an export of the embedded database reads a
// snapshot beside the process that holds the data folder (a server), so
// backups need no downtime; an import there is refused, naming the lock.
func TestExportWhileTheServerRuns(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := map[string]string{"YINLING_DATA_DIR": dir}
	if err := runWith(ctx, []string{"yinling", "user", "add", "--role", "admin", "li"}, envOf(env),
		strings.NewReader("a-long-password-for-li\n"), &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	server, err := sqlstore.Open(ctx, filepath.Join(dir, "db")) // holds the folder, as a running server does
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	out := filepath.Join(t.TempDir(), "backup")
	var said bytes.Buffer
	if err := run(ctx, []string{"yinling", "export", out}, envOf(env), &said); err != nil {
		t.Fatalf("export beside the server: %v\n%s", err, said.String())
	}
	manifest, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil || !strings.Contains(string(manifest), `"name": "users"`) || !strings.Contains(said.String(), "exported sqlite") {
		t.Fatalf("manifest %s, %v; said %q", manifest, err, said.String())
	}
	users, _ := os.ReadFile(filepath.Join(out, "collections", "users.jsonl"))
	if !strings.Contains(string(users), `"username":"li"`) {
		t.Fatalf("the export lacks the user: %s", users)
	}
	err = run(ctx, []string{"yinling", "import", out}, envOf(map[string]string{"YINLING_DATA_DIR": dir}), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("an import into the running server's folder: %v, want the lock named", err)
	}
}
