package localrun_test

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// newLunarCare is a care workspace whose clock starts at the given day,
// 07:00 in Hanoi, with an email template naming the lunar birthday.
func newLunarCare(t *testing.T, y int, m time.Month, d int) *care {
	s := start(t, false)
	s.setClock(time.Date(y, m, d, 7, 0, 0, 0, hcm))
	admin, _ := s.workspace("Tiệm Vàng Kim Long")
	c := &care{s: s, admin: admin, owner: admin.user("Chị Hằng", "staff")}
	c.emailTpl = admin.create("/v1/templates/email", map[string]any{"name": "Sinh nhật âm lịch",
		"subject": "Chúc mừng sinh nhật {{name}}", "body": "Kính gửi {{name}}, hôm nay {{birthday_lunar}} là sinh nhật bạn."})
	return c
}

// sendsOn moves the clock to 08:00 on the day, drains, and returns the
// recipients of the emails sent that day.
func (c *care) sendsOn(y int, m time.Month, d int) []string {
	before := len(c.outbox())
	c.s.setClock(time.Date(y, m, d, 8, 0, 0, 0, hcm))
	c.drain()
	return to(c.outbox()[before:], "email")
}

// A flow on the lunar birthday sends its email on the solar day that
// lunar day falls on, each year: Anh, born 3 October 1990 (the 15th of the
// 8th lunar month), is wished on 6 October 2025 (a year that repeats its
// 6th month, which pushes the 8th a month later) and on 25 September 2026;
// not on 3 October. The email names the lunar date.
func TestLunarBirthdayCareFlow(t *testing.T) {
	c := newLunarCare(t, 2025, time.October, 2)
	c.customer("Đỗ Minh Anh", "1990-10-03", map[string]any{"email": "anh@khach.vn"})
	c.customer("Vũ Thị Bảo", "1990-10-06", map[string]any{"email": "bao@khach.vn"}) // 18/8: not the same lunar day
	c.flow(map[string]any{"module": "customers", "name": "Sinh nhật âm lịch",
		"when":      map[string]any{"type": "anniversary", "field": "birthday", "calendar": "lunar", "offset_days": 0, "at": "08:00"},
		"condition": map[string]any{"all": true}, "actions": []map[string]any{c.sendEmail()}})

	for _, tc := range []struct {
		y    int
		m    time.Month
		d    int
		want []string
	}{
		{2025, time.October, 3, nil}, // the solar birthday
		{2025, time.October, 5, nil},
		{2025, time.October, 6, []string{"anh@khach.vn"}},
		{2025, time.October, 7, nil},
		{2026, time.September, 24, nil},
		{2026, time.September, 25, []string{"anh@khach.vn"}},
		{2026, time.October, 3, nil},
	} {
		if got := c.sendsOn(tc.y, tc.m, tc.d); !slices.Equal(got, tc.want) {
			t.Fatalf("%d-%02d-%02d: emails to %v, want %v", tc.y, tc.m, tc.d, got, tc.want)
		}
	}
	for _, m := range c.outbox() {
		if m.Body != "Kính gửi Đỗ Minh Anh, hôm nay 15/8 Âm lịch là sinh nhật bạn." {
			t.Fatalf("email body %q", m.Body)
		}
	}
}

// A Tết flow ({type: lunar_date, month: 1, day: 1}) wishes every customer
// on the first day of the lunar year by the Vietnamese calendar: 17
// February 2007 (the Chinese calendar has the 18th), 6 February 2027 and
// 26 January 2028.
func TestTetCareFlow(t *testing.T) {
	c := newLunarCare(t, 2007, time.February, 15)
	c.customer("Ngô Gia Huy", "", map[string]any{"email": "huy@khach.vn"})
	c.customer("Lý Thu Trang", "", map[string]any{"email": "trang@khach.vn"})
	c.flow(map[string]any{"module": "customers", "name": "Chúc Tết",
		"when":      map[string]any{"type": "lunar_date", "month": 1, "day": 1, "at": "08:00"},
		"condition": map[string]any{"all": true}, "actions": []map[string]any{c.sendEmail()}})

	both := []string{"huy@khach.vn", "trang@khach.vn"}
	for _, tc := range []struct {
		y    int
		m    time.Month
		d    int
		want []string
	}{
		{2007, time.February, 16, nil},
		{2007, time.February, 17, both},
		{2007, time.February, 18, nil}, // Chinese New Year 2007
		{2027, time.February, 5, nil},
		{2027, time.February, 6, both},
		{2028, time.January, 25, nil},
		{2028, time.January, 26, both},
		{2028, time.January, 27, nil},
	} {
		if got := c.sendsOn(tc.y, tc.m, tc.d); !slices.Equal(got, tc.want) {
			t.Fatalf("%d-%02d-%02d: emails to %v, want %v", tc.y, tc.m, tc.d, got, tc.want)
		}
	}
}

// Rằm ({type: lunar_date, day: 15}, no month) acts on the 15th of every
// lunar month, with a rule condition on the lunar birthday: only customers
// whose lunar birthday is within 30 days.
func TestRamFlowWithLunarCondition(t *testing.T) {
	c := newLunarCare(t, 2026, time.November, 22)
	c.customer("Đỗ Minh Anh", "1990-12-05", map[string]any{"email": "anh@khach.vn"}) // 19/10/1990: lunar birthday 2026-11-27
	c.customer("Vũ Thị Bảo", "1990-10-03", map[string]any{"email": "bao@khach.vn"})  // 15/8: months away
	c.flow(map[string]any{"module": "customers", "name": "Rằm",
		"when": map[string]any{"type": "lunar_date", "day": 15, "at": "08:00"},
		"condition": map[string]any{"groups": [][]map[string]any{{
			{"field": "birthday", "op": "lunar_anniversary_within_days", "value": 30}}}},
		"actions": []map[string]any{c.sendEmail()}})
	if got := c.sendsOn(2026, time.November, 22); got != nil {
		t.Fatalf("the 14th: emails to %v", got)
	}
	if got := c.sendsOn(2026, time.November, 23); !slices.Equal(got, []string{"anh@khach.vn"}) { // 15/10
		t.Fatalf("rằm of the 10th month: emails to %v", got)
	}
	if got := c.sendsOn(2026, time.December, 23); got != nil { // 15/11: Anh's birthday is past
		t.Fatalf("rằm of the 11th month: emails to %v", got)
	}
}

// GET /v1/calendar/lunar converts a day for any signed-in user, and refuses
// a missing, malformed or out-of-range date with its code, in vi and en.
func TestLunarCalendarEndpoint(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Tiệm Vàng Kim Long")
	staff := admin.user("Chị Hằng", "staff")
	type lunarDay struct {
		Year, Month, Day int
		Leap             bool
		CanChi           string `json:"can_chi"`
	}
	for _, tc := range []struct {
		date string
		want lunarDay
	}{
		{"2026-09-25", lunarDay{2026, 8, 15, false, "Bính Ngọ"}},
		{"2007-02-17", lunarDay{2007, 1, 1, false, "Đinh Hợi"}},
		{"2007-02-16", lunarDay{2006, 12, 29, false, "Bính Tuất"}},
		{"1985-01-21", lunarDay{1985, 1, 1, false, "Ất Sửu"}},
		{"2023-03-31", lunarDay{2023, 2, 10, true, "Quý Mão"}},
	} {
		var got lunarDay
		staff.do("GET", "/v1/calendar/lunar?date="+tc.date, nil).ok(200).into(&got)
		if got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.date, got, tc.want)
		}
	}
	for _, tc := range []struct {
		query, code, vi, en string
	}{
		{"", "required", "Bắt buộc nhập.", "Required."},
		{"?date=25/09/2026", "invalid_date", "Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD)."},
		{"?date=2026-02-30", "invalid_date", "Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD)."},
		{"?date=1899-12-31", "date_out_of_range", "Ngày phải từ 1900-01-01 đến 2199-12-31.", "The date must be from 1900-01-01 to 2199-12-31."},
	} {
		for lang, want := range map[string]string{"vi": tc.vi, "en": tc.en} {
			var p struct {
				Errors []struct{ Path, Code, Message string }
			}
			in := *staff
			in.lang = lang
			in.do("GET", "/v1/calendar/lunar"+tc.query, nil).ok(422).into(&p)
			if len(p.Errors) != 1 || p.Errors[0].Path != "date" || p.Errors[0].Code != tc.code || p.Errors[0].Message != want {
				t.Errorf("%q in %s: %+v, want date %s %q", tc.query, lang, p.Errors, tc.code, want)
			}
		}
	}
	s.anon().do("GET", "/v1/calendar/lunar?date=2026-09-25", nil).ok(401)
}

// A lunar flow refuses what does not fit it, with a message naming what is
// wrong, in vi and en.
func TestLunarFlowValidation(t *testing.T) {
	c := newLunarCare(t, 2026, time.November, 23)
	const (
		dayVi, dayEn     = "Ngày âm lịch phải từ 1 đến 30.", "A lunar day is from 1 to 30."
		monthVi, monthEn = "Tháng âm lịch phải từ 1 đến 12 (bỏ trống: mọi tháng).", "A lunar month is from 1 to 12 (absent: every month)."
	)
	for _, tc := range []struct {
		name       string
		when       map[string]any
		path, code string
		vi, en     string
	}{
		{"no day", map[string]any{"type": "lunar_date", "month": 1, "at": "08:00"}, "when.day", "lunar_day_out_of_range", dayVi, dayEn},
		{"day 31", map[string]any{"type": "lunar_date", "day": 31, "at": "08:00"}, "when.day", "lunar_day_out_of_range", dayVi, dayEn},
		{"month 13", map[string]any{"type": "lunar_date", "month": 13, "day": 1, "at": "08:00"}, "when.month", "lunar_month_out_of_range", monthVi, monthEn},
		{"a field", map[string]any{"type": "lunar_date", "day": 1, "field": "birthday", "at": "08:00"}, "when", "lunar_date_takes_month_day_offset_and_at",
			"Ngày âm lịch cố định chỉ có month, day, offset_days và at.", "A fixed lunar date takes only month, day, offset_days and at."},
		{"a calendar nobody keeps", map[string]any{"type": "anniversary", "field": "birthday", "calendar": "julian", "at": "08:00"}, "when.calendar", "invalid_value",
			"Giá trị không hợp lệ.", "Not a valid value."},
		{"a lunar one-off date", map[string]any{"type": "date", "field": "birthday", "calendar": "lunar", "at": "08:00"}, "when.calendar", "only_for_anniversary",
			"Chỉ dùng cho ngày kỷ niệm (type anniversary).", "Only for anniversaries (type anniversary)."},
		{"a day on an anniversary", map[string]any{"type": "anniversary", "field": "birthday", "day": 15, "at": "08:00"}, "when", "month_and_day_only_for_lunar_date",
			"month và day chỉ dùng cho ngày âm lịch cố định (type lunar_date).", "month and day are only for fixed lunar dates (type lunar_date)."},
		{"a schedule with a calendar", map[string]any{"type": "schedule", "every": "day", "calendar": "lunar", "at": "08:00"}, "when", "schedule_takes_every_and_at",
			"Lịch định kỳ chỉ có every và at.", "A schedule takes only every and at."},
	} {
		for lang, want := range map[string]string{"vi": tc.vi, "en": tc.en} {
			var p struct {
				Errors []struct{ Path, Code, Message string }
			}
			in := *c.admin
			in.lang = lang
			in.do("POST", "/v1/care-flows", map[string]any{"module": "customers", "name": "Sai", "when": tc.when,
				"condition": map[string]any{"all": true}, "actions": []map[string]any{c.sendEmail()}}).ok(422).into(&p)
			if len(p.Errors) != 1 || p.Errors[0].Path != tc.path || p.Errors[0].Code != tc.code || p.Errors[0].Message != want {
				t.Errorf("%s in %s: %+v, want %s %s %q", tc.name, lang, p.Errors, tc.path, tc.code, want)
			}
		}
	}
}

// A custom date field with calendar "lunar" holds lunar dates: a care flow
// on the anniversary of "ngay_gio" (a giỗ on the 15th of the 8th lunar
// month, entered as 2024-08-15) sends its email on the solar day of 15/8
// each year, 6 October 2025 (a year that repeats its 6th month) and 25
// September 2026, not on 15 August; the flow needs no calendar of its own.
// {{ngay_gio}} shows "15/8 Âm lịch".
func TestLunarFieldCareFlow(t *testing.T) {
	c := newLunarCare(t, 2025, time.October, 2)
	var f struct{ Key, Type, Calendar string }
	c.admin.do("POST", "/v1/fields", map[string]any{"key": "ngay_gio", "label": "Ngày giỗ", "type": "date", "calendar": "lunar"}).ok(201).into(&f)
	if f.Key != "ngay_gio" || f.Type != "date" || f.Calendar != "lunar" {
		t.Fatalf("field %+v", f)
	}
	c.admin.do("GET", "/v1/fields/ngay_gio", nil).ok(200).into(&f)
	if f.Calendar != "lunar" {
		t.Fatalf("field read back %+v", f)
	}
	tpl := c.admin.create("/v1/templates/email", map[string]any{"name": "Ngày giỗ",
		"subject": "Giỗ {{ngay_gio}}", "body": "Kính gửi {{name}}, ngày giỗ {{ngay_gio}} của gia đình."})
	c.customer("Đỗ Minh Anh", "", map[string]any{"email": "anh@khach.vn", "fields": map[string]any{"ngay_gio": "2024-08-15"}})
	c.customer("Vũ Thị Bảo", "", map[string]any{"email": "bao@khach.vn", "fields": map[string]any{"ngay_gio": "2024-08-18"}})
	c.flow(map[string]any{"module": "customers", "name": "Nhắc ngày giỗ",
		"when":      map[string]any{"type": "anniversary", "field": "ngay_gio", "offset_days": 0, "at": "08:00"},
		"condition": map[string]any{"all": true},
		"actions":   []map[string]any{{"type": "send_email", "template_id": tpl, "to_fields": []string{"email"}}}})

	for _, tc := range []struct {
		y    int
		m    time.Month
		d    int
		want []string
	}{
		{2025, time.October, 5, nil},
		{2025, time.October, 6, []string{"anh@khach.vn"}},
		{2025, time.October, 7, nil},
		{2026, time.August, 15, nil}, // the solar 15 August
		{2026, time.September, 24, nil},
		{2026, time.September, 25, []string{"anh@khach.vn"}},
		{2026, time.September, 26, nil},
	} {
		if got := c.sendsOn(tc.y, tc.m, tc.d); !slices.Equal(got, tc.want) {
			t.Fatalf("%d-%02d-%02d: emails to %v, want %v", tc.y, tc.m, tc.d, got, tc.want)
		}
	}
	for _, m := range c.outbox() {
		if m.Subject != "Giỗ 15/8 Âm lịch" || m.Body != "Kính gửi Đỗ Minh Anh, ngày giỗ 15/8 Âm lịch của gia đình." {
			t.Fatalf("email %q / %q", m.Subject, m.Body)
		}
	}
}

// A lunar field refuses what is not a lunar date (day 30 is one in every
// month), and a lunar calendar on anything but a date field, in vi and en.
func TestLunarFieldValidation(t *testing.T) {
	c := newLunarCare(t, 2026, time.November, 23)
	c.admin.create("/v1/fields", map[string]any{"key": "ngay_gio", "label": "Ngày giỗ", "type": "date", "calendar": "lunar"})
	c.customer("Đỗ Minh Anh", "", map[string]any{"fields": map[string]any{"ngay_gio": "2026-02-30"}})
	type problems struct {
		Errors []struct{ Path, Code, Message string }
	}
	for _, tc := range []struct {
		name, method, path string
		body               map[string]any
		at, code, vi, en   string
	}{
		{"day 31", "POST", "/v1/customers", map[string]any{"name": "B", "fields": map[string]any{"ngay_gio": "2024-08-31"}},
			"fields.ngay_gio", "invalid_lunar_date", "Ngày âm lịch không hợp lệ (định dạng YYYY-MM-DD, tháng 1–12, ngày 1–30).", "Not a valid lunar date (YYYY-MM-DD, month 1–12, day 1–30)."},
		{"month 13", "POST", "/v1/customers", map[string]any{"name": "B", "fields": map[string]any{"ngay_gio": "2024-13-01"}},
			"fields.ngay_gio", "invalid_lunar_date", "Ngày âm lịch không hợp lệ (định dạng YYYY-MM-DD, tháng 1–12, ngày 1–30).", "Not a valid lunar date (YYYY-MM-DD, month 1–12, day 1–30)."},
		{"a text field", "POST", "/v1/fields", map[string]any{"key": "ghi_chu", "label": "Ghi chú", "type": "text", "calendar": "lunar"},
			"calendar", "lunar_calendar_only_for_date", "Chỉ trường kiểu ngày (date) mới dùng được âm lịch.", "Only a date field can use the lunar calendar."},
		{"another calendar", "POST", "/v1/fields", map[string]any{"key": "ngay_le", "label": "Ngày lễ", "type": "date", "calendar": "julian"},
			"calendar", "invalid_calendar", "Lịch \"julian\" không hợp lệ: chọn solar (dương lịch) hoặc lunar (âm lịch).", "\"julian\" is not a calendar: use solar or lunar."},
		{"changing it", "PATCH", "/v1/fields/ngay_gio", map[string]any{"calendar": "solar"},
			"calendar", "read_only", "", ""},
	} {
		for lang, want := range map[string]string{"vi": tc.vi, "en": tc.en} {
			var p problems
			in := *c.admin
			in.lang = lang
			in.do(tc.method, tc.path, tc.body).ok(422).into(&p)
			if len(p.Errors) != 1 || p.Errors[0].Path != tc.at || p.Errors[0].Code != tc.code || (want != "" && p.Errors[0].Message != want) {
				t.Errorf("%s in %s: %+v, want %s %s %q", tc.name, lang, p.Errors, tc.at, tc.code, want)
			}
		}
	}
}

// An export writes a lunar field's value as entered: 30/2 is a lunar day
// (no solar February has one) and 15/8 is not 15 August.
func TestLunarFieldExport(t *testing.T) {
	c := newLunarCare(t, 2026, time.November, 23)
	c.admin.create("/v1/fields", map[string]any{"key": "ngay_gio", "label": "Ngày giỗ", "type": "date", "calendar": "lunar"})
	c.customer("Đỗ Minh Anh", "", map[string]any{"fields": map[string]any{"ngay_gio": "2025-02-30"}})
	c.customer("Vũ Thị Bảo", "", map[string]any{"fields": map[string]any{"ngay_gio": "2024-08-15"}})
	c.admin.do("PUT", "/v1/settings/list", map[string]any{"columns": []string{"name", "ngay_gio"}, "sort": "name"}).ok(200)
	for _, format := range []string{"csv", "xlsx"} {
		header, rows := readSheet(t, c.admin.export(t, "?format="+format).body)
		got := map[string]string{}
		for _, r := range rows {
			got[r[0]] = r[1]
		}
		want := map[string]string{"Đỗ Minh Anh": "2025-02-30", "Vũ Thị Bảo": "2024-08-15"}
		if !slices.Equal(header, []string{"Tên khách hàng", "Ngày giỗ"}) || len(rows) != 2 || !maps.Equal(got, want) {
			t.Errorf("%s: %q %q, want %v", format, header, rows, want)
		}
	}
}
