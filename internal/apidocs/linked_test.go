package apidocs_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const thisPackage = "tend/internal/apidocs"

// Only the api function links the reference page (and its renderer, a
// couple of megabytes): every other function's main reaches no import of
// this package, as each is built for Lambda (make build).
func TestOnlyTheAPIFunctionLinksThePage(t *testing.T) {
	mains, err := filepath.Glob(filepath.Join("..", "..", "functions", "*"))
	if err != nil || len(mains) == 0 {
		t.Fatalf("no functions under functions/: %v", err)
	}
	for _, dir := range mains {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc", "./"+filepath.ToSlash(dir))
			cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v", dir, err)
			}
			links := slices.Contains(strings.Fields(string(out)), thisPackage)
			if want := name == "api"; links != want {
				t.Errorf("functions/%s links %s: %v, want %v", name, thisPackage, links, want)
			}
		})
	}
}
