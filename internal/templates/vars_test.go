package templates_test

import (
	"slices"
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/templates"
	"tend/internal/workspace"
)

// sampleCustomer has a value in every field the lookup tests read.
func sampleCustomer(o *workspace.Org) *domain.Customer {
	lan := o.Users[slices.IndexFunc(o.Users, func(u *domain.User) bool { return u.Name == "Trần Thị Lan" })]
	created := time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)
	return &domain.Customer{
		ID: "cus_1", Code: "KH000123", Name: "Nguyễn Văn An", Phone: "+84987654321", Email: "an@example.vn",
		Birthday: domain.Date{Year: 1990, Month: 12, Day: 20}, OwnerID: lan.ID, Tags: []string{"vip", "hà nội"},
		EmailOptOut: true, Revenue: 3_000_000, CreatedAt: created, LastCareAt: &created,
		SharedWith: []string{lan.ID},
		Fields: domain.Values{
			"kind": "VIP", "hobbies": []string{"golf", "wine"}, "score": 1234.5, "budget": 3_000_000.0,
			"signed": "2026-01-05", "seen": "2026-06-15T17:30:00Z", "partner": true, "manager": lan.ID,
			"title": "Giám đốc",
		},
	}
}

func TestLookup(t *testing.T) {
	e := newEnv(t, "vi")
	en := *e.org // the same workspace, in English
	en.Workspace.Language = "en"
	at := time.Date(2026, 6, 15, 18, 0, 0, 0, time.UTC) // 01:00 on the 16th in Hà Nội
	order := &templates.Order{Code: "DH0042", Amount: 1_500_000, Status: "completed", OrderedAt: time.Date(2026, 6, 14, 20, 0, 0, 0, time.UTC)}
	for _, tc := range []struct{ key, vi, en string }{
		{"name", "Nguyễn Văn An", "Nguyễn Văn An"},
		{"code", "KH000123", "KH000123"},
		{"phone", "+84987654321", "+84987654321"},
		{"fax", "", ""},
		{"birthday", "20/12/1990", "20/12/1990"},
		{"founding_date", "", ""},
		{"revenue", "3.000.000", "3,000,000"},
		{"email_opt_out", "Có", "Yes"},
		{"sms_opt_out", "Không", "No"},
		{"tags", "vip, hà nội", "vip, hà nội"},
		{"owner_id", "Trần Thị Lan", "Trần Thị Lan"},
		{"shared_with", "Trần Thị Lan", "Trần Thị Lan"},
		{"created_at", "15/06/2026 09:00", "15/06/2026 09:00"},
		{"last_care_at", "15/06/2026 09:00", "15/06/2026 09:00"},
		{"next_appointment_at", "", ""},
		{"kind", "VIP", "VIP"},
		{"hobbies", "golf, wine", "golf, wine"},
		{"score", "1.234,5", "1,234.5"},
		{"budget", "3.000.000", "3,000,000"},
		{"signed", "05/01/2026", "05/01/2026"},
		{"seen", "16/06/2026 00:30", "16/06/2026 00:30"},
		{"partner", "Có", "Yes"},
		{"manager", "Trần Thị Lan", "Trần Thị Lan"},
		{"title", "Giám đốc", "Giám đốc"},
		// 20/12/1990 is the 4th of the 11th lunar month; 05/01/2026 the 17th.
		{"birthday_lunar", "4/11 Âm lịch", "4/11 (lunar)"},
		{"founding_date_lunar", "", ""},
		{"signed_lunar", "17/11 Âm lịch", "17/11 (lunar)"},
		{"owner_name", "Trần Thị Lan", "Trần Thị Lan"},
		{"owner_email", "lan@hoasen.vn", "lan@hoasen.vn"},
		{"owner_phone", "+84912345678", "+84912345678"},
		{"workspace_name", "Công ty Hoa Sen", "Công ty Hoa Sen"},
		{"today", "16/06/2026", "16/06/2026"},
		{"order_code", "DH0042", "DH0042"},
		{"order_amount", "1.500.000", "1,500,000"},
		{"order_status", "Hoàn thành", "Completed"},
		{"order_date", "15/06/2026", "15/06/2026"},
	} {
		for _, lang := range []struct {
			org  *workspace.Org
			want string
		}{{e.org, tc.vi}, {&en, tc.en}} {
			r := templates.Record{Org: lang.org, Customer: sampleCustomer(e.org), Order: order, Now: at}
			got, ok := r.Lookup(tc.key)
			if !ok || got != lang.want {
				t.Errorf("%s: Lookup(%q) = %q, %v, want %q", lang.org.Workspace.Language, tc.key, got, ok, lang.want)
			}
		}
	}
	r := templates.Record{Org: e.org, Customer: sampleCustomer(e.org), Now: at}
	for _, key := range []string{"nope", "Name", "order_code", "name_lunar", "seen_lunar", "nope_lunar"} {
		if got, ok := r.Lookup(key); ok || got != "" {
			t.Errorf("Lookup(%q) without an order = %q, %v, want \"\", false", key, got, ok)
		}
	}
	got := templates.Render("Kính gửi {{name}} ({{ kind }}), ngân sách {{budget}}đ. {{deleted_field}}", r.Lookup)
	if want := "Kính gửi Nguyễn Văn An (VIP), ngân sách 3.000.000đ. "; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
}

func TestNumbers(t *testing.T) {
	e := newEnv(t, "en")
	for _, tc := range []struct {
		v    any
		want string
	}{
		{0.0, "0"}, {999.0, "999"}, {1000.0, "1,000"}, {-1234567.0, "-1,234,567"}, {0.25, "0.25"},
		{1e15, "1,000,000,000,000,000"}, {-1000.5, "-1,000.5"},
	} {
		c := &domain.Customer{Fields: domain.Values{"score": tc.v}}
		if got, _ := (templates.Record{Org: e.org, Customer: c}).Lookup("score"); got != tc.want {
			t.Errorf("score %v = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestKnownAndCheck(t *testing.T) {
	e := newEnv(t, "vi")
	for _, tc := range []struct {
		key              string
		customers, order bool
	}{
		{"name", true, true}, {"tax_code", true, true}, {"owner_id", true, true}, {"budget", true, true},
		{"owner_name", true, true}, {"today", true, true}, {"workspace_name", true, true},
		{"order_code", false, true}, {"order_date", false, true}, {"nope", false, false}, {"Name", false, false},
		{"birthday_lunar", true, true}, {"signed_lunar", true, true}, {"name_lunar", false, false}, {"seen_lunar", false, false},
	} {
		if got := templates.Known(e.org, templates.ModuleCustomers)(tc.key); got != tc.customers {
			t.Errorf("Known(customers)(%q) = %v", tc.key, got)
		}
		if got := templates.Known(e.org, templates.ModuleOrders)(tc.key); got != tc.order {
			t.Errorf("Known(orders)(%q) = %v", tc.key, got)
		}
	}
	var p domain.Problems
	templates.Check(e.org, templates.ModuleCustomers, "title", "Gọi #name về {{order_code}}, #nope và {{ nope }} #budget", true, &p)
	templates.Check(e.org, templates.ModuleCustomers, "body", "#nope {{name}}", false, &p)
	got := problemsOf(t, p.Err())
	want := []problem{{"title", "unknown_merge_field", "order_code"}, {"title", "unknown_merge_field", "nope"}}
	if !slices.Equal(got, want) {
		t.Errorf("problems = %+v, want %+v", got, want)
	}
}

// A date in a leap month says so: 31/03/2023 is the 10th of the leap 2nd
// month.
func TestLunarDateInALeapMonth(t *testing.T) {
	e := newEnv(t, "vi")
	en := *e.org
	en.Workspace.Language = "en"
	c := &domain.Customer{Birthday: domain.Date{Year: 2023, Month: 3, Day: 31}}
	for org, want := range map[*workspace.Org]string{e.org: "10/2 nhuận Âm lịch", &en: "10/2 leap (lunar)"} {
		if got, ok := (templates.Record{Org: org, Customer: c}).Lookup("birthday_lunar"); !ok || got != want {
			t.Errorf("%s: birthday_lunar = %q, %v, want %q", org.Workspace.Language, got, ok, want)
		}
	}
	got := templates.Render("Chúc mừng sinh nhật {{birthday_lunar}}!", templates.Record{Org: e.org, Customer: c}.Lookup)
	if want := "Chúc mừng sinh nhật 10/2 nhuận Âm lịch!"; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
}

// A custom date field with calendar "lunar" holds a lunar date: {{ngay_gio}}
// and {{ngay_gio_lunar}} both show its day and month as lunar ("15/8 Âm
// lịch"), not the lunar date of 15 August; an empty one shows "".
func TestLunarField(t *testing.T) {
	e := newEnv(t, "vi")
	vi := *e.org
	vi.Fields = append(slices.Clone(vi.Fields), domain.FieldDef{Key: "ngay_gio", Label: "Ngày giỗ", Type: domain.TypeDate, Calendar: domain.CalendarLunar})
	en := vi
	en.Workspace.Language = "en"
	gio := &domain.Customer{Fields: domain.Values{"ngay_gio": "2024-08-15"}}
	for _, tc := range []struct {
		org       *workspace.Org
		c         *domain.Customer
		key, want string
	}{
		{&vi, gio, "ngay_gio", "15/8 Âm lịch"},
		{&vi, gio, "ngay_gio_lunar", "15/8 Âm lịch"},
		{&en, gio, "ngay_gio", "15/8 (lunar)"},
		{&en, gio, "ngay_gio_lunar", "15/8 (lunar)"},
		{&vi, &domain.Customer{}, "ngay_gio", ""},
		{&vi, &domain.Customer{}, "ngay_gio_lunar", ""},
	} {
		if got, ok := (templates.Record{Org: tc.org, Customer: tc.c}).Lookup(tc.key); !ok || got != tc.want {
			t.Errorf("%s %s = %q, %v, want %q", tc.org.Workspace.Language, tc.key, got, ok, tc.want)
		}
	}
}
