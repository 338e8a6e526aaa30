package leadpayload_test

import (
	"fmt"
	"strings"
	"testing"

	"tend/internal/domain"
	"tend/internal/leadpayload"
)

func TestGoogleAdsLeadSamples(t *testing.T) {
	for _, tc := range []struct {
		file string
		want leadpayload.GoogleLead
	}{
		{"google-ads-lead.json", leadpayload.GoogleLead{LeadID: "Cj0KCQiA-leadid-3f9a2b7c", FormID: "412345678901",
			CampaignID: "21987654321", AdgroupID: "154321098765", CreativeID: "678901234567", GCLID: "Cj0KCQiA5rGuBhCnARIsAN11vgRk",
			APIVersion: "1.0", Key: "tend-gads-3c1f9e", Fields: []leadpayload.Field{
				f("FULL_NAME", "Phạm Quốc Bảo"), f("PHONE_NUMBER", "+84903123456"), f("EMAIL", "bao.pham@example.com"),
				f("COMPANY_NAME", "Công ty TNHH Ánh Dương"), f("CITY", "Đà Nẵng"),
				f("Bạn muốn được gọi vào lúc nào?", "Buổi tối"), // a custom question, by its text
			}}},
		{"google-ads-test-lead.json", leadpayload.GoogleLead{
			LeadID: "TeSter-123-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz-0123456789-AaBbCcDdEeFfGgHhIiJjKkLl",
			FormID: "40000000000", CampaignID: "20000000000", AdgroupID: "20000000000", CreativeID: "30000000000",
			GCLID:      "TeSter-123-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz-0123456789-AaBbCcDdEeFfGgHhIiJjKkLl",
			APIVersion: "1.0", Key: "tend-gads-3c1f9e", IsTest: true, Fields: []leadpayload.Field{
				f("FULL_NAME", "FirstName LastName"), f("PHONE_NUMBER", "+16505550123"), f("EMAIL", "test@example.com"),
			}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := leadpayload.GoogleAdsLead(sample(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			checkFields(t, got.Fields)
			gotFields, wantFields := got.Fields, tc.want.Fields
			got.Fields, tc.want.Fields = nil, nil
			if fmt.Sprint(*got) != fmt.Sprint(tc.want) || !equalFields(gotFields, wantFields) {
				t.Fatalf("got  %+v %q\nwant %+v %q", *got, gotFields, tc.want, wantFields)
			}
		})
	}
}

func TestGoogleAdsLeadColumns(t *testing.T) {
	got, err := leadpayload.GoogleAdsLead([]byte(`{"lead_id":"L1","user_column_data":[
		{"column_id":"custom_1","string_value":"x"},
		{"column_id":"WORK_EMAIL","column_name":"Work email","string_value":"a@b.vn"},
		{"column_name":"Câu hỏi","string_value":"y"},
		{"string_value":"nameless"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []leadpayload.Field{f("custom_1", "x"), f("WORK_EMAIL", "a@b.vn"), f("Câu hỏi", "y")}
	if !equalFields(got.Fields, want) || got.IsTest {
		t.Fatalf("got %q test %v, want %q", got.Fields, got.IsTest, want)
	}
}

func TestGoogleAdsLeadRefusals(t *testing.T) {
	var cols []string
	for i := range leadpayload.MaxFields + 1 {
		cols = append(cols, fmt.Sprintf(`{"column_id":"C%d","string_value":"x"}`, i))
	}
	for _, tc := range []struct {
		name, body string
		kind       error
		code       string
		fields     []fault
	}{
		{"empty", "", domain.ErrBadRequest, "not_a_lead_payload", nil},
		{"not JSON", "nope", domain.ErrBadRequest, "invalid_json", nil},
		{"a list", `[]`, domain.ErrBadRequest, "not_a_lead_payload", nil},
		{"is_test as text", `{"lead_id":"L","is_test":"true"}`, domain.ErrBadRequest, "not_a_lead_payload", nil},
		{"no lead id", `{"form_id":1}`, domain.ErrInvalid, "validation_failed", []fault{{"lead_id", "required", ""}}},
		{"a lead id that isn't", `{"lead_id":"a b"}`, domain.ErrInvalid, "validation_failed", []fault{{"lead_id", "invalid_value", ""}}},
		{"a negative form id", `{"lead_id":"L","form_id":-1}`, domain.ErrInvalid, "validation_failed", []fault{{"form_id", "invalid_value", ""}}},
		{"a key that isn't text", `{"lead_id":"L","google_key":1}`, domain.ErrInvalid, "validation_failed", []fault{{"google_key", "expected_text", ""}}},
		{"columns that aren't a list", `{"lead_id":"L","user_column_data":{}}`, domain.ErrInvalid, "validation_failed",
			[]fault{{"user_column_data", "expected_list", ""}}},
		{"a control character in a value", `{"lead_id":"L","user_column_data":[{"column_id":"EMAIL","string_value":"a\u001bb"}]}`,
			domain.ErrInvalid, "validation_failed", []fault{{"user_column_data[0].string_value", "control_character", ""}}},
		{"a question on two lines", `{"lead_id":"L","user_column_data":[{"column_id":"q1","column_name":"a\nb","string_value":"x"}]}`,
			domain.ErrInvalid, "validation_failed", []fault{{"user_column_data.a\nb", "single_line", ""}}},
		{"too many columns", `{"lead_id":"L","user_column_data":[` + strings.Join(cols, ",") + `]}`, domain.ErrInvalid, "validation_failed",
			[]fault{{"user_column_data", "too_many", "200"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := leadpayload.GoogleAdsLead([]byte(tc.body))
			if err == nil {
				t.Fatalf("accepted %+v", got)
			}
			wantRefusal(t, err, tc.kind, tc.code, tc.fields...)
		})
	}
}

func TestGoogleKeyOK(t *testing.T) {
	for _, tc := range []struct {
		want, got string
		ok        bool
	}{
		{"tend-gads-3c1f9e", "tend-gads-3c1f9e", true},
		{"tend-gads-3c1f9e", "tend-gads-3c1f9f", false},
		{"tend-gads-3c1f9e", "tend-gads", false},
		{"tend-gads-3c1f9e", "", false},
		{"", "", false},
	} {
		if ok := leadpayload.GoogleKeyOK(tc.want, tc.got); ok != tc.ok {
			t.Errorf("GoogleKeyOK(%q, %q) = %v, want %v", tc.want, tc.got, ok, tc.ok)
		}
	}
}

// FuzzGoogleAdsLead: no body makes the reader panic; what it accepts has
// a lead id and fields that keep the text promises.
func FuzzGoogleAdsLead(f *testing.F) {
	f.Add(sample(f, "google-ads-lead.json"))
	f.Add(sample(f, "google-ads-test-lead.json"))
	f.Add([]byte(`{"lead_id":1,"user_column_data":[{"column_id":"A","string_value":"\u0000"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		l, err := leadpayload.GoogleAdsLead(body)
		if err != nil {
			refused(t, err)
			return
		}
		if !idShape.MatchString(l.LeadID) {
			t.Fatalf("lead id %q", l.LeadID)
		}
		checkFields(t, l.Fields)
	})
}
