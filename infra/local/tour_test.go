package main

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tend/internal/localrun"
)

// TestReadmeTour runs the README's curl tour, as written, against a fresh
// runner with the demo workspace: every call answers 2xx, or the status
// its line announces ("# → 409").
func TestReadmeTour(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "cut", "grep", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the tour needs %s: %v", tool, err)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	script, want := tour(t, string(readme))
	app, err := localrun.Open(t.Context(), localrun.Config{DataDir: t.TempDir(), JWTSecret: []byte("tour-secret-tour-secret-tour-secret"), Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()

	statuses := filepath.Join(t.TempDir(), "statuses")
	wrapper := `set -euo pipefail
curl() {
  local body status
  body=$(mktemp)
  status=$(command curl -s -o "$body" -w '%{http_code}' "$@")
  echo "$status" >> "$STATUS_LOG"
  cat "$body"; echo
  rm -f "$body"
}
`
	cmd := exec.CommandContext(t.Context(), "bash", "-c", wrapper+strings.ReplaceAll(script, "http://localhost:8080", srv.URL))
	cmd.Env = append(os.Environ(), "STATUS_LOG="+statuses)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the tour failed: %v\n%s", err, out)
	}
	log, _ := os.ReadFile(statuses)
	got := strings.Fields(string(log))
	if len(got) != len(want) {
		t.Fatalf("%d calls ran, the tour has %d:\n%s", len(got), len(want), out)
	}
	for i, status := range got {
		if want[i] == "" && !strings.HasPrefix(status, "2") || want[i] != "" && status != want[i] {
			t.Errorf("call %d answered %s, want %s", i+1, status, or(want[i], "2xx"))
		}
	}
	if t.Failed() {
		t.Logf("tour output:\n%s", out)
	}
}

var announced = regexp.MustCompile(`# → (\d{3})\s*$`)

// tour returns the shell blocks of the README's tour and, for each line
// that calls curl, the status it announces ("" for any 2xx).
func tour(t *testing.T, readme string) (string, []string) {
	_, section, ok := strings.Cut(readme, "## A tour of the API")
	if !ok {
		t.Fatal("README has no tour")
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var script strings.Builder
	var want []string
	in := false
	for _, line := range strings.Split(section, "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			in = true
		case strings.HasPrefix(line, "```"):
			in = false
		case in:
			script.WriteString(line + "\n")
			if strings.Contains(line, "curl ") {
				m := announced.FindStringSubmatch(line)
				if m != nil {
					want = append(want, m[1])
				} else {
					want = append(want, "")
				}
			}
		}
	}
	if len(want) < 10 {
		t.Fatalf("the tour has only %d calls", len(want))
	}
	return script.String(), want
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
