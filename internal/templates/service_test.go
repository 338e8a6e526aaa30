package templates_test

import (
	"slices"
	"strings"
	"testing"

	"tend/internal/domain"
	"tend/internal/templates"
)

func input(name, subject, body string) *templates.Input {
	in := &templates.Input{Name: &name, Body: &body}
	if subject != "" {
		in.Subject = &subject
	}
	return in
}

func TestCreateAndGet(t *testing.T) {
	e := newEnv(t, "vi")
	ctx := t.Context()
	tpl, err := e.svc.Create(ctx, e.staff, templates.KindEmail,
		input("  Chúc mừng sinh nhật ", "Chúc mừng sinh nhật {{name}}", "<p>Kính gửi {{ name }}, đơn {{order_code}} của {{owner_name}}</p>"))
	if err != nil {
		t.Fatal(err)
	}
	if tpl.Name != "Chúc mừng sinh nhật" || tpl.Version != 1 || tpl.CreatedBy != e.staff.User.ID || !tpl.CreatedAt.Equal(now) ||
		tpl.Tenant != e.staff.Tenant() || tpl.Kind != templates.KindEmail || tpl.Segments != 0 || tpl.Encoding != "" {
		t.Errorf("created %+v", tpl)
	}
	for _, load := range []func() (*templates.Template, error){
		func() (*templates.Template, error) { return e.svc.Get(ctx, e.admin, templates.KindEmail, tpl.ID) },
		func() (*templates.Template, error) {
			return e.svc.Load(ctx, e.admin.Tenant(), templates.KindEmail, tpl.ID)
		},
	} {
		got, err := load()
		if err != nil {
			t.Fatal(err)
		}
		if *got != *tpl {
			t.Errorf("read %+v, want %+v", got, tpl)
		}
	}
	_, err = e.svc.Get(ctx, e.admin, templates.KindSMS, tpl.ID)
	wantCode(t, err, domain.ErrNotFound, "not_found")
	_, err = e.svc.Get(ctx, e.admin, templates.Kind("fax"), tpl.ID)
	wantCode(t, err, domain.ErrNotFound, "not_found")
}

func TestValidation(t *testing.T) {
	e := newEnv(t, "vi")
	long := func(n int) string { return strings.Repeat("ê", n) }
	for _, tc := range []struct {
		name string
		kind templates.Kind
		in   *templates.Input
		want []problem
	}{
		{"everything missing", templates.KindEmail, &templates.Input{},
			[]problem{{"name", "required", ""}, {"subject", "required", ""}, {"body", "required", ""}}},
		{"blank", templates.KindSMS, input(" ", "", " \n "),
			[]problem{{"name", "required", ""}, {"body", "required", ""}}},
		{"unknown field in body", templates.KindEmail, input("A", "Chào {{name}}", "Chào {{ho_ten}} {{ho_ten}} {{Name}}"),
			[]problem{{"body", "unknown_merge_field", "ho_ten"}}},
		{"unknown field in subject", templates.KindEmail, input("A", "Chào {{nope}}", "x"),
			[]problem{{"subject", "unknown_merge_field", "nope"}}},
		{"unknown field in sms", templates.KindSMS, input("A", "", "Chào {{nope}} #nope"),
			[]problem{{"body", "unknown_merge_field", "nope"}}},
		{"too long", templates.KindEmail, input(long(201), long(251), strings.Repeat("a", templates.MaxEmailBody+1)),
			[]problem{{"name", "too_long", "200"}, {"subject", "too_long", "250"}, {"body", "too_long_bytes", "100000"}}},
		{"sms too long", templates.KindSMS, input(long(200), "", long(1001)),
			[]problem{{"body", "too_long", "1000"}}},
		{"subject on one line", templates.KindEmail, input("A", "Chào\r\nBcc: x@y.vn", "x"),
			[]problem{{"subject", "single_line", ""}}},
		{"subject on sms", templates.KindSMS, input("A", "S", "x"),
			[]problem{{"subject", "unknown_json_field", "subject"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.Create(t.Context(), e.staff, tc.kind, tc.in)
			wantCode(t, err, domain.ErrInvalid, "validation_failed")
			if got := problemsOf(t, err); !slices.Equal(got, tc.want) {
				t.Errorf("problems = %+v, want %+v", got, tc.want)
			}
		})
	}
	// Limits are inclusive.
	if _, err := e.svc.Create(t.Context(), e.staff, templates.KindSMS, input(long(200), "", long(1000))); err != nil {
		t.Errorf("at the limits: %v", err)
	}
}

func TestNames(t *testing.T) {
	e := newEnv(t, "vi")
	ctx := t.Context()
	a, err := e.svc.Create(ctx, e.staff, templates.KindSMS, input("Chúc mừng sinh nhật", "", "Chúc mừng {{name}}"))
	if err != nil {
		t.Fatal(err)
	}
	// The same name, but for case, diacritics and spaces, is taken.
	_, err = e.svc.Create(ctx, e.admin, templates.KindSMS, input("chuc mung  SINH NHAT", "", "x"))
	wantCode(t, err, domain.ErrConflict, "template_name_taken")
	if got := problemsOf(t, err); !slices.Equal(got, []problem{{"name", "template_name_taken", ""}}) {
		t.Errorf("problems = %+v", got)
	}
	// An email template may have the name of an SMS template.
	if _, err := e.svc.Create(ctx, e.staff, templates.KindEmail, input("Chúc mừng sinh nhật", "S", "x")); err != nil {
		t.Fatal(err)
	}
	b, err := e.svc.Create(ctx, e.staff, templates.KindSMS, input("Nhắc lịch hẹn", "", "x"))
	if err != nil {
		t.Fatal(err)
	}
	// Renaming to a taken name fails and keeps both.
	_, err = e.svc.Update(ctx, e.staff, templates.KindSMS, b.ID, &templates.Input{Name: str("CHÚC MỪNG SINH NHẬT")})
	wantCode(t, err, domain.ErrConflict, "template_name_taken")
	// Changing only the case keeps the claim; renaming frees the old name.
	if _, err := e.svc.Update(ctx, e.staff, templates.KindSMS, a.ID, &templates.Input{Name: str("Chúc Mừng Sinh Nhật")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Update(ctx, e.staff, templates.KindSMS, a.ID, &templates.Input{Name: str("Sinh nhật khách VIP")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Create(ctx, e.staff, templates.KindSMS, input("Chúc mừng sinh nhật", "", "x")); err != nil {
		t.Fatalf("the old name is still taken: %v", err)
	}
	// Deleting frees the name.
	if err := e.svc.Delete(ctx, e.staff, templates.KindSMS, b.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Get(ctx, e.staff, templates.KindSMS, b.ID)
	wantCode(t, err, domain.ErrNotFound, "not_found")
	err = e.svc.Delete(ctx, e.staff, templates.KindSMS, b.ID)
	wantCode(t, err, domain.ErrNotFound, "not_found")
	if _, err := e.svc.Create(ctx, e.staff, templates.KindSMS, input("Nhắc lịch hẹn", "", "x")); err != nil {
		t.Fatalf("a deleted template's name is still taken: %v", err)
	}
}

func TestUpdate(t *testing.T) {
	e := newEnv(t, "vi")
	ctx := t.Context()
	tpl, err := e.svc.Create(ctx, e.staff, templates.KindEmail, input("Chào mừng", "Chào {{name}}", "Xin chào"))
	if err != nil {
		t.Fatal(err)
	}
	v1 := int64(1)
	got, err := e.svc.Update(ctx, e.staff, templates.KindEmail, tpl.ID, &templates.Input{Body: str("Xin chào {{owner_name}}"), Version: &v1})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Name != "Chào mừng" || got.Subject != "Chào {{name}}" || got.Body != "Xin chào {{owner_name}}" || !got.CreatedAt.Equal(tpl.CreatedAt) {
		t.Errorf("updated %+v", got)
	}
	// A stale version is refused, as every write refuses it.
	_, err = e.svc.Update(ctx, e.staff, templates.KindEmail, tpl.ID, &templates.Input{Body: str("x"), Version: &v1})
	wantCode(t, err, domain.ErrConflict, "version_conflict")
	// Bad input changes nothing.
	_, err = e.svc.Update(ctx, e.staff, templates.KindEmail, tpl.ID, &templates.Input{Subject: str("{{nope}}")})
	wantCode(t, err, domain.ErrInvalid, "validation_failed")
	if cur, _ := e.svc.Get(ctx, e.staff, templates.KindEmail, tpl.ID); cur.Version != 2 || cur.Subject != "Chào {{name}}" {
		t.Errorf("after a refused update: %+v", cur)
	}
	// Another staff member's template is theirs; admins change any.
	other, err := e.svc.Create(ctx, e.admin, templates.KindEmail, input("Của admin", "S", "B"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Update(ctx, e.staff, templates.KindEmail, other.ID, &templates.Input{Body: str("x")})
	wantCode(t, err, domain.ErrForbidden, "forbidden")
	wantCode(t, e.svc.Delete(ctx, e.staff, templates.KindEmail, other.ID), domain.ErrForbidden, "forbidden")
	if _, err := e.svc.Update(ctx, e.admin, templates.KindEmail, tpl.ID, &templates.Input{Body: str("x")}); err != nil {
		t.Errorf("admin update: %v", err)
	}
	if err := e.svc.Delete(ctx, e.admin, templates.KindEmail, tpl.ID); err != nil {
		t.Errorf("admin delete: %v", err)
	}
}

func TestList(t *testing.T) {
	e := newEnv(t, "vi")
	ctx := t.Context()
	for _, name := range []string{"Nhắc lịch hẹn", "Chúc mừng sinh nhật", "ưu đãi tháng 6", "Báo giá", "Sinh nhật VIP"} {
		if _, err := e.svc.Create(ctx, e.staff, templates.KindSMS, input(name, "", "x")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.Create(ctx, e.staff, templates.KindEmail, input("Sinh nhật email", "S", "x")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"", []string{"Báo giá", "Chúc mừng sinh nhật", "Nhắc lịch hẹn", "Sinh nhật VIP", "ưu đãi tháng 6"}},
		{"sinh nhat", []string{"Chúc mừng sinh nhật", "Sinh nhật VIP"}},
		{"  SINH   NHẬT ", []string{"Chúc mừng sinh nhật", "Sinh nhật VIP"}},
		{"uu dai", []string{"ưu đãi tháng 6"}},
		{"không có", []string{}},
	} {
		list, err := e.svc.List(ctx, e.admin, templates.KindSMS, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for _, tpl := range list {
			got = append(got, tpl.Name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("List(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestSMSTemplateSegments(t *testing.T) {
	e := newEnv(t, "vi")
	for i, tc := range []struct {
		body     string
		segments int
		encoding string
	}{
		{strings.Repeat("a", 160), 1, "gsm7"},
		{strings.Repeat("a", 161), 2, "gsm7"},
		{strings.Repeat("ệ", 70), 1, "ucs2"},
		{strings.Repeat("ệ", 71), 2, "ucs2"},
	} {
		tpl, err := e.svc.Create(t.Context(), e.staff, templates.KindSMS, input(strings.Repeat("n", i+1), "", tc.body))
		if err != nil {
			t.Fatal(err)
		}
		if tpl.Segments != tc.segments || tpl.Encoding != tc.encoding {
			t.Errorf("%d: segments %d %s, want %d %s", i, tpl.Segments, tpl.Encoding, tc.segments, tc.encoding)
		}
		got, err := e.svc.Update(t.Context(), e.staff, templates.KindSMS, tpl.ID, &templates.Input{Body: str("ok")})
		if err != nil || got.Segments != 1 || got.Encoding != "gsm7" {
			t.Errorf("%d: after update %+v, %v", i, got, err)
		}
	}
}

func TestParseInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind templates.Kind
		body string
		want []problem // nil: accepted
		code string    // the error's code when not validation_failed
	}{
		{"email", templates.KindEmail, `{"name": "A", "subject": "S", "body": "B", "version": 3}`, nil, ""},
		{"sms", templates.KindSMS, ` {"name": "A", "body": "B"} `, nil, ""},
		{"not an object", templates.KindSMS, `["name"]`, nil, "body_not_object"},
		{"not json", templates.KindSMS, `{"name": `, nil, "invalid_json"},
		{"empty", templates.KindSMS, ``, nil, "invalid_json"},
		{"wrong types", templates.KindEmail, `{"name": 1, "subject": null, "body": ["x"], "version": "2"}`,
			[]problem{{"body", "expected_text", ""}, {"name", "expected_text", ""}, {"subject", "expected_text", ""}, {"version", "expected_integer", ""}}, ""},
		{"fractional version", templates.KindSMS, `{"version": 1.5}`, []problem{{"version", "expected_integer", ""}}, ""},
		{"read only", templates.KindSMS, `{"id": "x", "created_at": "2026-01-01T00:00:00Z", "segments": 2, "tenant_id": "t"}`,
			[]problem{{"created_at", "read_only", ""}, {"id", "read_only", ""}, {"segments", "read_only", ""}, {"tenant_id", "read_only", ""}}, ""},
		{"unknown", templates.KindEmail, `{"nam": "A", "": 1, "segments": 1}`,
			[]problem{{`[""]`, "unknown_json_field", ""}, {"nam", "unknown_json_field", "nam"}, {"segments", "unknown_json_field", "segments"}}, ""},
		{"subject on sms", templates.KindSMS, `{"subject": "S"}`, []problem{{"subject", "unknown_json_field", "subject"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := templates.ParseInput(tc.kind, []byte(tc.body))
			switch {
			case tc.code != "":
				wantCode(t, err, domain.ErrBadRequest, tc.code)
			case tc.want == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want == nil:
				if in.Name == nil || *in.Name != "A" || in.Body == nil || *in.Body != "B" {
					t.Errorf("parsed %+v", in)
				}
			default:
				wantCode(t, err, domain.ErrInvalid, "validation_failed")
				if got := problemsOf(t, err); !slices.Equal(got, tc.want) {
					t.Errorf("problems = %+v, want %+v", got, tc.want)
				}
			}
		})
	}
}

func TestRenderTemplate(t *testing.T) {
	e := newEnv(t, "vi")
	tpl, err := e.svc.Create(t.Context(), e.staff, templates.KindEmail, input("Sinh nhật", "Chúc mừng sinh nhật {{name}}", "Ngày {{birthday}} — {{owner_name}}"))
	if err != nil {
		t.Fatal(err)
	}
	subject, body := tpl.Render(templates.Record{Org: e.org, Customer: sampleCustomer(e.org), Now: now})
	if subject != "Chúc mừng sinh nhật Nguyễn Văn An" || body != "Ngày 20/12/1990 — Trần Thị Lan" {
		t.Errorf("rendered %q / %q", subject, body)
	}
}
