package deploy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// manifest is one document of a Kubernetes YAML file, decoded strictly
// into its k8s.io/api type: a misspelt or misplaced field is an error,
// as `kubectl apply --validate=strict` would make it.
type manifest struct {
	file, kind string
	obj        any
}

func manifests(t *testing.T) []manifest {
	t.Helper()
	files, err := filepath.Glob("kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in kubernetes/: %v", err)
	}
	var out []manifest
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				t.Fatalf("%s document %d: %v", f, i+1, err)
			}
			var obj any
			switch head.APIVersion + " " + head.Kind {
			case "v1 ConfigMap":
				obj = &corev1.ConfigMap{}
			case "v1 Service":
				obj = &corev1.Service{}
			case "v1 Secret":
				obj = &corev1.Secret{}
			case "apps/v1 Deployment":
				obj = &appsv1.Deployment{}
			default:
				t.Fatalf("%s document %d: %s %s is not a kind this test knows; add its type", f, i+1, head.APIVersion, head.Kind)
			}
			if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
				t.Fatalf("%s document %d (%s): %v", f, i+1, head.Kind, err)
			}
			out = append(out, manifest{file: f, kind: head.Kind, obj: obj})
		}
	}
	return out
}

func stripComments(doc string) string {
	var b bytes.Buffer
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func TestKubernetesManifestsDecodeStrictly(t *testing.T) {
	ms := manifests(t)
	kinds := map[string]int{}
	for _, m := range ms {
		kinds[m.kind]++
	}
	if kinds["ConfigMap"] != 1 || kinds["Deployment"] != 1 || kinds["Service"] != 1 {
		t.Fatalf("kinds %v, want a ConfigMap, a Deployment and a Service", kinds)
	}
	var cm *corev1.ConfigMap
	var dep *appsv1.Deployment
	var svc *corev1.Service
	for _, m := range ms {
		switch o := m.obj.(type) {
		case *corev1.ConfigMap:
			cm = o
		case *appsv1.Deployment:
			dep = o
		case *corev1.Service:
			svc = o
		}
	}
	// What the API server would refuse or what would never route.
	sel := dep.Spec.Selector.MatchLabels
	for k, v := range sel {
		if dep.Spec.Template.Labels[k] != v {
			t.Errorf("the Deployment's selector %s=%s does not match its pods' labels %v", k, v, dep.Spec.Template.Labels)
		}
		if svc.Spec.Selector[k] != v {
			t.Errorf("the Service selects %v, not the Deployment's pods (%s=%s)", svc.Spec.Selector, k, v)
		}
	}
	c := dep.Spec.Template.Spec.Containers
	if len(c) != 1 {
		t.Fatalf("%d containers", len(c))
	}
	ports := map[string]bool{}
	for _, p := range c[0].Ports {
		ports[p.Name] = true
	}
	for _, p := range svc.Spec.Ports {
		if p.TargetPort.StrVal != "" && !ports[p.TargetPort.StrVal] {
			t.Errorf("the Service targets port %q, which the container does not name", p.TargetPort.StrVal)
		}
	}
	if c[0].ReadinessProbe == nil || c[0].ReadinessProbe.HTTPGet == nil || c[0].ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Error("the readiness probe is not /readyz")
	}
	refs := false
	for _, e := range c[0].EnvFrom {
		if e.ConfigMapRef != nil && e.ConfigMapRef.Name == cm.Name {
			refs = true
		}
	}
	if !refs {
		t.Errorf("the container does not take its environment from the ConfigMap %q", cm.Name)
	}
}

// The ConfigMap's keys, the container's env and the Secret's keys named
// in the file's instructions are all variables the server reads.
func TestKubernetesSetsOnlyVariablesTheServerReads(t *testing.T) {
	read := serverReads(t)
	for _, m := range manifests(t) {
		switch o := m.obj.(type) {
		case *corev1.ConfigMap:
			for k := range o.Data {
				if !read[k] {
					t.Errorf("%s: the ConfigMap sets %s, which the server does not read", m.file, k)
				}
			}
		case *appsv1.Deployment:
			for _, c := range o.Spec.Template.Spec.Containers {
				for _, e := range c.Env {
					if !read[e.Name] {
						t.Errorf("%s: container %s sets %s, which the server does not read", m.file, c.Name, e.Name)
					}
				}
			}
		}
	}
	files, _ := filepath.Glob("kubernetes/*.yaml")
	literal := regexp.MustCompile(`--from-literal=(YINLING_[A-Z0-9_]+)=`)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if !read[m[1]] {
				t.Errorf("%s: the Secret's instructions set %s, which the server does not read", f, m[1])
			}
		}
	}
}
