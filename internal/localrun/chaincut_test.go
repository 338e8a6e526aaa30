package localrun_test

import "testing"

// workspaceIn opens a workspace in a language and returns its admin.
func workspaceIn(s *system, name, lang string) *client {
	s.t.Helper()
	admin, _ := s.workspace(name)
	admin.do("PUT", "/v1/settings/workspace", map[string]any{"language": lang}).ok(200)
	return admin
}

// The reason logged for a rule cut from a chain of rule writes is in the
// workspace's language.
func TestChainCutReasonFollowsTheWorkspaceLanguage(t *testing.T) {
	s := start(t, false)
	for _, c := range []struct{ lang, want string }{
		{"vi", "chuỗi thay đổi do luật tự động hóa đã đạt giới hạn (5): các hành động không được thực hiện"},
		{"en", "chain of rule writes reached its limit (5): actions not applied"},
	} {
		admin := workspaceIn(s, "Vòng lặp "+c.lang, c.lang)
		opts := []string{"1", "2", "3", "4", "5"}
		admin.create("/v1/fields", map[string]any{"key": "stage", "label": "Giai đoạn", "type": "select", "options": opts})
		for i, o := range opts {
			admin.create("/v1/automations", map[string]any{
				"name": "Vòng " + o, "trigger": map[string]any{"type": "created_or_updated"},
				"conditions": [][]map[string]any{{{"field": "stage", "op": "eq", "value": o}}},
				"actions":    []map[string]any{{"type": "set_field", "field": "stage", "value": opts[(i+1)%len(opts)]}},
			})
		}
		cu := admin.createCustomer(map[string]any{"name": "Vòng lặp", "fields": map[string]any{"stage": "1"}})
		s.anon().do("POST", "/dev/drain", nil).ok(200)
		var log struct {
			Items []struct {
				Cut     bool     `json:"cut"`
				Skipped []string `json:"skipped"`
			} `json:"items"`
		}
		admin.do("GET", "/v1/customers/"+cu.ID+"/automation-log", nil).ok(200).into(&log)
		var reasons []string
		for _, e := range log.Items {
			if e.Cut {
				reasons = append(reasons, e.Skipped...)
			}
		}
		if len(reasons) != 1 || reasons[0] != c.want {
			t.Errorf("%s workspace: cut reasons %q, want [%q]", c.lang, reasons, c.want)
		}
	}
}
