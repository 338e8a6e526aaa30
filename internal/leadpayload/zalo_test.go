package leadpayload_test

import (
	"fmt"
	"strings"
	"testing"

	"tend/internal/domain"
	"tend/internal/leadpayload"
)

const (
	zaloApp = "3608465248940903967"
	zaloKey = "oa-secret-Kh3y"
	// The mac of the user_submit_info sample, by Python's hashlib:
	// sha256(app id + body + "1772420142123" + OA secret key).
	zaloMac = "2c080ce2ef96a1d89401453d5ac7609059f5e1be788853a88f184673c627bc97"
)

func TestZaloSigned(t *testing.T) {
	body := sample(t, "zalo-user-submit-info.json")
	numeric := []byte(`{"app_id":"1","event_name":"follow","timestamp":1772420142123}`)
	for _, tc := range []struct {
		name, app, key, header string
		body                   []byte
		want                   bool
	}{
		{"signed", zaloApp, zaloKey, "mac=" + zaloMac, body, true},
		{"a timestamp sent as a number", "1", "k",
			"mac=" + sha256Hex("1"+string(numeric)+"1772420142123"+"k"), numeric, true},
		{"another key", zaloApp, zaloKey + "x", "mac=" + zaloMac, body, false},
		{"another app", "3608465248940903968", zaloKey, "mac=" + zaloMac, body, false},
		{"a changed body", zaloApp, zaloKey, "mac=" + zaloMac, []byte(strings.Replace(string(body), "Minh", "Minh ", 1)), false},
		{"no scheme", zaloApp, zaloKey, zaloMac, body, false},
		{"not hex", zaloApp, zaloKey, "mac=xyz", body, false},
		{"no key", zaloApp, "", "mac=" + zaloMac, body, false},
		{"no app", "", zaloKey, "mac=" + zaloMac, body, false},
		{"not JSON", zaloApp, zaloKey, "mac=" + zaloMac, []byte("{"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := leadpayload.ZaloSigned(tc.app, tc.key, tc.body, tc.header); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestZaloEventSample(t *testing.T) {
	z, err := leadpayload.ZaloEvent(sample(t, "zalo-user-submit-info.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := leadpayload.Zalo{AppID: zaloApp, EventName: "user_submit_info", Timestamp: "1772420142123",
		OAID: "388613280879880645", UserID: "246845883529697922"}
	fields := z.Fields
	z.Fields = nil
	if fmt.Sprint(*z) != fmt.Sprint(want) {
		t.Fatalf("got %+v, want %+v", *z, want)
	}
	wantFields := []leadpayload.Field{f("name", "Trần Văn Minh"), f("phone", "84987654321"), f("address", "12 Nguyễn Huệ"),
		f("city", "Thành phố Hồ Chí Minh"), f("district", "Quận 1"), f("ward", "Phường Bến Nghé")}
	if !equalFields(fields, wantFields) {
		t.Fatalf("fields %q, want %q", fields, wantFields)
	}
	if id := z.EventID(); id != "user_submit_info:246845883529697922:1772420142123" {
		t.Fatalf("event id %q", id)
	}
}

func TestZaloEventShapes(t *testing.T) {
	for _, tc := range []struct {
		name, body             string
		user, oa, msg, eventID string
		fields                 []leadpayload.Field
	}{
		{"a message: its id is the event's", `{"app_id":"1","event_name":"user_send_text","timestamp":"5","sender":{"id":"u1"},"recipient":{"id":"oa1"},"message":{"text":"xin chào","msg_id":"96d3cdf3af150460909"}}`,
			"u1", "oa1", "96d3cdf3af150460909", "96d3cdf3af150460909", []leadpayload.Field{}},
		{"a follow: the follower is the user", `{"oa_id":"oa2","follower":{"id":"u2"},"event_name":"follow","app_id":"1","timestamp":"7"}`,
			"u2", "oa2", "", "follow:u2:7", []leadpayload.Field{}},
		{"the OA's own message: the recipient is no OA", `{"app_id":"1","event_name":"oa_send_text","timestamp":"8","sender":{"id":"oa3"},"recipient":{"id":"u3"},"message":{"msg_id":"m3"}}`,
			"oa3", "", "m3", "m3", []leadpayload.Field{}},
		{"the newer info", `{"app_id":"1","event_name":"user_submit_info","timestamp":"9","sender":{"id":"u4"},"info":{"name":"Anh Minh","phone":"84912345678","user_dob":"30/10/1999","gender":"Nam","full_address":{"user_city":"Thành phố Hồ Chí Minh","user_ward":"Phường Tân Thuận","user_address":"Đường số 13"}}}`,
			"u4", "", "", "user_submit_info:u4:9", []leadpayload.Field{f("name", "Anh Minh"), f("phone", "84912345678"), f("user_dob", "30/10/1999"),
				f("gender", "Nam"), f("full_address.user_city", "Thành phố Hồ Chí Minh"), f("full_address.user_ward", "Phường Tân Thuận"),
				f("full_address.user_address", "Đường số 13")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z, err := leadpayload.ZaloEvent([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			checkFields(t, z.Fields)
			if z.UserID != tc.user || z.OAID != tc.oa || z.MsgID != tc.msg || z.EventID() != tc.eventID || !equalFields(z.Fields, tc.fields) {
				t.Fatalf("got %+v id %q", *z, z.EventID())
			}
		})
	}
}

func TestZaloEventRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		kind       error
		code       string
		fields     []fault
	}{
		{"empty", "", domain.ErrBadRequest, "not_a_lead_payload", nil},
		{"not JSON", "{", domain.ErrBadRequest, "invalid_json", nil},
		{"a list", "[]", domain.ErrBadRequest, "not_a_lead_payload", nil},
		{"no event name nor timestamp", `{"app_id":"1"}`, domain.ErrInvalid, "validation_failed",
			[]fault{{"event_name", "required", ""}, {"timestamp", "required", ""}}},
		{"a timestamp that isn't", `{"event_name":"follow","timestamp":"soon"}`, domain.ErrInvalid, "validation_failed",
			[]fault{{"timestamp", "invalid_value", ""}}},
		{"an event name on two lines", `{"event_name":"a\nb","timestamp":"1"}`, domain.ErrInvalid, "validation_failed",
			[]fault{{"event_name", "single_line", ""}}},
		{"a sender that isn't an object", `{"event_name":"follow","timestamp":"1","sender":"u"}`, domain.ErrInvalid, "validation_failed",
			[]fault{{"sender", "expected_object", ""}}},
		{"a user id that isn't", `{"event_name":"follow","timestamp":"1","sender":{"id":"u/1"}}`, domain.ErrInvalid, "validation_failed",
			[]fault{{"sender.id", "invalid_value", ""}}},
		{"shared info without info", `{"event_name":"user_submit_info","timestamp":"1","sender":{"id":"u"}}`, domain.ErrInvalid, "validation_failed",
			[]fault{{"info", "required", ""}}},
		{"info that isn't an object", `{"event_name":"user_submit_info","timestamp":"1","info":"Lan"}`, domain.ErrInvalid, "validation_failed",
			[]fault{{"info", "expected_object", ""}}},
		{"a control character in info", `{"event_name":"user_submit_info","timestamp":"1","info":{"name":"\u0002"}}`, domain.ErrInvalid, "validation_failed",
			[]fault{{"info.name", "control_character", ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := leadpayload.ZaloEvent([]byte(tc.body))
			if err == nil {
				t.Fatalf("accepted %+v", got)
			}
			wantRefusal(t, err, tc.kind, tc.code, tc.fields...)
		})
	}
}

// FuzzZaloEvent: no body makes the reader panic; what it accepts has an
// event name, a timestamp of digits and fields that keep the promises.
func FuzzZaloEvent(f *testing.F) {
	f.Add(sample(f, "zalo-user-submit-info.json"))
	f.Add([]byte(`{"event_name":"user_submit_info","timestamp":1,"info":{"full_address":{"user_city":"x"}}}`))
	f.Add([]byte(`{"event_name":"follow","timestamp":"1","follower":{"id":"u"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		z, err := leadpayload.ZaloEvent(body)
		if err != nil {
			refused(t, err)
			return
		}
		if z.EventName == "" || !idShape.MatchString(z.Timestamp) || z.EventID() == "" {
			t.Fatalf("accepted %+v", *z)
		}
		checkFields(t, z.Fields)
		checkFields(t, leadpayload.ZaloFields(z.Fields))
	})
}
