package httpapi

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// codeUses finds the codes the code base gives to errors: p.Add(path,
// "code"), domain.Errorf(kind, "code"), v.fail("code"), Code: "code".
var codeUses = []*regexp.Regexp{
	regexp.MustCompile(`\.Add\([^,()]+(?:\([^()]*\))?[^,()]*,\s*"([a-z_]+)"`),
	regexp.MustCompile(`Errorf\([^,]+,\s*"([a-z_]+)"`),
	regexp.MustCompile(`(?:invalidParam|fieldError|invalid)\([^,]+,\s*"([a-z_]+)"`),
	regexp.MustCompile(`\.fail\("([a-z_]+)"`),
	regexp.MustCompile(`Code:\s*"([a-z_]+)"`),
}

// Every error code used anywhere has a message in Vietnamese and English.
func TestEveryCodeHasMessages(t *testing.T) {
	found := map[string]string{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range codeUses {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				found[m[1]] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 50 {
		t.Fatalf("found only %d codes: the scan is broken", len(found))
	}
	for code, where := range found {
		m, ok := problemMessages[code]
		if !ok {
			m, ok = fieldMessages[code]
		}
		if !ok || m.vi == "" || m.en == "" {
			t.Errorf("code %q (used in %s) has no Vietnamese and English message", code, where)
		}
	}
}
