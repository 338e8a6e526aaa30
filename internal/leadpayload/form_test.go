package leadpayload_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"

	"tend/internal/domain"
	"tend/internal/leadpayload"
)

const formType = "application/x-www-form-urlencoded"

func TestFormSamples(t *testing.T) {
	note := "Tư vấn giúp em gói cho gia đình 4 người.\nGọi sau 18h."
	for _, tc := range []struct {
		name, contentType, file string
		want                    []leadpayload.Field
	}{
		{"a landing page's form post", formType, "landing-page-form.txt", []leadpayload.Field{
			f("Họ và tên", "Lê Thị Hoa"), f("Số điện thoại", "0903 123 456"), f("Email", "hoa.le@example.com"),
			f("Ghi chú", note), f("website", ""), f("utm_source", "facebook"), f("utm_campaign", "khuyen-mai-thang-3"),
		}},
		{"a JSON post", "application/json; charset=utf-8", "landing-page-form.json", []leadpayload.Field{
			f("Họ và tên", "Lê Thị Hoa"), f("Số điện thoại", "0903 123 456"), f("Email", "hoa.le@example.com"),
			f("Ghi chú", note), f("sản phẩm quan tâm", "Gói gia đình", "Gói sức khỏe"), f("đồng ý nhận tin", "true"),
			f("số người", "4"), f("form.id", "LP-khuyen-mai-thang-3"), f("form.url", "https://khuyenmai.example.vn/bao-hiem"),
			f("website", ""),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := leadpayload.Form(tc.contentType, sample(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			checkFields(t, got)
			if !equalFields(got, tc.want) {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// multipartBody is a multipart form with text fields and a file.
func multipartBody(t *testing.T, fields [][2]string, file string) (contentType string, body []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, kv := range fields {
		if err := w.WriteField(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if file != "" {
		fw, err := w.CreateFormFile("cv", "cv.pdf")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(fw, file)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), b.Bytes()
}

func TestFormMultipart(t *testing.T) {
	ct, body := multipartBody(t, [][2]string{{"Họ và tên", "Đỗ Minh Tuấn"}, {"Số điện thoại", "0987654321"},
		{"Ghi chú", "dòng 1\r\ndòng 2"}, {"Sở thích", "a"}, {"Sở thích", "b"}}, "%PDF-1.4 \x00\x01 binary")
	got, err := leadpayload.Form(ct, body)
	if err != nil {
		t.Fatal(err)
	}
	want := []leadpayload.Field{f("Họ và tên", "Đỗ Minh Tuấn"), f("Số điện thoại", "0987654321"),
		f("Ghi chú", "dòng 1\ndòng 2"), f("Sở thích", "a", "b")}
	if !equalFields(got, want) {
		t.Fatalf("got %q, want %q (the file ignored)", got, want)
	}
}

func TestFormShapes(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		want                    []leadpayload.Field
	}{
		{"a name sent twice is one field", formType, "a=1&a=2&b=3", []leadpayload.Field{f("a", "1", "2"), f("b", "3")}},
		{"empty pairs and nameless values are dropped", formType, "&&=x&a=&b", []leadpayload.Field{f("a", ""), f("b", "")}},
		{"a lone CR is a line break", formType, "a=x%0Dy", []leadpayload.Field{f("a", "x\ny")}},
		{"an empty form", formType, "", []leadpayload.Field{}},
		{"an empty JSON body", "application/json", " ", []leadpayload.Field{}},
		{"an empty JSON object", "application/json", "{}", []leadpayload.Field{}},
		{"upper-case type", "Application/JSON", `{"a":"b"}`, []leadpayload.Field{f("a", "b")}},
		{"JSON: lists of objects, nested lists, null", "application/json",
			`{"items":[{"sku":"A","qty":2},{"sku":"B"}],"m":[[1,2],[3]],"n":null,"e":[],"x":{"y":{"z":false}},"big":12345678901234567890}`,
			[]leadpayload.Field{f("items[0].sku", "A"), f("items[0].qty", "2"), f("items[1].sku", "B"),
				f("m[0]", "1", "2"), f("m[1]", "3"), f("x.y.z", "false"), f("big", "12345678901234567890")}},
		{"JSON: a key sent twice is one field", "application/json", `{"a":"1","a":"2"}`, []leadpayload.Field{f("a", "1", "2")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := leadpayload.Form(tc.contentType, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			checkFields(t, got)
			if !equalFields(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFormRefusals(t *testing.T) {
	many := func(n int, format string) string {
		var parts []string
		for i := range n {
			parts = append(parts, fmt.Sprintf(format, i))
		}
		return strings.Join(parts, "&")
	}
	big := strings.Repeat("á", leadpayload.MaxValueBytes/2) // 2 bytes each: one byte over with "x"
	for _, tc := range []struct {
		name, contentType, body string
		kind                    error
		code                    string
		fields                  []fault
	}{
		{"no content type", "", "a=b", domain.ErrUnsupportedMedia, "unsupported_form_type", nil},
		{"plain text", "text/plain", "a=b", domain.ErrUnsupportedMedia, "unsupported_form_type", nil},
		{"XML", "application/xml", "<a/>", domain.ErrUnsupportedMedia, "unsupported_form_type", nil},
		{"a bad escape", formType, "a=%zz", domain.ErrBadRequest, "invalid_form_body", nil},
		{"multipart without a boundary", "multipart/form-data", "x", domain.ErrBadRequest, "invalid_form_body", nil},
		{"multipart that isn't", "multipart/form-data; boundary=XYZ", "--XYZ\r\nnot a header\r\n", domain.ErrBadRequest, "invalid_form_body", nil},
		{"JSON that isn't", "application/json", `{"a":`, domain.ErrBadRequest, "invalid_json", nil},
		{"a JSON list", "application/json", `[{"a":1}]`, domain.ErrBadRequest, "body_not_object", nil},
		{"a JSON string", "application/json", `"Lan"`, domain.ErrBadRequest, "body_not_object", nil},
		{"a control character in JSON", "application/json", `{"Họ và tên":"Lan\u0007"}`, domain.ErrInvalid, "validation_failed",
			[]fault{{"Họ và tên", "control_character", ""}}},
		{"a NUL", formType, "a=x%00y", domain.ErrInvalid, "validation_failed", []fault{{"a", "control_character", ""}}},
		{"invalid UTF-8", formType, "a=%FF&b=ok", domain.ErrInvalid, "validation_failed", []fault{{"a", "invalid_utf8", ""}}},
		{"a name on two lines", formType, "a%0Ab=1", domain.ErrInvalid, "validation_failed", []fault{{"a\nb", "single_line", ""}}},
		{"a JSON key on two lines", "application/json", `{"a\nb":"1"}`, domain.ErrInvalid, "validation_failed", []fault{{"a\nb", "single_line", ""}}},
		{"a value over 64 KiB", formType, "a=" + url.QueryEscape(big+"x"), domain.ErrInvalid, "validation_failed",
			[]fault{{"a", "too_long_bytes", "65536"}}},
		{"a name over 256 bytes", formType, strings.Repeat("n", 257) + "=1", domain.ErrInvalid, "validation_failed",
			[]fault{{strings.Repeat("n", 257), "too_long_bytes", "256"}}},
		{"too many fields", formType, many(201, "f%d=x"), domain.ErrBadRequest, "too_many_lead_fields", nil},
		{"too many values", formType, many(101, "a=%d"), domain.ErrInvalid, "validation_failed", []fault{{"a", "too_many", "100"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := leadpayload.Form(tc.contentType, []byte(tc.body))
			if err == nil {
				t.Fatalf("accepted %q", got)
			}
			wantRefusal(t, err, tc.kind, tc.code, tc.fields...)
			if tc.code == "too_many_lead_fields" && refused(t, err).params["max"] != "200" {
				t.Errorf("params %v, want max 200", refused(t, err).params)
			}
		})
	}
}

// The limits hold exactly at their edge.
func TestFormAtTheLimits(t *testing.T) {
	var parts []string
	for i := range leadpayload.MaxFields {
		parts = append(parts, fmt.Sprintf("f%d=x", i))
	}
	parts[0] = "f0=" + url.QueryEscape(strings.Repeat("á", leadpayload.MaxValueBytes/2))
	got, err := leadpayload.Form(formType, []byte(strings.Join(parts, "&")))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != leadpayload.MaxFields || len(got[0].Values[0]) != leadpayload.MaxValueBytes {
		t.Fatalf("%d fields, first value %d bytes", len(got), len(got[0].Values[0]))
	}
}

// FuzzForm: no body of any of the three types makes Form panic, and what
// it accepts keeps the text and size promises.
func FuzzForm(f *testing.F) {
	types := []string{formType, "application/json", "multipart/form-data; boundary=B"}
	f.Add(uint8(0), sample(f, "landing-page-form.txt"))
	f.Add(uint8(1), sample(f, "landing-page-form.json"))
	f.Add(uint8(2), []byte("--B\r\nContent-Disposition: form-data; name=\"Họ và tên\"\r\n\r\nLan\r\n--B--\r\n"))
	f.Add(uint8(0), []byte("a=%00&b=%FF"))
	f.Add(uint8(1), []byte(`{"a":[{"b":[1,{"c":null}]}]}`))
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		fields, err := leadpayload.Form(types[int(kind)%len(types)], body)
		if err != nil {
			refused(t, err)
			return
		}
		checkFields(t, fields)
	})
}
