package rules_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/rules"
)

var hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

func ptr(t time.Time) *time.Time { return &t }

func testSchema() *rules.Schema {
	custom := []domain.FieldDef{
		{Key: "customer_type", Type: domain.TypeSelect, Options: []string{"VIP", "Thường"}},
		{Key: "interests", Type: domain.TypeMultiSelect, Options: []string{"golf", "wine", "travel"}},
		{Key: "score", Type: domain.TypeNumber},
		{Key: "contract_date", Type: domain.TypeDate},
		{Key: "called_at", Type: domain.TypeDateTime},
		{Key: "is_partner", Type: domain.TypeBoolean},
		{Key: "account_manager", Type: domain.TypeUser},
		{Key: "alt_phone", Type: domain.TypePhone},
	}
	pipelines := []domain.Pipeline{{ID: "pl_sales", Steps: []domain.Step{{ID: "st_new"}, {ID: "st_won"}, {ID: "st_lost"}}}}
	return rules.NewSchema(custom, pipelines).WithUsers([]string{"u_a", "u_b"}).WithWarehouses([]string{"wh_fb"})
}

// now is 2026-06-15 09:00 in Hồ Chí Minh City.
var now = time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)

func testCustomer() *domain.Customer {
	return &domain.Customer{
		ID: "c1", Code: "KH000001", Name: "Nguyễn Văn Ánh", Phone: "+84912345678", Email: "anh@example.vn",
		OfficeAddress: "12 Lê Lợi, Quận 1", Birthday: domain.Date{Year: 1990, Month: 6, Day: 15},
		FoundingDate: domain.Date{Year: 2012, Month: 6, Day: 20},
		OwnerID:      "u_a", WarehouseID: "wh_fb", Source: "Facebook", Tags: []string{"Khách Quen", "hà nội"},
		Revenue: 3_500_000, LastCareAt: ptr(now.AddDate(0, 0, -31)), NextAppointmentAt: ptr(now.Add(5 * time.Hour)),
		CreatedAt: now.AddDate(0, -2, 0), UpdatedAt: now,
		Pipelines: map[string]string{"pl_sales": "st_won"},
		Fields: domain.Values{
			"customer_type": "VIP", "interests": []string{"golf", "wine"}, "score": 7.5,
			"contract_date": "2026-06-10", "called_at": "2026-06-14T17:30:00Z", "is_partner": true,
			"account_manager": "u_b", "alt_phone": "+84381234567",
		},
	}
}

func cond(field, op string, value any) rules.Condition {
	c := rules.Condition{Field: field, Op: op}
	if value != nil {
		c.Value, _ = json.Marshal(value)
	}
	return c
}

func TestOperators(t *testing.T) {
	s := testSchema()
	env := rules.NewEnv(now, hcm)
	tests := []struct {
		c    rules.Condition
		want bool
	}{
		// text: case and accents ignored
		{cond("name", "eq", "nguyen van anh"), true},
		{cond("name", "eq", "NGUYỄN  VĂN ÁNH"), true},
		{cond("name", "eq", "nguyen van"), false},
		{cond("name", "ne", "nguyen van"), true},
		{cond("name", "contains", "van a"), true},
		{cond("name", "not_contains", "văn"), false},
		{cond("name", "starts_with", "nguyen"), true},
		{cond("name", "ends_with", "ANH"), true},
		{cond("name", "ends_with", "van"), false},
		{cond("office_address", "contains", "le loi"), true},
		{cond("name", "in", []string{"Trần B", "nguyễn văn ánh"}), true},
		{cond("name", "not_in", []string{"Trần B"}), true},
		{cond("description", "empty", nil), true},
		{cond("name", "not_empty", nil), true},
		{cond("email", "eq", "ANH@example.vn"), true},
		// phone: whole numbers in E.164, fragments by digits
		{cond("phone", "eq", "0912 345 678"), true},
		{cond("phone", "ne", "0912 345 679"), true},
		{cond("phone", "contains", "0912"), true},
		{cond("phone", "contains", "345 678"), true},
		{cond("phone", "starts_with", "0912"), true},
		{cond("phone", "ends_with", "678"), true},
		{cond("alt_phone", "eq", "0168 123 4567"), true}, // legacy prefix
		{cond("phone", "in", []string{"0912345678", "0909000000"}), true},
		// numbers and money
		{cond("revenue", "gt", 3_000_000), true},
		{cond("revenue", "gt", 3_500_000), false},
		{cond("revenue", "gte", 3_500_000), true},
		{cond("revenue", "lt", 4_000_000), true},
		{cond("revenue", "lte", 3_000_000), false},
		{cond("revenue", "eq", 3_500_000), true},
		{cond("revenue", "between", []int{3_000_000, 4_000_000}), true},
		{cond("score", "ne", 7), true},
		{cond("score", "empty", nil), false},
		// dates (local days in the workspace zone)
		{cond("birthday", "anniversary_today", nil), true},
		{cond("founding_date", "anniversary_today", nil), false},
		{cond("founding_date", "anniversary_within_days", 5), true},
		{cond("founding_date", "anniversary_within_days", 4), false},
		{cond("birthday", "before", "1991-01-01"), true},
		{cond("birthday", "after", "1990-06-15"), false},
		{cond("birthday", "on", "1990-06-15"), true},
		{cond("birthday", "between", []string{"1990-01-01", "1990-12-31"}), true},
		{cond("contract_date", "within_last_days", 5), true},
		{cond("contract_date", "within_last_days", 4), false},
		{cond("contract_date", "older_than_days", 4), true},
		{cond("contract_date", "older_than_days", 5), false},
		{cond("last_care_at", "older_than_days", 30), true},
		{cond("last_care_at", "older_than_days", 31), false},
		{cond("next_appointment_at", "is_today", nil), true},
		{cond("next_appointment_at", "within_next_days", 0), true},
		{cond("last_order_at", "empty", nil), true},
		{cond("created_at", "within_last_days", 30), false},
		// 17:30 UTC on the 14th is 00:30 on the 15th in Hồ Chí Minh City.
		{cond("called_at", "is_today", nil), true},
		{cond("called_at", "before", "2026-06-14T18:00:00Z"), true},
		{cond("called_at", "after", "2026-06-14"), true},
		// selects, users, warehouses
		{cond("customer_type", "eq", "VIP"), true},
		{cond("customer_type", "ne", "VIP"), false},
		{cond("customer_type", "in", []string{"Thường", "VIP"}), true},
		{cond("customer_type", "not_in", []string{"Thường"}), true},
		{cond("owner_id", "eq", "u_a"), true},
		{cond("owner", "in", []string{"u_b"}), false},
		{cond("account_manager", "eq", "u_b"), true},
		{cond("warehouse_id", "eq", "wh_fb"), true},
		// multiselect and tags
		{cond("interests", "has_any", []string{"travel", "wine"}), true},
		{cond("interests", "has_all", []string{"golf", "wine"}), true},
		{cond("interests", "has_all", []string{"golf", "travel"}), false},
		{cond("interests", "has_none", []string{"travel"}), true},
		{cond("tags", "has_any", []string{"khach quen"}), true},
		{cond("tags", "has_none", []string{"Hà Nội"}), false},
		{cond("shared_with", "empty", nil), true},
		// booleans
		{cond("is_partner", "eq", true), true},
		{cond("email_opt_out", "eq", false), true},
		{cond("sms_opt_out", "ne", false), false},
		// pipeline steps
		{cond("step:pl_sales", "eq", "st_won"), true},
		{cond("step:pl_sales", "ne", "st_won"), false},
		{cond("step:pl_sales", "in", []string{"st_new", "st_won"}), true},
		{cond("step:pl_sales", "in_pipeline", nil), true},
		{cond("step:pl_sales", "not_in_pipeline", nil), false},
	}
	c := testCustomer()
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %s %s", tc.c.Field, tc.c.Op, tc.c.Value), func(t *testing.T) {
			set, err := rules.Compile(rules.Groups{{tc.c}}, s, "conditions")
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if got := set.Match(c, env); got != tc.want {
				t.Fatalf("Match = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGroupsAreOrOfAnds(t *testing.T) {
	s := testSchema()
	env := rules.NewEnv(now, hcm)
	c := testCustomer()
	groups := rules.Groups{
		{cond("revenue", "gt", 5_000_000), cond("customer_type", "eq", "VIP")}, // false AND true
		{cond("revenue", "gt", 3_000_000), cond("tags", "has_any", []string{"hà nội"})},
	}
	set, err := rules.Compile(groups, s, "conditions")
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	ex := set.Explain(c, env)
	if !ex.Matched || ex.Group != 1 || ex.Results[0][0].Held || !ex.Results[0][1].Held || !ex.Results[1][1].Held {
		t.Fatalf("Explain = %+v", ex)
	}
	if !set.Match(c, env) {
		t.Fatal("Match = false, want true")
	}
	if got := set.Reads(); fmt.Sprint(got) != "[revenue customer_type tags]" {
		t.Fatalf("Reads = %v", got)
	}
	empty, _ := rules.Compile(nil, s, "conditions")
	if !empty.Match(c, env) || !empty.Empty() {
		t.Fatal("no groups must match every customer")
	}
}

func TestLeapDayAnniversary(t *testing.T) {
	s := testSchema()
	c := &domain.Customer{Birthday: domain.Date{Year: 2000, Month: 2, Day: 29}}
	set, err := rules.Compile(rules.Groups{{cond("birthday", "anniversary_today", nil)}}, s, "conditions")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		day  time.Time
		want bool
	}{
		{time.Date(2027, 2, 28, 8, 0, 0, 0, hcm), true},  // not a leap year: the 28th
		{time.Date(2027, 3, 1, 8, 0, 0, 0, hcm), false},  //
		{time.Date(2028, 2, 28, 8, 0, 0, 0, hcm), false}, // leap year: the 29th
		{time.Date(2028, 2, 29, 8, 0, 0, 0, hcm), true},
	}
	for _, tc := range tests {
		if got := set.Match(c, rules.NewEnv(tc.day, hcm)); got != tc.want {
			t.Errorf("on %s: Match = %v, want %v", tc.day.Format("2006-01-02"), got, tc.want)
		}
	}
	within, _ := rules.Compile(rules.Groups{{cond("birthday", "anniversary_within_days", 3)}}, s, "conditions")
	if within.Match(c, rules.NewEnv(time.Date(2026, 12, 30, 8, 0, 0, 0, hcm), hcm)) {
		t.Error("anniversary_within_days 3 matched two months ahead")
	}
	if !within.Match(c, rules.NewEnv(time.Date(2027, 2, 26, 8, 0, 0, 0, hcm), hcm)) {
		t.Error("anniversary_within_days 3 missed 28 Feb from 26 Feb")
	}
}

func TestCompileErrorsNameThePath(t *testing.T) {
	s := testSchema()
	tests := []struct {
		name   string
		groups rules.Groups
		path   string
		code   string
	}{
		{"unknown field", rules.Groups{{cond("nope", "eq", "x")}}, "conditions[0][0].field", "unknown_field"},
		{"operator for another type", rules.Groups{{cond("name", "gt", 3)}}, "conditions[0][0].op", "operator_not_allowed"},
		{"value of the wrong type", rules.Groups{{cond("name", "eq", "a")}, {cond("revenue", "gt", "lots")}}, "conditions[1][0].value", "expected_number"},
		{"missing value", rules.Groups{{cond("revenue", "gt", nil)}}, "conditions[0][0].value", "required"},
		{"not an option", rules.Groups{{cond("customer_type", "eq", "Gold")}}, "conditions[0][0].value", "not_an_option"},
		{"bad option in a list", rules.Groups{{cond("interests", "has_any", []string{"golf", "chess"})}}, "conditions[0][0].value[1]", "not_an_option"},
		{"bad date", rules.Groups{{cond("birthday", "before", "2026-02-30")}}, "conditions[0][0].value", "invalid_date"},
		{"negative days", rules.Groups{{cond("last_care_at", "older_than_days", -1)}}, "conditions[0][0].value", "expected_days"},
		{"fractional days", rules.Groups{{cond("last_care_at", "older_than_days", 1.5)}}, "conditions[0][0].value", "expected_days"},
		{"reversed range", rules.Groups{{cond("revenue", "between", []int{5, 1})}}, "conditions[0][0].value", "range_reversed"},
		{"unknown user", rules.Groups{{cond("owner_id", "eq", "u_zz")}}, "conditions[0][0].value", "unknown_user"},
		{"unknown pipeline", rules.Groups{{cond("step:pl_x", "eq", "st_new")}}, "conditions[0][0].field", "unknown_pipeline"},
		{"unknown step", rules.Groups{{cond("step:pl_sales", "eq", "st_x")}}, "conditions[0][0].value", "unknown_step"},
		{"empty group", rules.Groups{{}}, "conditions[0]", "empty_group"},
		{"bad phone", rules.Groups{{cond("phone", "eq", "12")}}, "conditions[0][0].value", "invalid_phone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.Compile(tc.groups, s, "conditions")
			var e *domain.Error
			if !errors.As(err, &e) || !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("err = %v, want a validation error", err)
			}
			if len(e.Fields) != 1 || e.Fields[0].Path != tc.path || e.Fields[0].Code != tc.code {
				t.Fatalf("fields = %+v, want one at %s with %s", e.Fields, tc.path, tc.code)
			}
		})
	}
}

func TestParseGroups(t *testing.T) {
	tests := []struct {
		in      string
		n       int
		errPath string
	}{
		{`[]`, 0, ""},
		{``, 0, ""},
		{`[[{"field":"revenue","op":"gt","value":3000000}],[{"field":"name","op":"empty"}]]`, 2, ""},
		{`{"field":"x"}`, 0, "filter"},
		{`[{"field":"x"}]`, 0, "filter[0]"},
		{`[[{"field":"x","op":"eq","value":1,"extra":true}]]`, 0, "filter[0][0]"},
		{`[[1]]`, 0, "filter[0][0]"},
	}
	for _, tc := range tests {
		groups, err := rules.ParseGroups([]byte(tc.in), "filter")
		if tc.errPath == "" {
			if err != nil || len(groups) != tc.n {
				t.Errorf("ParseGroups(%s) = %d groups, %v", tc.in, len(groups), err)
			}
			continue
		}
		var e *domain.Error
		if !errors.As(err, &e) || e.Fields[0].Path != tc.errPath {
			t.Errorf("ParseGroups(%s) err = %v, want one at %s", tc.in, err, tc.errPath)
		}
	}
}

// FuzzParseCompile: no input makes the parser or compiler panic, every
// refusal is a validation error with a path, and what compiles evaluates.
func FuzzParseCompile(f *testing.F) {
	for _, seed := range []string{
		`[[{"field":"revenue","op":"gt","value":3000000}]]`,
		`[[{"field":"name","op":"contains","value":"văn"},{"field":"birthday","op":"anniversary_within_days","value":7}]]`,
		`[[{"field":"step:pl_sales","op":"in","value":["st_new"]}],[{"field":"tags","op":"has_all","value":["a"]}]]`,
		`[[{"field":"last_care_at","op":"older_than_days","value":30}]]`,
		`[[{"field":"revenue","op":"between","value":[1,2]}]]`,
		`[[{"field":"phone","op":"eq","value":"0168 123 4567"}]]`,
		`[[]]`, `[`, `null`, `[[{"field":"x"}]]`,
	} {
		f.Add([]byte(seed))
	}
	s := testSchema()
	c := testCustomer()
	env := rules.NewEnv(now, hcm)
	f.Fuzz(func(t *testing.T, raw []byte) {
		groups, err := rules.ParseGroups(raw, "filter")
		if err != nil {
			var e *domain.Error
			if !errors.As(err, &e) || len(e.Fields) == 0 {
				t.Fatalf("ParseGroups error without a path: %v", err)
			}
			return
		}
		set, err := rules.Compile(groups, s, "filter")
		if err != nil {
			var e *domain.Error
			if !errors.As(err, &e) || len(e.Fields) == 0 || e.Fields[0].Path == "" {
				t.Fatalf("Compile error without a path: %v", err)
			}
			return
		}
		got := set.Match(c, env)
		if ex := set.Explain(c, env); ex.Matched != got {
			t.Fatalf("Explain says %v, Match says %v", ex.Matched, got)
		}
		set.Match(&domain.Customer{}, env) // an empty customer never panics
	})
}

// A customer born on 3 October 1990, the 15th of the 8th lunar month, keeps
// the lunar birthday on 6 October 2025 (the year repeats the 6th month)
// and on 25 September 2026; one born on 31 March 2023, the 10th of the
// leap 2nd month, keeps it on the ordinary 2nd month of 2024 (19 March).
func TestLunarAnniversary(t *testing.T) {
	s := testSchema()
	today, err := rules.Compile(rules.Groups{{cond("birthday", "lunar_anniversary_today", nil)}}, s, "conditions")
	if err != nil {
		t.Fatal(err)
	}
	within, err := rules.Compile(rules.Groups{{cond("birthday", "lunar_anniversary_within_days", 3)}}, s, "conditions")
	if err != nil {
		t.Fatal(err)
	}
	trungThu := &domain.Customer{Birthday: domain.Date{Year: 1990, Month: 10, Day: 3}}
	leapBorn := &domain.Customer{Birthday: domain.Date{Year: 2023, Month: 3, Day: 31}}
	checkMatches(t, []matchCase{
		{"on the day, 2025", today, trungThu, time.Date(2025, 10, 6, 8, 0, 0, 0, hcm), true},
		{"on the day, 2026", today, trungThu, time.Date(2026, 9, 25, 8, 0, 0, 0, hcm), true},
		{"not on the solar birthday", today, trungThu, time.Date(2026, 10, 3, 8, 0, 0, 0, hcm), false},
		{"the day before", today, trungThu, time.Date(2026, 9, 24, 8, 0, 0, 0, hcm), false},
		{"within 3 days, 3 days before", within, trungThu, time.Date(2026, 9, 22, 8, 0, 0, 0, hcm), true},
		{"within 3 days, 4 days before", within, trungThu, time.Date(2026, 9, 21, 8, 0, 0, 0, hcm), false},
		{"within 3 days, across the lunar new year", within, &domain.Customer{Birthday: domain.Date{Year: 1980, Month: 2, Day: 16}},
			time.Date(2027, 2, 4, 8, 0, 0, 0, hcm), true}, // born on Tết 1980; Tết 2027 is 6 February
		{"leap month born, a year without it", today, leapBorn, time.Date(2024, 3, 19, 8, 0, 0, 0, hcm), true},
		{"leap month born, the solar date", today, leapBorn, time.Date(2024, 3, 31, 8, 0, 0, 0, hcm), false},
	})
}

// A custom date field with calendar "lunar" holds lunar dates: its plain
// and lunar anniversary operators both look for the day with the value's
// lunar month and day (a giỗ on 15/8 is kept on 25 September 2026, not on
// 15 August); a day 30 is kept on day 29 in a year whose month has 29 days.
// The same text in a solar field keeps the solar anniversary.
func TestLunarFieldAnniversary(t *testing.T) {
	s := rules.NewSchema([]domain.FieldDef{
		{Key: "ngay_gio", Type: domain.TypeDate, Calendar: domain.CalendarLunar},
		{Key: "ngay_cuoi", Type: domain.TypeDate},
	}, nil)
	compile := func(field, op string, v any) *rules.Set {
		set, err := rules.Compile(rules.Groups{{cond(field, op, v)}}, s, "conditions")
		if err != nil {
			t.Fatal(err)
		}
		return set
	}
	today, lunarToday := compile("ngay_gio", "anniversary_today", nil), compile("ngay_gio", "lunar_anniversary_today", nil)
	within := compile("ngay_gio", "anniversary_within_days", 3)
	solarToday := compile("ngay_cuoi", "anniversary_today", nil)
	gio := func(v string) *domain.Customer {
		return &domain.Customer{Fields: domain.Values{"ngay_gio": v, "ngay_cuoi": v}}
	}
	rằm8, day30 := gio("2024-08-15"), gio("2025-02-30")
	checkMatches(t, []matchCase{
		{"15/8, 2025", today, rằm8, time.Date(2025, 10, 6, 8, 0, 0, 0, hcm), true},
		{"15/8, 2026", today, rằm8, time.Date(2026, 9, 25, 8, 0, 0, 0, hcm), true},
		{"15/8 with the lunar operator", lunarToday, rằm8, time.Date(2026, 9, 25, 8, 0, 0, 0, hcm), true},
		{"not on the solar 15 August", today, rằm8, time.Date(2026, 8, 15, 8, 0, 0, 0, hcm), false},
		{"the day before", today, rằm8, time.Date(2026, 9, 24, 8, 0, 0, 0, hcm), false},
		{"within 3 days", within, rằm8, time.Date(2026, 9, 22, 8, 0, 0, 0, hcm), true},
		{"within 3 days, 4 days before", within, rằm8, time.Date(2026, 9, 21, 8, 0, 0, 0, hcm), false},
		{"30/2 in a 29-day 2nd month (2026)", today, day30, time.Date(2026, 4, 16, 8, 0, 0, 0, hcm), true},
		{"30/2 in a 30-day 2nd month (2027)", today, day30, time.Date(2027, 4, 6, 8, 0, 0, 0, hcm), true},
		{"29/2 of 2027 is not 30/2", today, day30, time.Date(2027, 4, 5, 8, 0, 0, 0, hcm), false},
		{"a solar field keeps 15 August", solarToday, rằm8, time.Date(2026, 8, 15, 8, 0, 0, 0, hcm), true},
	})
}

// matchCase is a customer that a set matches, or not, on a day in Hồ Chí
// Minh City.
type matchCase struct {
	name string
	set  *rules.Set
	c    *domain.Customer
	day  time.Time
	want bool
}

func checkMatches(t *testing.T, tests []matchCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.set.Match(tc.c, rules.NewEnv(tc.day, hcm)); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
		})
	}
}
