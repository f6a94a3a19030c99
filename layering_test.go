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

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
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

func under(path, prefix string) bool {
	full := module + "/" + prefix
	return path == full || strings.HasPrefix(path, full+"/")
}

// TestImportsPointTheRightWay keeps the layering of architecture.md:
// cmd -> api -> (content, media, themes) -> nothing of ours above them;
// adapters in internal/ implement the domain and are wired only by cmd.
func TestImportsPointTheRightWay(t *testing.T) {
	frameworks := []string{"github.com/gofiber/", "github.com/valyala/fasthttp", "go.mongodb.org/mongo-driver", "github.com/minio/minio-go"}
	leaves := []string{module + "/internal/ground/fault", module + "/internal/ground/ident", module + "/internal/ground/plain", module + "/internal/ground/redact"}
	for _, p := range listPackages(t) {
		domain := under(p.ImportPath, "content") || under(p.ImportPath, "media") || under(p.ImportPath, "themes")
		for _, dep := range p.Deps {
			if domain {
				for _, f := range frameworks {
					if strings.HasPrefix(dep, f) {
						t.Errorf("%s depends on %s: the domain must not know the framework, driver or object store", p.ImportPath, dep)
					}
				}
			}
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			switch {
			case under(imp, "cmd"):
				t.Errorf("%s imports %s: nothing imports cmd", p.ImportPath, imp)
			case domain && under(imp, "api"):
				t.Errorf("%s imports %s: the domain never imports api", p.ImportPath, imp)
			case domain && under(imp, "internal") && !slices.Contains(leaves, imp) && !under(p.ImportPath, "media/blobtest"):
				t.Errorf("%s imports %s: the domain may use only the leaf packages %v of internal", p.ImportPath, imp, leaves)
			case under(p.ImportPath, "media") && under(imp, "content"):
				t.Errorf("%s imports %s: media stands below content", p.ImportPath, imp)
			case under(p.ImportPath, "api") && (under(imp, "internal/mongostore") || under(imp, "internal/blobstore") || under(imp, "internal/testenv")):
				t.Errorf("%s imports %s: api reaches storage only through the domain's interfaces", p.ImportPath, imp)
			case slices.Contains(leaves, p.ImportPath):
				t.Errorf("%s imports %s: leaf packages import only the standard library", p.ImportPath, imp)
			}
		}
	}
}
