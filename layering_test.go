package yinling_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/yinling-cms/yinling"

// layers is the rule of architecture.md as a table: each folder, and the
// folders of ours its packages may import (their own folder only where
// it is listed). A package belongs to the longest folder that holds it,
// so internal/ground is a row of its own below the adapters of
// internal/. Every arrow points down the table; nothing imports cmd
// but cmd itself, and only its assembly; there are no exceptions. The
// folders hold:
//
//	internal/ground  the vocabulary every layer speaks: fault, ident, plain, redact
//	media            assets, upload checks, renditions, video probing; the blob interface
//	content          the domain: the engine, the kinds, the outbox and its channels,
//	                 search's interface and sources
//	themes           the theme engine and the themes
//	api/openapi      the OpenAPI document's builder (from the surfaces' tables)
//	                 and, in openapitest, its validator for the tests
//	api              the HTTP surfaces
//	internal         adapters (stores, blob stores, search indexes, the Douyin client,
//	                 backup, config) and the test environment
//	cmd/yinling/assembly  the application built once, over stores it is given:
//	                 what `yinling serve` runs; its sitetest builds the same
//	                 for the scenario tests of every surface
//	cmd              main packages: the only place that knows every concrete type
//	deploy           the deployment files and their tests (external tests only)
//	(root)           this test
var layers = []struct {
	folder  string   // "" is the module's root
	imports []string // the folders of ours it may import
}{
	{"internal/ground", nil},
	{"media", []string{"media", "internal/ground"}},
	{"content", []string{"content", "media", "internal/ground"}},
	{"themes", []string{"themes", "content", "media", "internal/ground"}},
	{"api/openapi", []string{"api/openapi", "internal/ground"}},
	{"api", []string{"api", "api/openapi", "content", "media", "themes", "internal/ground"}},
	{"internal", []string{"internal", "content", "media", "internal/ground"}},
	{"cmd/yinling/assembly", []string{"cmd/yinling/assembly", "api", "api/openapi", "content", "media", "themes", "internal", "internal/ground"}},
	{"cmd", []string{"cmd/yinling/assembly", "api", "api/openapi", "content", "media", "themes", "internal", "internal/ground"}},
	{"deploy", nil},
	{"", nil},
}

type pkg struct {
	ImportPath  string
	Imports     []string
	TestImports []string
	Deps        []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps=false", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages; the walk is broken", len(pkgs))
	}
	return pkgs
}

// folderOf is the row of the layers a package of ours belongs to: the
// longest folder that holds it; ok is false when no row does.
func folderOf(path string) (folder string, ok bool) {
	rel, ours := strings.CutPrefix(path, module)
	if !ours || rel != "" && !strings.HasPrefix(rel, "/") {
		return "", false
	}
	rel = strings.TrimPrefix(rel, "/")
	best := -1
	for i, l := range layers {
		if (l.folder == "" || rel == l.folder || strings.HasPrefix(rel, l.folder+"/")) && (best < 0 || len(l.folder) > len(layers[best].folder)) {
			best = i
		}
	}
	if best < 0 || layers[best].folder == "" && rel != "" {
		return "", false
	}
	return layers[best].folder, true
}

// TestImportsPointOnlyDownTheLayers fails on an import of ours that
// points back up (or sideways) against the table of layers: a package's
// imports and those of its in-package tests, which build into it. A
// package outside every row fails too: a new folder takes its place in
// the table first. External test packages (package x_test) stand above
// the layers: they may start the test environment, which wires adapters.
func TestImportsPointOnlyDownTheLayers(t *testing.T) {
	allowed := map[string][]string{}
	for _, l := range layers {
		allowed[l.folder] = l.imports
	}
	for _, p := range listPackages(t) {
		from, ok := folderOf(p.ImportPath)
		if !ok {
			t.Errorf("%s is in no folder of the layers: give its folder a row", p.ImportPath)
			continue
		}
		for _, imp := range slices.Concat(p.Imports, p.TestImports) {
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			to, ok := folderOf(imp)
			if !ok {
				t.Errorf("%s imports %s, which is in no folder of the layers", p.ImportPath, imp)
				continue
			}
			if may := allowed[from]; !slices.Contains(may, to) {
				t.Errorf("%s imports %s: an arrow back up the layers (%s may import %s)", p.ImportPath, imp, rowName(from), mayImport(may))
			}
		}
	}
}

// TestTheDomainDependsOnNoFrameworkDriverOrObjectStore: the domain (and
// the ground it stands on) never depends, even through another package,
// on Fiber, fasthttp, the Mongo driver or minio-go.
func TestTheDomainDependsOnNoFrameworkDriverOrObjectStore(t *testing.T) {
	frameworks := []string{"github.com/gofiber/", "github.com/valyala/fasthttp", "go.mongodb.org/mongo-driver", "github.com/minio/minio-go"}
	domain := []string{"content", "media", "themes", "internal/ground"}
	for _, p := range listPackages(t) {
		if folder, _ := folderOf(p.ImportPath); !slices.Contains(domain, folder) {
			continue
		}
		for _, dep := range p.Deps {
			for _, f := range frameworks {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s: the domain must not know the framework, driver or object store", p.ImportPath, dep)
				}
			}
		}
	}
}

func rowName(folder string) string {
	if folder == "" {
		return "the module's root"
	}
	return folder + "/"
}

func mayImport(folders []string) string {
	if len(folders) == 0 {
		return "nothing of ours"
	}
	return "only " + strings.Join(folders, ", ")
}
