package apidocs_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tend/internal/localrun"
)

// chromiumNames are the names Chromium goes by on PATH (Debian's package
// installs "chromium"); TEND_CHROMIUM names another.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// chromium finds a headless-capable Chromium. Without one the test is
// skipped, saying why, except in CI (CI=true), where it fails: make tools
// installs it (apt-get install chromium).
func chromium(t *testing.T) string {
	t.Helper()
	names := chromiumNames
	if env := os.Getenv("TEND_CHROMIUM"); env != "" {
		names = []string{env}
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium on PATH (looked for " + strings.Join(names, ", ") + "): run make tools, which installs Debian's chromium package, or set TEND_CHROMIUM"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// The reference page, served by the local runner's handler, rendered by
// a real browser: the customers route and the webhook signing section are
// on the page, which fetched nothing but from the server (Chromium may
// resolve no other host, and the page's Content-Security-Policy allows
// none). A screenshot is left in the test's artifact directory (go test
// -artifacts; make test keeps them under .test-artifacts).
func TestPageInChromium(t *testing.T) {
	browser := chromium(t)
	app, err := localrun.Open(t.Context(), localrun.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	url := "http://" + ln.Addr().String() + "/docs"

	signed := signingExamples(t)[0]
	dom := runChromium(t, browser, "--dump-dom", url)
	for _, want := range []struct{ what, text string }{
		{"the customers route's operation", `id="tag/Customers/operation/listCustomers"`},
		{"its path", `/v1/customers`},
		{"the webhook signing section", `id="section/Webhook-signing"`},
		{"its worked example's signature", signed.signature},
		{"the Vietnamese part", `id="section/Tieng-Viet"`},
	} {
		if !strings.Contains(dom, want.text) {
			t.Errorf("%s (%s) is not on the rendered page", want.what, want.text)
		}
	}
	if t.Failed() {
		dump := filepath.Join(t.ArtifactDir(), "docs.html")
		_ = os.WriteFile(dump, []byte(dom), 0o644)
		t.Logf("the rendered page is in %s", dump)
	}

	shot := filepath.Join(t.ArtifactDir(), "docs.png")
	runChromium(t, browser, "--screenshot="+shot, url)
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("no PNG screenshot at %s: %v", shot, err)
	}
	t.Logf("screenshot of /docs: %s (%d bytes)", shot, len(png))
}

// runChromium runs headless Chromium on url with one more flag and
// returns what it wrote. Virtual time lets the page fetch the document and
// render it before the DOM is dumped or the screenshot taken, however
// long that takes on a loaded machine.
func runChromium(t *testing.T, browser, flag, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--disable-extensions", "--disable-background-networking", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(),
		// Only the test's server can be reached: a script or font from a
		// CDN would not load.
		"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
		"--window-size=1400,1800", "--virtual-time-budget=30000",
		flag, url)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", browser, flag, err, stderr.String())
	}
	return stdout.String()
}
