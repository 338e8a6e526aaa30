package apidocs_test

import (
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The vendored tarball is the one the lock pins: package.json pins an
// exact version, the lock resolves it, and the file under assets/ is that
// version's tarball, byte for byte (npm's integrity is the SHA-512 of the
// tarball).
func TestVendoredRendererMatchesTheLock(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	readJSON(t, "package.json", &pkg)
	var lock struct {
		Packages map[string]struct {
			Version      string            `json:"version"`
			Integrity    string            `json:"integrity"`
			Dependencies map[string]string `json:"dependencies"`
		} `json:"packages"`
	}
	readJSON(t, "package-lock.json", &lock)

	pinned := pkg.Dependencies["redoc"]
	locked := lock.Packages["node_modules/redoc"]
	if pinned == "" || pinned != locked.Version || lock.Packages[""].Dependencies["redoc"] != pinned {
		t.Fatalf("package.json pins redoc %q, the lock has %q (root asks %q): pin an exact version and run npm install, then make docs-assets",
			pinned, locked.Version, lock.Packages[""].Dependencies["redoc"])
	}
	names, err := filepath.Glob(filepath.Join("assets", "*"))
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("assets", "redoc-"+locked.Version+".tgz")
	if len(names) != 1 || names[0] != want {
		t.Fatalf("assets holds %q, want only %s: run make docs-assets", names, want)
	}
	tgz, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha512.Sum512(tgz)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != locked.Integrity {
		t.Errorf("%s has integrity %s, the lock says %s: run make docs-assets", want, got, locked.Integrity)
	}
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
