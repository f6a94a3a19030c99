package deploy_test

import (
	"context"
	"io"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/yinling-cms/yinling/internal/config"
)

// loadCompose loads compose.yaml as `docker compose --env-file ... config`
// does: schema validation, interpolation (a ${X:?} left unset fails),
// the consistency checks (depends_on, volumes named), paths resolved.
func loadCompose(t *testing.T, env map[string]string) (*types.Project, error) {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(dir, "compose.yaml")}},
		Environment: env,
	}, func(o *loader.Options) { o.SetProjectName("yinling", true) })
}

// exampleEnv is env.example, the file an operator copies to deploy/.env.
func exampleEnv(t *testing.T) map[string]string {
	t.Helper()
	env, err := dotenv.Read("env.example")
	if err != nil {
		t.Fatalf("env.example: %v", err)
	}
	return env
}

func composeProject(t *testing.T) *types.Project {
	t.Helper()
	p, err := loadCompose(t, exampleEnv(t))
	if err != nil {
		t.Fatalf("compose.yaml with env.example: %v", err)
	}
	return p
}

// serverReads is every environment variable the server's configuration
// reads, asked of config.Load itself.
func serverReads(t *testing.T) map[string]bool {
	t.Helper()
	read := map[string]bool{}
	if _, err := config.Load("serve", nil, func(k string) string { read[k] = true; return "" }, io.Discard); err != nil {
		t.Fatalf("config.Load with nothing set: %v", err)
	}
	if len(read) < 20 {
		t.Fatalf("config.Load read only %d variables; the recording is broken", len(read))
	}
	return read
}

func TestComposeFileLoadsAsComposeWould(t *testing.T) {
	p := composeProject(t)
	want := []string{"mongo", "proxy", "seaweedfs", "yinling"}
	if got := slices.Sorted(maps.Keys(p.Services)); !slices.Equal(got, want) {
		t.Fatalf("services %v, want %v", got, want)
	}
	for name, s := range p.Services {
		if s.Image == "" || strings.HasSuffix(s.Image, ":latest") && name != "yinling" || !strings.Contains(s.Image, ":") {
			t.Errorf("service %s: image %q is not pinned to a tag", name, s.Image)
		}
		if s.Restart != "unless-stopped" {
			t.Errorf("service %s: restart %q", name, s.Restart)
		}
	}
	y := p.Services["yinling"]
	for _, dep := range []string{"mongo", "seaweedfs"} {
		if d, ok := y.DependsOn[dep]; !ok || d.Condition != types.ServiceConditionHealthy {
			t.Errorf("yinling does not wait for %s to be healthy: %+v", dep, y.DependsOn)
		}
	}
	if p.Services["seaweedfs"].HealthCheck == nil || p.Services["mongo"].HealthCheck == nil {
		t.Error("a store has no healthcheck: yinling's depends_on would wait for ever")
	}
	// The app reaches the S3 service by its name, on the port it listens on.
	sw := p.Services["seaweedfs"]
	if got, want := env(y, "YINLING_S3_ENDPOINT"), "seaweedfs:"+flagValue(sw.Command, "-s3.port"); got != want {
		t.Errorf("YINLING_S3_ENDPOINT = %q, want %q (the seaweedfs service's -s3.port)", got, want)
	}
	// The S3 service's one identity is the app's key pair.
	for app, store := range map[string]string{"YINLING_S3_ACCESS_KEY": "AWS_ACCESS_KEY_ID", "YINLING_S3_SECRET_KEY": "AWS_SECRET_ACCESS_KEY"} {
		if a, s := env(y, app), env(sw, store); a == "" || a != s {
			t.Errorf("%s = %q but the S3 service's %s = %q", app, a, store, s)
		}
	}
}

func TestComposeRefusesAMissingSecret(t *testing.T) {
	for _, k := range []string{"YINLING_S3_ACCESS_KEY", "YINLING_S3_SECRET_KEY", "YINLING_BASE_URL"} {
		e := exampleEnv(t)
		delete(e, k)
		if _, err := loadCompose(t, e); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("without %s: err = %v, want one naming it", k, err)
		}
	}
}

// Every YINLING_ variable the compose file gives the app, and every one
// env.example sets, is one the server reads: a misspelt name would be
// ignored in silence.
func TestComposeSetsOnlyVariablesTheServerReads(t *testing.T) {
	read := serverReads(t)
	p := composeProject(t)
	for k := range p.Services["yinling"].Environment {
		if !read[k] {
			t.Errorf("compose.yaml gives yinling %s, which the server does not read", k)
		}
	}
	// YINLING_VERSION picks the image tag; the rest reach the server.
	for k := range exampleEnv(t) {
		if k != "YINLING_VERSION" && !read[k] {
			t.Errorf("env.example sets %s, which the server does not read", k)
		}
	}
}

func env(s types.ServiceConfig, k string) string {
	if v := s.Environment[k]; v != nil {
		return *v
	}
	return ""
}

// flagValue is the value of a weed flag (-name=value) in a command.
func flagValue(cmd []string, name string) string {
	re := regexp.MustCompile(`^-{1,2}` + regexp.QuoteMeta(strings.TrimLeft(name, "-")) + `=(.*)$`)
	for _, a := range cmd {
		if m := re.FindStringSubmatch(a); m != nil {
			return m[1]
		}
	}
	return ""
}
