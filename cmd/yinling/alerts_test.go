package main

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"
)

// alertRules is the shape of a Prometheus rules file, as far as the
// alerts go.
type alertRules struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// TestAlertRulesReadWhatTheServerExports parses deploy/prometheus's rules
// file (strictly: an unknown key fails) and checks that every alert is
// complete (an expression, a severity, a summary) and that every yinling_
// metric its expressions read is one the running binary exports, with the
// label values they select.
func TestAlertRulesReadWhatTheServerExports(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	f, err := os.Open("../../deploy/prometheus/yinling-alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	var rules alertRules
	if err := dec.Decode(&rules); err != nil {
		t.Fatalf("the rules file: %v", err)
	}
	bin := buildBinary(t)
	base, _ := process(t, bin, map[string]string{"YINLING_ADDR": "127.0.0.1:0", "YINLING_DATA_DIR": t.TempDir(),
		"YINLING_SCHEDULER_TICK": "100ms", "YINLING_BACKUP_TO": t.TempDir()})
	time.Sleep(2 * time.Second) // the scheduler runs a few times
	if res, err := http.Get(base + "/healthz"); err != nil {
		t.Fatal(err)
	} else {
		res.Body.Close()
	}
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`\byinling_[a-z_]+`)
	selector := regexp.MustCompile(`\b(yinling_[a-z_]+)\{([a-z_]+)="([^"]+)"`)
	alerts := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			alerts++
			if r.Alert == "" || strings.TrimSpace(r.Expr) == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("an incomplete alert: %+v", r)
			}
			for _, n := range name.FindAllString(r.Expr, -1) {
				n = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "_bucket"), "_count"), "_sum")
				if families[n] == nil {
					t.Errorf("%s reads %s, which the server does not export", r.Alert, n)
				}
			}
			for _, m := range selector.FindAllStringSubmatch(r.Expr, -1) {
				fam := families[strings.TrimSuffix(strings.TrimSuffix(m[1], "_bucket"), "_count")]
				if fam == nil {
					continue
				}
				found := false
				for _, s := range fam.GetMetric() {
					for _, l := range s.GetLabel() {
						found = found || l.GetName() == m[2] && l.GetValue() == m[3]
					}
				}
				// A status class or an outcome that has not happened yet
				// has no series; the label itself must exist.
				if !found && m[2] != "code" && m[2] != "outcome" {
					t.Errorf("%s selects %s{%s=%q}: no such series", r.Alert, m[1], m[2], m[3])
				}
			}
		}
	}
	if alerts < 8 {
		t.Fatalf("%d alerts", alerts)
	}
}
