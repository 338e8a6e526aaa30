package careflow

import (
	"testing"

	"tend/internal/domain"
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
