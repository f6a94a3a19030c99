package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTheAdminAPIExportsWhatImportTakes: the export an administrator
// downloads from a running server (the embedded database, read from a
// snapshot beside it) is an archive `yinling import` takes into an empty
// data folder, with the story and the media object in it.
func TestTheAdminAPIExportsWhatImportTakes(t *testing.T) {
	base, _, stop := server(t, map[string]string{"YINLING_ADMIN_PASSWORD": "correct-horse-battery"})
	st, login := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
	if st != 201 {
		t.Fatalf("login = %d %v", st, login)
	}
	token := login["token"].(string)
	cover := uploadPNG(t, base, token)
	if st, story := call(t, "POST", base+"/api/admin/v1/stories", token, map[string]any{"title": "乐老学院开学典礼", "column": "culture", "cover": cover}); st != 201 {
		t.Fatalf("create = %d %v", st, story)
	}
	req, _ := http.NewRequest("GET", base+"/api/admin/v1/export", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("export = %d %v: %.300s", res.StatusCode, err, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	archive := filepath.Join(t.TempDir(), "site.tar.gz")
	if err := os.WriteFile(archive, body, 0o600); err != nil {
		t.Fatal(err)
	}
	var said bytes.Buffer
	fresh := t.TempDir()
	if err := run(context.Background(), []string{"yinling", "import", archive}, envOf(map[string]string{"YINLING_DATA_DIR": fresh}), &said); err != nil {
		t.Fatalf("import: %v\n%s", err, said.String())
	}
	if !strings.Contains(said.String(), "1 media objects") {
		t.Fatalf("the import says %q", said.String())
	}
	out := filepath.Join(t.TempDir(), "again")
	if err := run(context.Background(), []string{"yinling", "export", out}, envOf(map[string]string{"YINLING_DATA_DIR": fresh}), &said); err != nil {
		t.Fatal(err)
	}
	stories, _ := os.ReadFile(filepath.Join(out, "collections", "stories.jsonl"))
	if !strings.Contains(string(stories), "乐老学院开学典礼") {
		t.Fatalf("the imported site lacks the story: %s", stories)
	}
}
