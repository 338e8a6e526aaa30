package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tend/internal/localrun"
	"tend/internal/openapitest"
)

// tourTools are the only commands the tour may run besides the shell's
// own: the README names them, and each exists, with the options the tour
// uses, on Linux and macOS alike.
var tourTools = []string{"curl", "grep", "sed", "cut", "head", "paste", "openssl"}

// tourStart is when the tour runs, on the runner's clock (running on from
// there): a weekday morning in Hanoi before the README's 2030 dates, so the
// test passes on any day.
var tourStart = time.Date(2029, 10, 1, 2, 0, 0, 0, time.UTC)

// TestReadmeTour runs the README's tour, command for command, against a
// fresh runner with the demo workspace, in a POSIX shell that has only the
// tools the README names, and checks that every call answers and does what
// the README says it does (tourSteps, one per call, in order).
func TestReadmeTour(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	tour := readTour(t, string(readme))
	if len(tour.calls) != len(tourSteps) {
		t.Fatalf("the tour makes %d calls and the test checks %d: give every call of the README a step in tourSteps\n%s",
			len(tour.calls), len(tourSteps), strings.Join(tour.calls, "\n"))
	}
	for i, step := range tourSteps {
		if !strings.Contains(tour.calls[i], step.line) {
			t.Fatalf("call %d of the tour is\n  %s\nbut its step expects a line with %q", i+1, tour.calls[i], step.line)
		}
	}

	app, err := localrun.Open(t.Context(), localrun.Config{DataDir: t.TempDir(), JWTSecret: []byte("tour-secret-tour-secret-tour-secret"), Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	app.Clock.Set(tourStart, true)
	doc, err := openapitest.Load()
	if err != nil {
		t.Fatal(err)
	}
	// Every call of the tour, and every read of the checks after it, is
	// held to openapi.json.
	srv := httptest.NewServer(doc.Checked(app.Handler(), func(x openapitest.Exchange, ms []openapitest.Mismatch) {
		t.Errorf("%s %s: not as openapi.json says:\n%s", x.Method, x.URL, openapitest.Report(ms, x))
	}))
	defer srv.Close()

	run := runTour(t, tour, srv.URL)
	if len(run.calls) != len(tour.calls) {
		t.Fatalf("%d calls ran, the tour has %d", len(run.calls), len(tour.calls))
	}
	for i, step := range tourSteps {
		call := run.calls[i]
		t.Run(fmt.Sprintf("call %02d", i+1), func(t *testing.T) {
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("README: %s\nanswer %d: %s", tour.calls[i], call.status, call.body)
				}
			})
			if step.status == 0 && (call.status < 200 || call.status > 299) {
				t.Fatalf("status %d, want 2xx", call.status)
			}
			if step.status != 0 && call.status != step.status {
				t.Fatalf("status %d, want %d", call.status, step.status)
			}
			step.check(t, run, call.body)
		})
	}
}

// readmeTour is the README's tour: its shell blocks as one script, and the lines
// that call curl, in order.
type readmeTour struct {
	script string
	calls  []string
	vars   []string // the shell variables it sets
}

var assignment = regexp.MustCompile(`^([A-Z_][A-Z0-9_]*)=`)

func readTour(t *testing.T, readme string) readmeTour {
	t.Helper()
	_, section, ok := strings.Cut(readme, "## A tour of the API")
	if !ok {
		t.Fatal("README has no tour")
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	for _, tool := range tourTools {
		if !strings.Contains(section, "`"+tool+"`") {
			t.Errorf("the tour runs %s but does not say it needs it", tool)
		}
	}
	var tr readmeTour
	var script strings.Builder
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
				tr.calls = append(tr.calls, line)
			}
			if m := assignment.FindStringSubmatch(line); m != nil {
				tr.vars = append(tr.vars, m[1])
			}
		}
	}
	tr.script = script.String()
	if !strings.Contains(tr.script, "TEND=http://localhost:8080\n") {
		t.Fatal("the tour does not start with TEND=http://localhost:8080, the address make run serves")
	}
	return tr
}

// tourCall is one call's answer.
type tourCall struct {
	status int
	body   []byte
}

// tourRun is what the tour left: each call's answer, in order, and the
// shell variables it set.
type tourRun struct {
	calls []tourCall
	vars  map[string]string
	base  string
}

// The shell's curl is a function that makes the call with the real curl
// and keeps its status and answer (N.status, N.body); the variables are
// kept as var.NAME at the end. Only the wrapper uses cat.
const tourWrapper = `set -eu
echo 0 > "$TOUR_DIR/count"
curl() {
  read -r _tour_n < "$TOUR_DIR/count"
  _tour_n=$((_tour_n + 1))
  echo "$_tour_n" > "$TOUR_DIR/count"
  : > "$TOUR_DIR/$_tour_n.body"
  "$TOUR_CURL" -o "$TOUR_DIR/$_tour_n.body" -w '%{http_code}' "$@" > "$TOUR_DIR/$_tour_n.status" || true
  "$TOUR_CAT" "$TOUR_DIR/$_tour_n.body"
}
`

// runTour runs the script with sh, and only the tour's tools on the PATH.
func runTour(t *testing.T, tr readmeTour, base string) *tourRun {
	t.Helper()
	bin, dir := t.TempDir(), t.TempDir()
	paths := map[string]string{}
	for _, tool := range append([]string{"sh", "cat"}, tourTools...) {
		path, err := exec.LookPath(tool)
		if err != nil {
			t.Fatalf("the tour needs %s: %v", tool, err)
		}
		paths[tool] = path
	}
	for _, tool := range tourTools {
		if err := os.Symlink(paths[tool], filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	var dump strings.Builder
	for _, v := range tr.vars {
		fmt.Fprintf(&dump, "printf '%%s' \"${%s-}\" > \"$TOUR_DIR/var.%s\"\n", v, v)
	}
	script := tourWrapper + strings.ReplaceAll(tr.script, "http://localhost:8080", base) + dump.String()
	cmd := exec.CommandContext(t.Context(), paths["sh"], "-c", script)
	cmd.Env = []string{"PATH=" + bin, "HOME=" + dir, "LANG=C.UTF-8", "TOUR_DIR=" + dir, "TOUR_CURL=" + paths["curl"], "TOUR_CAT=" + paths["cat"]}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the tour failed: %v\n%s", err, out)
	}
	run := &tourRun{vars: map[string]string{}, base: base}
	for n := 1; ; n++ {
		status, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%d.status", n)))
		if err != nil {
			break
		}
		code, _ := strconv.Atoi(strings.TrimSpace(string(status)))
		body, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%d.body", n)))
		run.calls = append(run.calls, tourCall{status: code, body: body})
	}
	for _, v := range tr.vars {
		b, err := os.ReadFile(filepath.Join(dir, "var."+v))
		if err != nil {
			t.Fatalf("the tour did not keep $%s: %v", v, err)
		}
		run.vars[v] = string(b)
	}
	return run
}

// v returns a variable the tour set, failing the test when it is empty.
func (r *tourRun) v(t *testing.T, name string) string {
	t.Helper()
	v, ok := r.vars[name]
	if !ok || v == "" {
		t.Fatalf("the tour left $%s empty", name)
	}
	return v
}

// get reads the API as the tour's admin ($TOKEN), after the tour, to check
// what a call's answer alone doesn't show.
func (r *tourRun) get(t *testing.T, path string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", r.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+r.v(t, "TOKEN"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, b)
	}
}

// decode reads a call's answer.
func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("answer is not the JSON expected: %v", err)
	}
	return v
}
