package adminui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestProblemTemplatesMatchTheServersMessages: every server message the
// catalogue translates ("problem:" + the English, {name} for what
// varies) is still what the server says. Each fixed piece of a template
// must be found in a string literal of the server's Go code, so a
// message reworded there fails here instead of silently reaching the
// editors in English.
func TestProblemTemplatesMatchTheServersMessages(t *testing.T) {
	raw, err := files.ReadFile("ui/messages/problems.json")
	if err != nil {
		t.Fatal(err)
	}
	var cat map[string]map[string]string
	if err := json.Unmarshal(raw, &cat); err != nil {
		t.Fatal(err)
	}
	literals := serverLiterals(t)
	placeholder := regexp.MustCompile(`\{\w+\}`)
	n := 0
	for key, text := range cat["zh-CN"] {
		tmpl, ok := strings.CutPrefix(key, "problem:")
		if !ok {
			continue
		}
		n++
		for _, piece := range placeholder.Split(tmpl, -1) {
			if strings.TrimSpace(piece) == "" {
				continue
			}
			found := false
			for _, l := range literals {
				if strings.Contains(l, piece) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%q: no message of the server holds %q", key, piece)
			}
		}
		// what varies is given in the translation too, and nothing else
		want, got := placeholder.FindAllString(tmpl, -1), placeholder.FindAllString(text, -1)
		for _, g := range got {
			if !strings.Contains(tmpl, g) {
				t.Errorf("%q: the translation uses %s, which the template lacks", key, g)
			}
		}
		if len(got) == 0 && len(want) > 0 && !strings.Contains(key, "{rest}") {
			t.Logf("%q: the translation leaves out %v", key, want)
		}
	}
	if n < 50 {
		t.Fatalf("only %d problem templates", n)
	}
}

// serverLiterals are the string literals of the server's Go code (tests
// left out).
func serverLiterals(t *testing.T) []string {
	var out []string
	fset := token.NewFileSet()
	for _, dir := range []string{"../../content", "../../api", "../../internal", "../../media"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			f, err := parser.ParseFile(fset, p, src, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil {
						out = append(out, s)
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}
