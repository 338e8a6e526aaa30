package leadpayload_test

import (
	"encoding/json"
	"maps"
	"testing"

	"tend/internal/domain"
	"tend/internal/fieldmatch"
	"tend/internal/leadpayload"
	"tend/internal/tendtest"
)

// matched maps fields to customer fields as the lead intake does: by the
// workspace's matcher, the first field of a customer field winning.
func matched(m *fieldmatch.Matcher, fields []leadpayload.Field) map[string]string {
	out := map[string]string{}
	for _, f := range fields {
		if key, ok := m.Field(f.Name); ok && len(f.Values) > 0 {
			if _, taken := out[key]; !taken {
				out[key] = f.Values[0]
			}
		}
	}
	return out
}

// graphFields reads the field_data of the Graph API's lead sample.
func graphFields(t *testing.T) []leadpayload.Field {
	var lead struct {
		FieldData []struct {
			Name   string   `json:"name"`
			Values []string `json:"values"`
		} `json:"field_data"`
	}
	if err := json.Unmarshal(sample(t, "facebook-graph-lead.json"), &lead); err != nil {
		t.Fatal(err)
	}
	var fields []leadpayload.Field
	for _, d := range lead.FieldData {
		fields = append(fields, f(d.Name, d.Values...))
	}
	return fields
}

// Each provider's fields, given their default names, fill the customer
// fields they mean in a workspace with no mapping of its own.
func TestDefaultNamesMatchCustomerFields(t *testing.T) {
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Nguồn khách"})
	m := fieldmatch.New(w.Org())
	form := func(file, contentType string) []leadpayload.Field {
		fields, err := leadpayload.Form(contentType, sample(t, file))
		if err != nil {
			t.Fatal(err)
		}
		return fields
	}
	google := func(file string) []leadpayload.Field {
		l, err := leadpayload.GoogleAdsLead(sample(t, file))
		if err != nil {
			t.Fatal(err)
		}
		return leadpayload.GoogleFields(l.Fields)
	}
	zalo := func(body []byte) []leadpayload.Field {
		z, err := leadpayload.ZaloEvent(body)
		if err != nil {
			t.Fatal(err)
		}
		return leadpayload.ZaloFields(z.Fields)
	}
	note := "Tư vấn giúp em gói cho gia đình 4 người.\nGọi sau 18h."
	for _, tc := range []struct {
		name   string
		fields []leadpayload.Field
		want   map[string]string
	}{
		{"a landing page's form", form("landing-page-form.txt", formType), map[string]string{domain.FieldName: "Lê Thị Hoa",
			domain.FieldPhone: "0903 123 456", domain.FieldEmail: "hoa.le@example.com", domain.FieldDescription: note}},
		{"a JSON form", form("landing-page-form.json", "application/json"), map[string]string{domain.FieldName: "Lê Thị Hoa",
			domain.FieldPhone: "0903 123 456", domain.FieldEmail: "hoa.le@example.com", domain.FieldDescription: note}},
		{"a Facebook lead", leadpayload.FacebookFields(graphFields(t)), map[string]string{domain.FieldName: "Nguyễn Thị Lan",
			domain.FieldPhone: "+84912345678", domain.FieldEmail: "lan.nguyen@example.com", domain.FieldOfficeAddress: "Hà Nội"}},
		{"a Facebook lead in parts", leadpayload.FacebookFields([]leadpayload.Field{f("first_name", "Thị Lan"), f("last_name", "Nguyễn"),
			f("work_phone_number", "0912345678"), f("work_email", "lan@congty.vn"), f("street_address", "5 Tràng Tiền"), f("city", "Hà Nội")}),
			map[string]string{domain.FieldName: "Nguyễn Thị Lan", domain.FieldPhone: "0912345678", domain.FieldEmail: "lan@congty.vn",
				domain.FieldOfficeAddress: "5 Tràng Tiền, Hà Nội"}},
		{"a Google Ads lead", google("google-ads-lead.json"), map[string]string{domain.FieldName: "Phạm Quốc Bảo",
			domain.FieldPhone: "+84903123456", domain.FieldEmail: "bao.pham@example.com", domain.FieldOfficeAddress: "Đà Nẵng"}},
		{"a Google Ads lead in parts", leadpayload.GoogleFields([]leadpayload.Field{f("FIRST_NAME", "Văn An"), f("LAST_NAME", "Trần"),
			f("WORK_EMAIL", "an@congty.vn"), f("WORK_PHONE", "02838123456"), f("STREET_ADDRESS", "1 Lê Lợi"), f("CITY", "Huế"), f("REGION", "Thừa Thiên Huế")}),
			map[string]string{domain.FieldName: "Trần Văn An", domain.FieldPhone: "02838123456", domain.FieldEmail: "an@congty.vn",
				domain.FieldOfficeAddress: "1 Lê Lợi, Huế, Thừa Thiên Huế"}},
		{"a Zalo user's shared info", zalo(sample(t, "zalo-user-submit-info.json")), map[string]string{domain.FieldName: "Trần Văn Minh",
			domain.FieldPhone: "84987654321", domain.FieldOfficeAddress: "12 Nguyễn Huệ, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"}},
		{"a Zalo user's shared info, newer", zalo([]byte(`{"event_name":"user_submit_info","timestamp":"9","sender":{"id":"u4"},"info":{"name":"Anh Minh","phone":"84912345678","user_dob":"3/1/1999","gender":"Nam","full_address":{"user_city":"Thành phố Hồ Chí Minh","user_ward":"Phường Tân Thuận","user_address":"Đường số 13"}}}`)),
			map[string]string{domain.FieldName: "Anh Minh", domain.FieldPhone: "84912345678", domain.FieldBirthday: "1999-01-03",
				domain.FieldOfficeAddress: "Đường số 13, Phường Tân Thuận, Thành phố Hồ Chí Minh"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := matched(m, tc.fields); !maps.Equal(got, tc.want) {
				t.Fatalf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestDefaultNamesKeepWhatIsGiven(t *testing.T) {
	in := []leadpayload.Field{f("FULL_NAME", "Lê Văn Tám"), f("FIRST_NAME", "Tám"), f("LAST_NAME", "Lê"), f("CITY", " ")}
	got := leadpayload.GoogleFields(in)
	if !equalFields(got, in) {
		t.Fatalf("got %q: a given full name is kept, a blank city gives no address", got)
	}
	zin := []leadpayload.Field{f("address", "12 Nguyễn Huệ"), f("city", "Huế"), f("user_dob", "31-12-1999")}
	zgot := leadpayload.ZaloFields(zin)
	want := []leadpayload.Field{f("address", "12 Nguyễn Huệ, Huế"), f("city", "Huế"), f("user_dob", "31-12-1999")}
	if !equalFields(zgot, want) || zin[0].Values[0] != "12 Nguyễn Huệ" {
		t.Fatalf("got %q, want %q; input now %q", zgot, want, zin)
	}
}
