package localrun_test

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A cloned care flow is named as a copy, in the workspace's language, and
// within the length a name may have.
func TestClonedCareFlowIsNamedACopy(t *testing.T) {
	s := start(t, false)
	// Names of the longest length a name may have, 200 characters.
	longVi := string([]rune(strings.Repeat("Chăm sóc ", 25))[:200])
	longEn := strings.Repeat("Birthday ", 25)[:200]
	for _, c := range []struct{ lang, name, want string }{
		{"vi", "Chúc mừng sinh nhật", "Chúc mừng sinh nhật (bản sao)"},
		{"en", "Birthday wishes", "Birthday wishes (copy)"},
		{"vi", longVi, string([]rune(longVi)[:190]) + " (bản sao)"},
		{"en", longEn, longEn[:193] + " (copy)"},
	} {
		admin := workspaceIn(s, "Spa "+c.lang, c.lang)
		tpl := admin.create("/v1/templates/email", map[string]any{"name": "Mẫu chào", "subject": "Chào {{name}}", "body": "Xin chào"})
		id := admin.create("/v1/care-flows", map[string]any{"module": "customers", "name": c.name,
			"when": map[string]any{"type": "anniversary", "field": "birthday", "at": "08:00"}, "condition": map[string]any{"all": true},
			"actions": []map[string]any{{"type": "send_email", "template_id": tpl, "to_fields": []string{"email"}}}})
		var clone struct {
			ID, Name string
		}
		admin.do("POST", "/v1/care-flows/"+id+"/clone", nil).ok(201).into(&clone)
		if clone.Name != c.want || utf8.RuneCountInString(clone.Name) > 200 {
			t.Errorf("%s: clone of %q (%d characters) is named %q (%d), want %q", c.lang, c.name,
				utf8.RuneCountInString(c.name), clone.Name, utf8.RuneCountInString(clone.Name), c.want)
		}
		// The copy's name is one a flow may have: it saves as it is.
		admin.do("PATCH", "/v1/care-flows/"+clone.ID, map[string]any{"name": clone.Name}).ok(200)
	}
}
