package localrun_test

import (
	"testing"
)

// An automation rule that sets the owner or warehouse to one that does
// not exist is refused naming it, in Vietnamese and in English.
func TestRuleSetFieldNamesTheUnknownValue(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Lời Nhắn")
	cases := []struct {
		field, value, lang, want string
	}{
		{"owner_id", "usr_khongco", "vi", `Không có nhân viên "usr_khongco".`},
		{"owner_id", "usr_khongco", "en", `There is no user "usr_khongco".`},
		{"owner", "usr_khongco", "en", `There is no user "usr_khongco".`},
		{"warehouse_id", "wh_khongco", "vi", `Không có kho dữ liệu "wh_khongco".`},
		{"warehouse_id", "wh_khongco", "en", `There is no warehouse "wh_khongco".`},
	}
	for _, c := range cases {
		p := admin.with("Accept-Language", c.lang).do("POST", "/v1/automations", map[string]any{
			"name": "Giao khách", "trigger": map[string]any{"type": "created"},
			"actions": []map[string]any{{"type": "set_field", "field": c.field, "value": c.value}},
		}).problem(422)
		if len(p.Errors) != 1 || p.Errors[0].Path != "actions[0].value" || p.Errors[0].Message != c.want {
			t.Errorf("set_field %s %q (%s): errors %+v, want one at actions[0].value saying %q", c.field, c.value, c.lang, p.Errors, c.want)
		}
	}
}
