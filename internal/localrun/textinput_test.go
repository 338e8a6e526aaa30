package localrun_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"tend/internal/httpapi"
	"tend/internal/leads"
)

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
