package httpapi

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

// Every message has the same placeholders in Vietnamese and English.
func TestMessagesHaveTheSamePlaceholdersInBothLanguages(t *testing.T) {
	for _, set := range []map[string]message{problemMessages, fieldMessages, criterionLabels, thingNames, roleNames} {
		for code, m := range set {
			vi, en := placeholder.FindAllString(m.vi, -1), placeholder.FindAllString(m.en, -1)
			slices.Sort(vi)
			slices.Sort(en)
			if !slices.Equal(vi, en) {
				t.Errorf("%s: placeholders %v in Vietnamese, %v in English", code, vi, en)
			}
		}
	}
}

// A message holds no brace but its placeholders: a brace in a message a
// client gets is the sign of a placeholder left unfilled.
func TestMessagesHaveNoOtherBraces(t *testing.T) {
	for _, set := range []map[string]message{problemMessages, fieldMessages, criterionLabels, thingNames, roleNames} {
		for code, m := range set {
			for _, text := range []string{m.vi, m.en} {
				if rest := placeholder.ReplaceAllString(text, ""); strings.ContainsAny(rest, "{}") {
					t.Errorf("%s: %q has a brace that is not a {param}", code, text)
				}
			}
		}
	}
}

// Where the code base gives an error a code literally, it gives the
// params its message needs (or spreads a list of them): a code given
// without one would show "{value}" to the user.
func TestCodesAreGivenTheirParams(t *testing.T) {
	checked := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(b), "\n") {
			seen := map[string]bool{} // codes of this line, found by more than one pattern
			for _, re := range codeUses {
				for _, m := range re.FindAllStringSubmatchIndex(line, -1) {
					code, rest := line[m[2]:m[3]], line[m[1]:]
					if seen[code] {
						continue
					}
					seen[code] = true
					msg, ok := problemMessages[code]
					if !ok {
						msg = fieldMessages[code]
					}
					needs := placeholder.FindAllString(msg.vi+msg.en, -1)
					// Params given as a whole (spread, or another error's)
					// can't be read here.
					given := strings.Contains(rest, "...)") || (strings.Contains(rest, "Params: ") && !strings.Contains(rest, "Params: map["))
					if len(needs) == 0 || given || strings.HasPrefix(strings.TrimSpace(line), "//") {
						continue
					}
					checked++
					for _, ph := range needs {
						if name := strings.Trim(ph, "{}"); !strings.Contains(rest, `"`+name+`"`) {
							t.Errorf("%s: %q is given without the param %q its message needs: %s", path, code, name, strings.TrimSpace(line))
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked only %d uses of codes with params: the scan is broken", checked)
	}
}
