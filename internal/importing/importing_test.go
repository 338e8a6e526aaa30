package importing_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"tend/internal/domain"
	"tend/internal/importing"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// world is a workspace with a field of every custom type.
func world(tb testing.TB) (*tendtest.World, *workspace.Org) {
	w := tendtest.MustOpen(tb, tendtest.Options{Name: "Nhập"})
	w.Field("hang", "Hạng", domain.TypeSelect, "Vàng", "Bạc", "Kim cương")
	w.Field("so_thich", "Sở thích", domain.TypeMultiSelect, "Đọc sách", "Du lịch")
	w.Field("doanh_so", "Doanh số", domain.TypeMoney)
	w.Field("diem", "Điểm", domain.TypeNumber)
	w.Field("ngay_mua", "Ngày mua", domain.TypeDate)
	w.Field("hen_luc", "Hẹn lúc", domain.TypeDateTime)
	w.Field("vip", "VIP", domain.TypeBoolean)
	w.Field("phu_trach", "Phụ trách", domain.TypeUser)
	w.Field("sdt2", "SĐT phụ", domain.TypePhone)
	w.Field("email2", "Email phụ", domain.TypeEmail)
	key, label, typ, lunar := "ngay_gio", "Ngày giỗ", domain.TypeDate, domain.CalendarLunar
	if _, err := w.Workspaces.SaveField(tb.Context(), w.Admin(), "", workspace.FieldInput{Key: &key, Label: &label, Type: &typ, Calendar: &lunar}); err != nil {
		tb.Fatal(err)
	}
	return w, w.Org()
}

func columns(o *workspace.Org) []importing.Column {
	var cols []importing.Column
	for _, f := range importing.Fields(o) {
		cols = append(cols, importing.Column{Header: f.Label, Field: f.Key})
	}
	return cols
}

// Each cell is read as Vietnamese spreadsheets write it, into the value
// the API takes; the API's own checks then judge it.
func TestRowInput(t *testing.T) {
	w, o := world(t)
	cols := columns(o)
	at := func(key string) int {
		return slices.IndexFunc(cols, func(c importing.Column) bool { return c.Field == key })
	}
	tests := []struct {
		field, cell string
		want        any // the customer's value, or the problem's code
		problem     bool
	}{
		{domain.FieldPhone, "1689123456", "+84389123456", false}, // a legacy number whose zero Excel dropped
		{domain.FieldPhone, "912345678", "+84912345678", false},
		{domain.FieldBirthday, "05/03/1991", "1991-03-05", false},
		{domain.FieldBirthday, "33302", "1991-03-05", false}, // an Excel serial
		{domain.FieldBirthday, "03/13/1991", "cell_not_a_date", true},
		{domain.FieldTags, "vip; hà nội, vip", []string{"vip", "hà nội"}, false},
		{domain.FieldEmailOptOut, "Có", true, false},
		{domain.FieldEmailOptOut, "có lẽ", "cell_not_a_boolean", true},
		{"hang", "kim cuong", "Kim cương", false},
		{"hang", "Bạch kim", "not_an_option", true},
		{"so_thich", "doc sach, Du lịch", []string{"Đọc sách", "Du lịch"}, false},
		{"so_thich", "Đọc sách; bơi", "not_an_option", true},
		{"doanh_so", "1.500.000 đ", 1500000.0, false},
		{"doanh_so", "1,5", "expected_integer", true},
		{"diem", "2,5", 2.5, false},
		{"diem", "hai", "cell_not_a_number", true},
		{"ngay_mua", "20/11/2026", "2026-11-20", false},
		{"hen_luc", "20/11/2026 09:30", "2026-11-20T02:30:00Z", false},
		{"ngay_gio", "30/2/2025", "2025-02-30", false}, // a lunar day no solar month has
		{"ngay_gio", "15.08.2024", "2024-08-15", false},
		{"ngay_gio", "2024-08-15", "2024-08-15", false},   // as exported
		{"ngay_gio", "45567", "invalid_lunar_date", true}, // an Excel serial is a solar day
		{"ngay_gio", "31/1/2025", "invalid_lunar_date", true},
		{"hen_luc", "hôm nay", "cell_not_a_datetime", true},
		{"vip", "x", true, false},
		{"phu_trach", w.AdminUser.Email, w.AdminUser.ID, false},
		{"phu_trach", "không ai", "unknown_user", true},
		{"sdt2", "0168 123 4567", "+84381234567", false},
		{"email2", "khong-phai-email", "invalid_email", true},
	}
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	for _, tc := range tests {
		t.Run(tc.field+"/"+tc.cell, func(t *testing.T) {
			cells := make([]string, len(cols))
			cells[at(domain.FieldName)] = "Nguyễn Văn An"
			cells[at(tc.field)] = tc.cell
			in, problems := importing.RowInput(o, cols, cells, loc)
			cu, err := in.Preview(o, time.Now())
			var de *domain.Error
			if errors.As(err, &de) {
				problems = append(problems, de.Fields...)
			}
			if tc.problem {
				if len(problems) != 1 || problems[0].Code != tc.want {
					t.Fatalf("problems %+v, want one %v", problems, tc.want)
				}
				return
			}
			if len(problems) != 0 || err != nil {
				t.Fatalf("problems %+v, %v", problems, err)
			}
			got := valueOf(cu, tc.field)
			if gb, _ := json.Marshal(got); string(gb) != mustJSON(tc.want) {
				t.Fatalf("value %s, want %s", gb, mustJSON(tc.want))
			}
		})
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func valueOf(c *domain.Customer, key string) any {
	switch key {
	case domain.FieldPhone:
		return c.Phone
	case domain.FieldBirthday:
		return c.Birthday.String()
	case domain.FieldTags:
		return c.Tags
	case domain.FieldEmailOptOut:
		return c.EmailOptOut
	}
	return c.Fields[key]
}

// FuzzRowInput: whatever the cells hold, a row becomes an input and
// problems, never a panic; every problem names a path and a code, and
// quotes nothing but valid, short text.
func FuzzRowInput(f *testing.F) {
	_, o := world(f)
	cols := columns(o)
	for _, s := range []string{"", "0912345678", "31/02/1990", "45335.5", "1.234.567,5", "có", "kim cuong", "\x00\xff", "=1+1",
		strings.Repeat("à", 300), "1e309", "-0", "Đọc sách;;,|", "9999999999999999999999"} {
		f.Add(s, s, uint8(3))
	}
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	f.Fuzz(func(t *testing.T, a, b string, at uint8) {
		cells := make([]string, len(cols))
		for i := range cells {
			cells[i] = a
			if i%int(at%7+1) == 0 {
				cells[i] = b
			}
		}
		in, problems := importing.RowInput(o, cols, cells[:len(cells)-int(at%3)], loc)
		if in == nil {
			t.Fatal("no input")
		}
		_, _ = in.Preview(o, time.Now())
		for _, p := range problems {
			if p.Path == "" || p.Code == "" {
				t.Fatalf("problem %+v", p)
			}
			for _, v := range p.Params {
				if !utf8.ValidString(v) || utf8.RuneCountInString(v) > 61 {
					t.Fatalf("param %q", v)
				}
			}
		}
	})
}

// FuzzParseMapping and FuzzParseOptions: any part sent is read or refused
// with a validation error; never a panic.
func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{`{"SĐT":"phone","Cột":null}`, `{"a":1}`, `[]`, `null`, ``, `{"":""}`, "{\"\xff\":\"x\"}", `{"a":"b"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := importing.ParseMapping(raw, "mapping")
		if err != nil && !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("error %v is not a validation error", err)
		}
		if err == nil {
			for _, f := range m {
				if f != nil && *f == "" {
					t.Fatal("an empty field key kept")
				}
			}
		}
	})
}

func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{`{"duplicates":"update","warehouse_id":"wh_1"}`, `{"x":1}`, `{"owner_id":5}`, `[]`, ``, `"s"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if _, err := importing.ParseOptions(raw, "options"); err != nil && !errors.Is(err, domain.ErrInvalid) && !errors.Is(err, domain.ErrBadRequest) {
			t.Fatalf("error %v is neither a validation error nor a bad request", err)
		}
	})
}
