package leadpayload_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/leadpayload"
)

func TestFacebookChallenge(t *testing.T) {
	for _, tc := range []struct {
		name, query, token string
		want               string // "" for refused
	}{
		{"the subscription check", "hub.mode=subscribe&hub.verify_token=vt-7Hq2&hub.challenge=1158201444", "vt-7Hq2", "1158201444"},
		{"a wrong token", "hub.mode=subscribe&hub.verify_token=vt-7Hq3&hub.challenge=1158201444", "vt-7Hq2", ""},
		{"a token's prefix", "hub.mode=subscribe&hub.verify_token=vt-7H&hub.challenge=1158201444", "vt-7Hq2", ""},
		{"no token set matches nothing", "hub.mode=subscribe&hub.verify_token=&hub.challenge=1", "", ""},
		{"another mode", "hub.mode=unsubscribe&hub.verify_token=vt-7Hq2&hub.challenge=1", "vt-7Hq2", ""},
		{"no challenge", "hub.mode=subscribe&hub.verify_token=vt-7Hq2", "vt-7Hq2", ""},
		{"markup is not echoed", "hub.mode=subscribe&hub.verify_token=vt-7Hq2&hub.challenge=%3Cscript%3E", "vt-7Hq2", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := leadpayload.FacebookChallenge(q, tc.token)
			if got != tc.want || ok != (tc.want != "") {
				t.Fatalf("got %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
}

func TestFacebookSigned(t *testing.T) {
	body := sample(t, "facebook-leadgen-notification.json")
	// HMAC-SHA256 of the sample under "app-secret-9f2c", by Python's hmac.
	const good = "sha256=90e263a2429d3cb2f0784386ff580f3d3d438cecdc76e8e0b968a5b93b6adee4"
	for _, tc := range []struct {
		name, secret, header string
		body                 []byte
		want                 bool
	}{
		{"signed", "app-secret-9f2c", good, body, true},
		{"upper-case hex", "app-secret-9f2c", "sha256=" + strings.ToUpper(strings.TrimPrefix(good, "sha256=")), body, true},
		{"another secret", "app-secret-9f2d", good, body, false},
		{"a changed body", "app-secret-9f2c", good, append([]byte(" "), body...), false},
		{"no scheme", "app-secret-9f2c", strings.TrimPrefix(good, "sha256="), body, false},
		{"sha1", "app-secret-9f2c", "sha1=" + strings.TrimPrefix(good, "sha256="), body, false},
		{"not hex", "app-secret-9f2c", "sha256=zz", body, false},
		{"no header", "app-secret-9f2c", "", body, false},
		{"no secret", "", good, body, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := leadpayload.FacebookSigned([]byte(tc.secret), tc.header, tc.body); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFacebookNotification(t *testing.T) {
	got, err := leadpayload.FacebookNotification(sample(t, "facebook-leadgen-notification.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := leadpayload.FacebookLead{LeadgenID: "1234567890123456", FormID: "987654321098765", PageID: "104857236912345",
		AdID: "120210987654321098", AdgroupID: "120210987654321011", CreatedTime: time.Date(2026, 3, 2, 2, 55, 40, 0, time.UTC)}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestFacebookNotificationShapes(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string // leadgen ids
	}{
		{"several entries and changes; others ignored; no id skipped; twice listed once",
			`{"object":"page","entry":[{"changes":[{"field":"feed","value":{"leadgen_id":"9"}},{"field":"leadgen","value":{"leadgen_id":"1"}}]},
			{"changes":[{"field":"leadgen","value":{"form_id":"5"}},{"field":"leadgen","value":{"leadgen_id":"2"}},{"field":"leadgen","value":{"leadgen_id":"1"}}]}]}`,
			[]string{"1", "2"}},
		{"ids and time as numbers", `{"object":"page","entry":[{"changes":[{"field":"leadgen","value":{"leadgen_id":1234567890123456789,"created_time":"1772420140"}}]}]}`,
			[]string{"1234567890123456789"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := leadpayload.FacebookNotification([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, l := range got {
				ids = append(ids, l.LeadgenID)
			}
			if strings.Join(ids, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %v, want %v", ids, tc.want)
			}
		})
	}
}

func TestFacebookNotificationRefusals(t *testing.T) {
	lead := func(value string) string {
		return `{"object":"page","entry":[{"changes":[{"field":"leadgen","value":` + value + `}]}]}`
	}
	for _, tc := range []struct {
		name, body string
		kind       error
		code       string
		fields     []fault
	}{
		{"empty", "", domain.ErrBadRequest, "not_a_lead_payload", nil},
		{"not JSON", "{", domain.ErrBadRequest, "invalid_json", nil},
		{"another object", `{"object":"instagram","entry":[]}`, domain.ErrBadRequest, "not_a_lead_payload", nil},
		{"entry not a list", `{"object":"page","entry":{}}`, domain.ErrBadRequest, "not_a_lead_payload", nil},
		{"no lead at all", `{"object":"page","entry":[{"changes":[{"field":"feed","value":{}}]}]}`, domain.ErrBadRequest, "no_facebook_leads", nil},
		{"no entry", `{"object":"page","entry":[]}`, domain.ErrBadRequest, "no_facebook_leads", nil},
		{"a path in an id", lead(`{"leadgen_id":"../me?fields=x"}`), domain.ErrInvalid, "validation_failed",
			[]fault{{"entry[0].changes[0].value.leadgen_id", "invalid_value", ""}}},
		{"an id too long", lead(`{"leadgen_id":"1","form_id":"` + strings.Repeat("9", 129) + `"}`), domain.ErrInvalid, "validation_failed",
			[]fault{{"entry[0].changes[0].value.form_id", "invalid_value", ""}}},
		{"a fraction", lead(`{"leadgen_id":1.5}`), domain.ErrInvalid, "validation_failed",
			[]fault{{"entry[0].changes[0].value.leadgen_id", "invalid_value", ""}}},
		{"a time that isn't", lead(`{"leadgen_id":"1","created_time":"yesterday"}`), domain.ErrInvalid, "validation_failed",
			[]fault{{"entry[0].changes[0].value.created_time", "invalid_value", ""}}},
		{"a value that isn't an object", lead(`"1"`), domain.ErrInvalid, "validation_failed",
			[]fault{{"entry[0].changes[0].value", "expected_object", ""}}},
		{"a control character", lead(`{"leadgen_id":"1\u0000"}`), domain.ErrInvalid, "validation_failed",
			[]fault{{"entry[0].changes[0].value.leadgen_id", "control_character", ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := leadpayload.FacebookNotification([]byte(tc.body))
			if err == nil {
				t.Fatalf("accepted %+v", got)
			}
			wantRefusal(t, err, tc.kind, tc.code, tc.fields...)
		})
	}
	_, err := leadpayload.FacebookNotification([]byte(`{"object":"user"}`))
	if p := refused(t, err).params; p["provider"] != "Facebook" {
		t.Errorf("params %v, want provider Facebook", p)
	}
}

// idShape is what a provider's id may look like once read.
var idShape = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// FuzzFacebookNotification: no body makes the reader panic; what it
// accepts has at least one lead, each with an id fit for a URL path.
func FuzzFacebookNotification(f *testing.F) {
	f.Add(sample(f, "facebook-leadgen-notification.json"))
	f.Add([]byte(`{"object":"page","entry":[{"changes":[{"field":"leadgen","value":{"leadgen_id":1,"created_time":"99"}}]}]}`))
	f.Add([]byte(`{"object":"page","entry":[{"changes":[{"field":"leadgen","value":{"leadgen_id":"a/b"}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		leads, err := leadpayload.FacebookNotification(body)
		if err != nil {
			refused(t, err)
			return
		}
		if len(leads) == 0 {
			t.Fatal("accepted with no lead")
		}
		for _, l := range leads {
			if !idShape.MatchString(l.LeadgenID) {
				t.Fatalf("lead id %q", l.LeadgenID)
			}
		}
	})
}
