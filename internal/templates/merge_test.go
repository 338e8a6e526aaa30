package templates_test

import (
	"reflect"
	"strings"
	"testing"

	"tend/internal/templates"
)

// values is the lookup of the merge tests.
var values = map[string]string{"name": "Nguyễn Văn An", "code": "KH001", "owner_name": "Lan", "x1": "X"}

func lookup(key string) (string, bool) { v, ok := values[key]; return v, ok }

func TestRender(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"vietnamese", "Chào {{name}}, mã của anh/chị là {{code}}.", "Chào Nguyễn Văn An, mã của anh/chị là KH001."},
		{"adjacent", "{{name}}{{code}}", "Nguyễn Văn AnKH001"},
		{"padded", "{{ name }}|{{\tcode  }}", "Nguyễn Văn An|KH001"},
		{"digits in key", "{{x1}}", "X"},
		{"upper case is literal", "{{Name}}", "{{Name}}"},
		{"empty braces", "{{}} {{ }}", "{{}} {{ }}"},
		{"space inside key", "{{na me}}", "{{na me}}"},
		{"dash is not a key", "{{name-x}}", "{{name-x}}"},
		{"vietnamese key is literal", "{{tên}}", "{{tên}}"},
		{"unclosed", "{{name} {name}} {{name", "{{name} {name}} {{name"},
		{"triple braces", "{{{name}}}", "{Nguyễn Văn An}"},
		{"unknown key is blank", "A{{nope}}B", "AB"},
		{"hash is not a field outside tasks", "Gọi #name", "Gọi #name"},
		{"no tokens", "Chúc mừng sinh nhật 🎂", "Chúc mừng sinh nhật 🎂"},
		{"empty", "", ""},
		{"html", "<p>Kính gửi <b>{{ name }}</b></p>", "<p>Kính gửi <b>Nguyễn Văn An</b></p>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := templates.Render(tc.text, lookup); got != tc.want {
				t.Errorf("Render(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestRenderTask(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"seed form", "Gọi chúc mừng #name", "Gọi chúc mừng Nguyễn Văn An"},
		{"ends at punctuation", "#name, hẹn 9h.", "Nguyễn Văn An, hẹn 9h."},
		{"in brackets", "(#code)", "(KH001)"},
		{"braces too", "{{name}} #code", "Nguyễn Văn An KH001"},
		{"hash then braces", "#name{{code}}", "Nguyễn Văn AnKH001"},
		{"lone hash", "Ghi chú # số 5", "Ghi chú # số 5"},
		{"hash at end", "Ghi chú #", "Ghi chú #"},
		{"double hash is literal", "##name", "##name"},
		{"inside a word", "a#b khách#name", "a#b khách#name"},
		{"after an email", "a@b.vn #code", "a@b.vn KH001"},
		{"a number", "Đơn #123", "Đơn #123"},
		{"underscore first", "#_name", "#_name"},
		{"upper case", "#Name", "#Name"},
		{"glued second hash", "#name#code", "Nguyễn Văn An#code"},
		{"link", "https://x.vn/#name", "https://x.vn/#name"},
		{"html entity", "&#x27;", "&#x27;"},
		{"unknown is blank", "Gọi #nope ngay", "Gọi  ngay"},
		{"after a newline", "Việc:\n#name", "Việc:\nNguyễn Văn An"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := templates.RenderTask(tc.text, lookup); got != tc.want {
				t.Errorf("RenderTask(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestRefsOffsets(t *testing.T) {
	text := "Chào {{ name }}, #code"
	if got, want := templates.Refs(text), []templates.Ref{{Key: "name", Start: 6, End: 16}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Refs = %+v, want %+v", got, want)
	}
	want := []templates.Ref{{Key: "name", Start: 6, End: 16}, {Key: "code", Start: 18, End: 23}}
	if got := templates.TaskRefs(text); !reflect.DeepEqual(got, want) {
		t.Errorf("TaskRefs = %+v, want %+v", got, want)
	}
	for _, r := range want {
		if tok := text[r.Start:r.End]; !strings.Contains(tok, r.Key) {
			t.Errorf("token %q does not hold %q", tok, r.Key)
		}
	}
}

func TestIsKey(t *testing.T) {
	for s, want := range map[string]bool{"name": true, "tax_code": true, "x1": true, "1": true, "": false, "Name": false, "a-b": false, "tên": false} {
		if got := templates.IsKey(s); got != want {
			t.Errorf("IsKey(%q) = %v, want %v", s, got, want)
		}
	}
}
