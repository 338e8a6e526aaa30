package localrun_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"tend/internal/httpapi"
	"tend/internal/leads"
)

// textMessages are the messages of the codes about text, in vi and en.
var textMessages = map[string][2]string{
	"control_character": {"Không được chứa ký tự điều khiển.", "Must not contain control characters."},
	"invalid_utf8":      {"Văn bản không phải UTF-8 hợp lệ.", "Not valid UTF-8 text."},
	"single_line":       {"Chỉ được nhập một dòng.", "Must be a single line."},
}

// textCase is a body refused for the text at one path.
type textCase struct {
	name, method, path, body string
	at, code                 string
}

// refusesText sends each case in vi and en and checks the one error it
// gets: a 422 at the path, with the code and its message.
func refusesText(t *testing.T, c *client, cases []textCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i, lang := range []string{"vi", "en"} {
				cl := *c
				cl.t, cl.lang = t, lang
				p := cl.do(tc.method, tc.path, tc.body).problem(422)
				if p.Code != "validation_failed" || len(p.Errors) != 1 {
					t.Fatalf("%s: problem %+v, want validation_failed with one error at %s", lang, p, tc.at)
				}
				want := httpapi.ProblemField{Path: tc.at, Code: tc.code, Message: textMessages[tc.code][i]}
				if p.Errors[0] != want {
					t.Fatalf("%s: error %+v, want %+v", lang, p.Errors[0], want)
				}
			}
		})
	}
}

// Control characters (but tab and line breaks in multi-line text) and
// invalid UTF-8 are refused with the path of the string holding them;
// one-line text refuses tab and line breaks too. Nothing is written.
func TestControlCharactersAndInvalidUTF8(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Ký tự")
	admin.create("/v1/fields", map[string]any{"key": "note", "label": "Ghi chú", "type": "text"})
	cu := admin.createCustomer(map[string]any{"name": "Khách"})
	item := func(product string) string {
		return `{"customer_id":"` + cu.ID + `","items":[{"product":"Áo","quantity":1,"price":1},{"product":"` + product + `","quantity":1,"price":1}]}`
	}
	refusesText(t, admin, []textCase{
		{"escaped controls in a name", "POST", "/v1/customers", `{"name":"a\u0000b\u0007c"}`, "name", "control_character"},
		{"DEL in a name", "POST", "/v1/customers", "{\"name\":\"a\x7fb\"}", "name", "control_character"},
		{"escape in a custom text field", "POST", "/v1/customers", `{"name":"An","fields":{"note":"x\u001by"}}`, "fields.note", "control_character"},
		{"invalid UTF-8 in a name", "POST", "/v1/customers", "{\"name\":\"An\xff\"}", "name", "invalid_utf8"},
		{"invalid UTF-8 in a custom text field", "POST", "/v1/customers", "{\"name\":\"An\",\"fields\":{\"note\":\"\xc3(\"}}", "fields.note", "invalid_utf8"},
		{"half a surrogate pair", "POST", "/v1/customers", `{"name":"An \ud800"}`, "name", "invalid_utf8"},
		{"line break in a name", "POST", "/v1/customers", `{"name":"An\nBình"}`, "name", "single_line"},
		{"tab in a name", "POST", "/v1/customers", `{"name":"An\tBình"}`, "name", "control_character"},
		{"control in a note", "POST", "/v1/customers/" + cu.ID + "/notes", `{"body":"Gọi lại\u0000"}`, "body", "control_character"},
		{"invalid UTF-8 in a note", "POST", "/v1/customers/" + cu.ID + "/notes", "{\"body\":\"Gọi \xe1\x80\"}", "body", "invalid_utf8"},
		{"control in an order item", "POST", "/v1/orders", item(`Quần\u0008`), "items[1].product", "control_character"},
		{"line break in an order item", "POST", "/v1/orders", item(`Quần\nÁo`), "items[1].product", "single_line"},
	})
	if got := admin.list("?limit=500").Items; len(got) != 1 {
		t.Fatalf("customers = %v, want only the first", ids(got))
	}
	// Multi-line text keeps its tabs and line breaks.
	var note struct {
		Body string `json:"body"`
	}
	admin.do("POST", "/v1/customers/"+cu.ID+"/notes", map[string]any{"body": "Dòng 1\nDòng 2\r\n\tDòng 3"}).ok(201).into(&note)
	if note.Body != "Dòng 1\nDòng 2\r\n\tDòng 3" {
		t.Fatalf("note body = %q", note.Body)
	}
	var changed customer
	admin.do("PATCH", "/v1/customers/"+cu.ID, map[string]any{"description": "Khách cũ\nở Hà Nội", "fields": map[string]any{"note": "a\nb"}}).ok(200).into(&changed)
	if changed.Fields["note"] != "a\nb" {
		t.Fatalf("custom text = %q", changed.Fields["note"])
	}
}

// The webhooks refuse control characters and invalid UTF-8 anywhere in
// their JSON, with the path of the string in the body sent.
func TestWebhookControlCharactersAndInvalidUTF8(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC))
	now := f.s.app.Clock.Now()
	for _, tc := range []textCase{
		{"control in a lead", "leads", "", `{"full_name":"Lan\u0000"}`, "full_name", "control_character"},
		{"invalid UTF-8 in a lead", "leads", "", "{\"full_name\":\"Lan\xff\"}", "full_name", "invalid_utf8"},
		{"control deep in a lead", "leads", "", `{"full_name":"Lan","answers":[{"value":"ok"},{"value":"\u0001"}]}`, "answers[1].value", "control_character"},
		{"control in a call", "calls", "", `{"phone":"0912 000 111","note":"\u001b[31m"}`, "note", "control_character"},
		{"invalid UTF-8 in a call", "calls", "", "{\"phone\":\"0912 000 111\",\"result\":\"\xfe\"}", "result", "invalid_utf8"},
	} {
		for i, lang := range []string{"vi", "en"} {
			p := signedAs(f, lang, "/hooks/"+tc.method+"/"+f.source, []byte(tc.body), now).problem(422)
			want := httpapi.ProblemField{Path: tc.at, Code: tc.code, Message: textMessages[tc.code][i]}
			if len(p.Errors) != 1 || p.Errors[0] != want {
				t.Fatalf("%s (%s): errors %+v, want [%+v]", tc.name, lang, p.Errors, want)
			}
		}
	}
	if got := f.admin.list("?limit=500").Items; len(got) != 0 {
		t.Fatalf("refused leads made customers %v", ids(got))
	}
	// Invalid UTF-8 outside any string is not JSON.
	p := f.postRaw("/hooks/leads/"+f.source, []byte("{\"full_name\":\"Lan\"}\xff"), f.secret, now, "").problem(400)
	if p.Code != "invalid_json" {
		t.Fatalf("code = %s, want invalid_json", p.Code)
	}
}

// signedAs posts a signed request asking for answers in lang.
func signedAs(f *funnel, lang, path string, raw []byte, at time.Time) *reply {
	return signedClient(f, lang, raw, at).do("POST", path, raw)
}

// signedClient is a client that signs raw, as sent at at.
func signedClient(f *funnel, lang string, raw []byte, at time.Time) *client {
	ts := strconv.FormatInt(at.Unix(), 10)
	c := f.s.anon().with("X-Tend-Timestamp", ts).with("X-Tend-Signature", leads.Sign(f.secret, ts, raw))
	c.lang = lang
	return c
}

// A body too large is a 413 and one not of a JSON type a 415, on the API
// and on the webhooks, with their messages filled in.
func TestBodyTooLargeAndMediaType(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC))
	now := f.s.app.Clock.Now()
	huge := `{"name":"` + strings.Repeat("a", 1<<20) + `"}`
	details := map[string][2]string{
		"body_too_large":         {"Nội dung yêu cầu quá lớn (tối đa 1 MiB).", "The request body is too large (at most 1 MiB)."},
		"unsupported_media_type": {"Nội dung yêu cầu phải là application/json.", "The request body must be application/json."},
	}
	for i, lang := range []string{"vi", "en"} {
		api := *f.admin
		api.lang = lang
		hook := signedClient(f, lang, []byte(huge), now)
		for _, tc := range []struct {
			name   string
			reply  *reply
			status int
			code   string
		}{
			{"API, too large", api.do("POST", "/v1/customers", huge), 413, "body_too_large"},
			{"API, CSV", api.with("Content-Type", "text/csv").do("POST", "/v1/customers", `{"name":"An"}`), 415, "unsupported_media_type"},
			{"webhook, too large", hook.do("POST", "/hooks/leads/"+f.source, huge), 413, "body_too_large"},
			{"webhook, XML", hook.with("Content-Type", "application/xml").do("POST", "/hooks/calls/"+f.source, `<call/>`), 415, "unsupported_media_type"},
		} {
			p := tc.reply.problem(tc.status)
			if p.Code != tc.code || p.Detail != details[tc.code][i] {
				t.Errorf("%s (%s): %s %q, want %s %q", tc.name, lang, p.Code, p.Detail, tc.code, details[tc.code][i])
			}
		}
	}
}

// A body that is not JSON is invalid_json everywhere; body_not_object is
// for JSON that is not an object.
func TestInvalidJSONHasOneCode(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC))
	now := f.s.app.Clock.Now()
	for _, path := range []string{"/v1/customers", "/v1/users", "/v1/orders", "/v1/automations", "/v1/care-flows", "/v1/templates/email", "/v1/tasks"} {
		for body, code := range map[string]string{`{"name":`: "invalid_json", `["name"]`: "body_not_object"} {
			if p := f.admin.do("POST", path, body).problem(400); p.Code != code {
				t.Errorf("POST %s %s: %s, want %s", path, body, p.Code, code)
			}
		}
	}
	for _, tc := range []struct{ path, body, code string }{
		{"/hooks/leads/", `{"full_name":`, "invalid_json"},
		{"/hooks/calls/", `{"phone":`, "invalid_json"},
		{"/hooks/calls/", `["0912000111"]`, "body_not_object"},
	} {
		if p := f.postRaw(tc.path+f.source, []byte(tc.body), f.secret, now, "").problem(400); p.Code != tc.code {
			t.Errorf("POST %s %s: %s, want %s", tc.path, tc.body, p.Code, tc.code)
		}
	}
}

// A call record with a property call records don't have is refused like
// any other body's: 422, with the property's path and message.
func TestCallWebhookUnknownProperty(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC))
	now := f.s.app.Clock.Now()
	raw := []byte(`{"phone":"0912 000 111","colour":"đỏ"}`)
	for i, lang := range []string{"vi", "en"} {
		p := signedAs(f, lang, "/hooks/calls/"+f.source, raw, now).problem(422)
		want := httpapi.ProblemField{Path: "colour", Code: "unknown_json_field",
			Message: [2]string{`Không có thuộc tính "colour".`, `There is no property "colour".`}[i]}
		if len(p.Errors) != 1 || p.Errors[0] != want {
			t.Fatalf("%s: errors %+v, want [%+v]", lang, p.Errors, want)
		}
	}
	// Properties inside lists are named where they are.
	cu := f.admin.createCustomer(map[string]any{"name": "Khách"})
	p := f.admin.do("POST", "/v1/orders", map[string]any{"customer_id": cu.ID,
		"items": []map[string]any{{"product": "Áo", "quantity": 1, "price": 1}, {"product": "Quần", "quantity": 1, "price": 1, "colour": "đỏ"}}}).problem(422)
	if len(p.Errors) != 1 || p.Errors[0].Path != "items[1].colour" || p.Errors[0].Code != "unknown_json_field" {
		t.Fatalf("errors %+v, want one unknown_json_field at items[1].colour", p.Errors)
	}
}
