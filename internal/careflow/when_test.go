package careflow

import (
	"testing"

	"tend/internal/domain"
	"tend/internal/lunar"
)

func date(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Which records a flow acts on, on which day, for which occurrence.
func TestOccurrence(t *testing.T) {
	anniversary := func(offset int, window string) When {
		return When{Type: WhenAnniversary, Field: "birthday", OffsetDays: offset, At: "08:00", Window: window}
	}
	lunarAnniversary := func(offset int, window string) When {
		w := anniversary(offset, window)
		w.Calendar = CalendarLunar
		return w
	}
	cases := []struct {
		name    string
		when    When
		field   string // "" for no date
		day     string
		wantOcc string
		wantDue bool
	}{
		{"birthday today", anniversary(0, "day"), "1990-11-23", "2026-11-23", "2026-11-23", true},
		{"birthday tomorrow", anniversary(0, "day"), "1990-11-24", "2026-11-23", "2026-11-24", false},
		{"no birthday", anniversary(0, "day"), "", "2026-11-23", "", false},
		{"three days before", anniversary(-3, "day"), "1990-11-26", "2026-11-23", "2026-11-26", true},
		{"two days after", anniversary(2, "day"), "1990-11-21", "2026-11-23", "2026-11-21", true},
		{"29 Feb on 28 Feb in a common year", anniversary(0, "day"), "2000-02-29", "2027-02-28", "2027-02-28", true},
		{"29 Feb not on 1 Mar", anniversary(0, "day"), "2000-02-29", "2027-03-01", "", false},
		{"29 Feb on 29 Feb in a leap year", anniversary(0, "day"), "2000-02-29", "2028-02-29", "2028-02-29", true},
		{"offset across the new year", anniversary(-3, "day"), "1990-01-02", "2026-12-30", "2027-01-02", true},
		{"week: Sunday of this week", anniversary(0, "week"), "1990-11-29", "2026-11-23", "2026-11-29", true},
		{"week: next Monday is not this week", anniversary(0, "week"), "1990-11-30", "2026-11-27", "", false},
		{"week −3 on Friday: next week's Sunday", anniversary(-3, "week"), "1990-12-06", "2026-11-27", "2026-12-06", true},
		{"week across the new year", anniversary(0, "week"), "1990-01-01", "2026-12-29", "2027-01-01", true},
		{"date: on the day", When{Type: WhenDate, Field: "contract_end", At: "08:00"}, "2026-11-23", "2026-11-23", "2026-11-23", true},
		{"date: a year later is not it", When{Type: WhenDate, Field: "contract_end", At: "08:00"}, "2025-11-23", "2026-11-23", "2025-11-23", false},
		{"date: a week before", When{Type: WhenDate, Field: "contract_end", OffsetDays: -7, At: "08:00"}, "2026-11-30", "2026-11-23", "2026-11-30", true},
		{"schedule: every record, the day's occurrence", When{Type: WhenSchedule, Every: "day", At: "08:00"}, "", "2026-11-23", "2026-11-23", true},
		// Born 3 October 1990, the 15th of the 8th lunar month.
		{"lunar birthday 2025", lunarAnniversary(0, "day"), "1990-10-03", "2025-10-06", "2025-10-06", true},
		{"lunar birthday 2026", lunarAnniversary(0, "day"), "1990-10-03", "2026-09-25", "2026-09-25", true},
		{"lunar: not on the solar date", lunarAnniversary(0, "day"), "1990-10-03", "2026-10-03", "", false},
		{"lunar: three days before", lunarAnniversary(-3, "day"), "1990-10-03", "2025-10-03", "2025-10-06", true},
		{"lunar: in the week", lunarAnniversary(0, "week"), "1990-10-03", "2026-09-21", "2026-09-25", true},
		{"lunar date: every record on its day", When{Type: WhenLunarDate, Month: 1, Day: 1, At: "08:00"}, "", "2027-02-06", "2027-02-06", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var d domain.Date
			if tc.field != "" {
				d = date(tc.field)
			}
			occ, due := tc.when.occurrence(d, tc.field != "", date(tc.day))
			if due != tc.wantDue || (due && occ != tc.wantOcc) {
				t.Fatalf("occurrence = %q, %v; want %q, %v", occ, due, tc.wantOcc, tc.wantDue)
			}
		})
	}
}

// A custom field with calendar "lunar" holds a lunar date (a giỗ on 15/8,
// one on 30/2): its anniversaries are lunar with or without the flow's
// calendar, day 30 falling on day 29 in a year whose month has 29 days;
// a "date" flow acts on the solar day the lunar date fell on.
func TestLunarFieldOccurrence(t *testing.T) {
	solar := When{Type: WhenAnniversary, Field: "ngay_gio", At: "08:00", Window: "day"}
	lunarCal := solar
	lunarCal.Calendar = CalendarLunar
	before := solar
	before.OffsetDays = -3
	week := solar
	week.Window = "week"
	cases := []struct {
		name    string
		when    When
		value   string
		day     string
		wantOcc string
		wantDue bool
	}{
		{"15/8 in 2025", solar, "2024-08-15", "2025-10-06", "2025-10-06", true},
		{"15/8 in 2026", solar, "2024-08-15", "2026-09-25", "2026-09-25", true},
		{"15/8 with calendar lunar", lunarCal, "2024-08-15", "2026-09-25", "2026-09-25", true},
		{"not on the solar 15 August", solar, "2024-08-15", "2026-08-15", "", false},
		{"three days before", before, "2024-08-15", "2026-09-22", "2026-09-25", true},
		{"in the week", week, "2024-08-15", "2026-09-21", "2026-09-25", true},
		{"30/2 on 29/2 in 2026", solar, "2025-02-30", "2026-04-16", "2026-04-16", true},
		{"30/2 on 30/2 in 2027", solar, "2025-02-30", "2027-04-06", "2027-04-06", true},
		{"not 29/2 in 2027", solar, "2025-02-30", "2027-04-05", "", false},
		{"date: the solar day of 15/8/2026", When{Type: WhenDate, Field: "ngay_gio", At: "08:00"}, "2026-08-15", "2026-09-25", "2026-09-25", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ld, err := lunar.Parse(tc.value)
			if err != nil {
				t.Fatal(err)
			}
			occ, due := tc.when.lunarOccurrence(ld, date(tc.day))
			if due != tc.wantDue || (due && occ != tc.wantOcc) {
				t.Fatalf("lunarOccurrence = %q, %v; want %q, %v", occ, due, tc.wantOcc, tc.wantDue)
			}
		})
	}
}

// Schedules run on their day: every day, Mondays, the 1st.
func TestScheduleDays(t *testing.T) {
	cases := []struct {
		every, day string
		want       bool
	}{
		{"day", "2026-11-24", true},
		{"week", "2026-11-23", true}, {"week", "2026-11-24", false},
		{"month", "2026-12-01", true}, {"month", "2026-11-30", false},
	}
	for _, tc := range cases {
		if got := (When{Type: WhenSchedule, Every: tc.every}).dueOn(date(tc.day)); got != tc.want {
			t.Errorf("every %s on %s: %v, want %v", tc.every, tc.day, got, tc.want)
		}
	}
}

// Fixed lunar dates run on their day: Tết (1/1) yearly, rằm (15) monthly,
// day 30 on day 29 in a 29-day month.
func TestLunarDateDays(t *testing.T) {
	tet := When{Type: WhenLunarDate, Month: 1, Day: 1}
	cases := []struct {
		name string
		when When
		day  string
		want bool
	}{
		{"Tết 2007 in Vietnam", tet, "2007-02-17", true},
		{"Tết 2007 in China is not", tet, "2007-02-18", false},
		{"Tết 2027", tet, "2027-02-06", true},
		{"Tết 2028", tet, "2028-01-26", true},
		{"the day before Tết", tet, "2028-01-25", false},
		{"the eve of Tết: offset −1", When{Type: WhenLunarDate, Month: 1, Day: 1, OffsetDays: -1}, "2028-01-25", true},
		{"rằm of the 10th month", When{Type: WhenLunarDate, Day: 15}, "2026-11-23", true},
		{"rằm of the 11th month", When{Type: WhenLunarDate, Day: 15}, "2026-12-23", true},
		{"not rằm", When{Type: WhenLunarDate, Day: 15}, "2026-11-24", false},
		{"day 30 of a 29-day month: its 29th", When{Type: WhenLunarDate, Month: 12, Day: 30}, "2026-02-16", true},
	}
	for _, tc := range cases {
		if got := tc.when.dueOn(date(tc.day)); got != tc.want {
			t.Errorf("%s: dueOn(%s) = %v, want %v", tc.name, tc.day, got, tc.want)
		}
	}
}
