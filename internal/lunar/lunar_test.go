package lunar_test

import (
	"fmt"
	"testing"
	"time"

	"tend/internal/lunar"
)

// tetDates holds the first day of the first lunar month in Vietnam, taken
// from Hồ Ngọc Đức's precomputed year tables for 1900–2199 (his "amlich"
// tables TK19–TK22, computed with more precise astronomy than the abridged
// series this package uses; read through the npm package @dqcai/vn-lunar
// 1.0.1, which exports tables by those names). The two years where
// the Chinese calendar differs, 1985-01-21 and 2007-02-17, are among them.
var tetDates = map[int]string{
	1900: "1900-01-31", 1910: "1910-02-10", 1920: "1920-02-20", 1930: "1930-01-30", 1940: "1940-02-08",
	1950: "1950-02-17", 1960: "1960-01-28", 1970: "1970-02-06", 1980: "1980-02-16", 1981: "1981-02-05",
	1982: "1982-01-25", 1983: "1983-02-13", 1984: "1984-02-02", 1985: "1985-01-21", 1986: "1986-02-09",
	1987: "1987-01-29", 1988: "1988-02-17", 1989: "1989-02-06", 1990: "1990-01-27", 1991: "1991-02-15",
	1992: "1992-02-04", 1993: "1993-01-23", 1994: "1994-02-10", 1995: "1995-01-31", 1996: "1996-02-19",
	1997: "1997-02-07", 1998: "1998-01-28", 1999: "1999-02-16", 2000: "2000-02-05", 2001: "2001-01-24",
	2002: "2002-02-12", 2003: "2003-02-01", 2004: "2004-01-22", 2005: "2005-02-09", 2006: "2006-01-29",
	2007: "2007-02-17", 2008: "2008-02-07", 2009: "2009-01-26", 2010: "2010-02-14", 2011: "2011-02-03",
	2012: "2012-01-23", 2013: "2013-02-10", 2014: "2014-01-31", 2015: "2015-02-19", 2016: "2016-02-08",
	2017: "2017-01-28", 2018: "2018-02-16", 2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12",
	2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17",
	2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-02", 2031: "2031-01-23",
	2032: "2032-02-11", 2033: "2033-01-31", 2034: "2034-02-19", 2035: "2035-02-08", 2036: "2036-01-28",
	2037: "2037-02-15", 2038: "2038-02-04", 2039: "2039-01-24", 2040: "2040-02-12", 2041: "2041-02-01",
	2042: "2042-01-22", 2043: "2043-02-10", 2044: "2044-01-30", 2045: "2045-02-17", 2046: "2046-02-06",
	2047: "2047-01-26", 2048: "2048-02-14", 2049: "2049-02-02", 2050: "2050-01-23", 2060: "2060-02-02",
	2070: "2070-02-11", 2080: "2080-01-22", 2090: "2090-01-30", 2100: "2100-02-09"}

func solar(y int, m time.Month, d int) string { return fmt.Sprintf("%04d-%02d-%02d", y, m, d) }

func TestTetDates(t *testing.T) {
	if len(tetDates) != 84 { // 1980–2050 every year, and 1900–2100 by decades
		t.Fatalf("the table has %d years", len(tetDates))
	}
	for year, want := range tetDates {
		y, m, d, ok := lunar.ToSolar(lunar.Date{Year: year, Month: 1, Day: 1})
		if !ok || solar(y, m, d) != want {
			t.Errorf("Tết %d: got %s (ok %v), want %s", year, solar(y, m, d), ok, want)
		}
		var wy, wm, wd int
		fmt.Sscanf(want, "%d-%d-%d", &wy, &wm, &wd)
		if got := lunar.FromSolar(wy, time.Month(wm), wd); got != (lunar.Date{Year: year, Month: 1, Day: 1}) {
			t.Errorf("%s is %v, want 1/1/%d", want, got, year)
		}
	}
}

// In 1985, 2007 and 2030 the new moon falls between 16:00 and 17:00 UTC:
// already the next day at UTC+8, still the same day at UTC+7; so Tết (and
// every date around it) differs between China and Vietnam.
func TestVietnameseAndChineseTetDiffer(t *testing.T) {
	for _, tc := range []struct {
		year           int
		vietnam, china string
	}{
		{1985, "1985-01-21", "1985-02-20"},
		{2007, "2007-02-17", "2007-02-18"},
		{2030, "2030-02-02", "2030-02-03"},
	} {
		y, m, d, _ := lunar.Vietnamese.ToSolar(lunar.Date{Year: tc.year, Month: 1, Day: 1})
		if got := solar(y, m, d); got != tc.vietnam {
			t.Errorf("Vietnamese Tết %d = %s, want %s", tc.year, got, tc.vietnam)
		}
		y, m, d, _ = lunar.Chinese.ToSolar(lunar.Date{Year: tc.year, Month: 1, Day: 1})
		if got := solar(y, m, d); got != tc.china {
			t.Errorf("Chinese New Year %d = %s, want %s", tc.year, got, tc.china)
		}
	}
}

// The leap months of 2000–2050 from the same tables as tetDates.
func TestLeapMonths(t *testing.T) {
	want := map[int]int{2001: 4, 2004: 2, 2006: 7, 2009: 5, 2012: 4, 2014: 9, 2017: 6, 2020: 4,
		2023: 2, 2025: 6, 2028: 5, 2031: 3, 2033: 11, 2036: 6, 2039: 5, 2042: 2, 2044: 7, 2047: 5, 2050: 3}
	for y := 2000; y <= 2050; y++ {
		if got := lunar.Vietnamese.LeapMonth(y); got != want[y] {
			t.Errorf("leap month of %d = %d, want %d", y, got, want[y])
		}
	}
}

func TestConversions(t *testing.T) {
	for _, tc := range []struct {
		solar string
		lunar lunar.Date
	}{
		{"2023-03-22", lunar.Date{Year: 2023, Month: 2, Day: 1, Leap: true}},
		{"2023-04-19", lunar.Date{Year: 2023, Month: 2, Day: 29, Leap: true}},
		{"2025-10-06", lunar.Date{Year: 2025, Month: 8, Day: 15}},
		{"2026-09-26", lunar.Date{Year: 2026, Month: 8, Day: 16}},
		{"2026-11-26", lunar.Date{Year: 2026, Month: 10, Day: 18}},
		{"2026-02-16", lunar.Date{Year: 2025, Month: 12, Day: 29}}, // the eve of Tết 2026 (Bính Ngọ)
		// Before 1968 the calendar was reckoned at UTC+8: Tết 1965 was on
		// 2 February (1 February at UTC+7), the 11th month of 1967 began on
		// 2 December; the switch made the 12th month of 1967 29 days long.
		{"1965-02-02", lunar.Date{Year: 1965, Month: 1, Day: 1}},
		{"1967-12-01", lunar.Date{Year: 1967, Month: 10, Day: 30}},
		{"1967-12-02", lunar.Date{Year: 1967, Month: 11, Day: 1}},
		{"1968-01-28", lunar.Date{Year: 1967, Month: 12, Day: 29}},
		{"1968-01-29", lunar.Date{Year: 1968, Month: 1, Day: 1}},
	} {
		var y, m, d int
		fmt.Sscanf(tc.solar, "%d-%d-%d", &y, &m, &d)
		if got := lunar.FromSolar(y, time.Month(m), d); got != tc.lunar {
			t.Errorf("%s → %v, want %v", tc.solar, got, tc.lunar)
		}
		gy, gm, gd, ok := lunar.ToSolar(tc.lunar)
		if !ok || solar(gy, gm, gd) != tc.solar {
			t.Errorf("%v → %s (ok %v), want %s", tc.lunar, solar(gy, gm, gd), ok, tc.solar)
		}
	}
}

func TestDatesThatDoNotExist(t *testing.T) {
	for _, ld := range []lunar.Date{
		{Year: 2024, Month: 2, Day: 1, Leap: true},  // 2024 repeats no month
		{Year: 2023, Month: 3, Day: 1, Leap: true},  // 2023 repeats the 2nd, not the 3rd
		{Year: 2023, Month: 2, Day: 30, Leap: true}, // the leap 2nd month of 2023 has 29 days
		{Year: 1967, Month: 12, Day: 30},            // the month shortened by the switch to UTC+7
		{Year: 2023, Month: 13, Day: 1},
		{Year: 2023, Month: 1, Day: 0},
	} {
		if _, _, _, ok := lunar.ToSolar(ld); ok {
			t.Errorf("%v converted, want not ok", ld)
		}
	}
}

func TestAnniversary(t *testing.T) {
	for _, tc := range []struct {
		name             string
		year, month, day int
		leap             bool
		want             string
	}{
		{"an ordinary date", 2026, 8, 15, false, "2026-09-25"},
		{"the leap month in a year that repeats it", 2023, 2, 10, true, "2023-03-31"},
		{"the leap month in a year that does not: the ordinary month", 2024, 2, 10, true, "2024-03-19"},
		{"the ordinary month in a year that repeats it stays ordinary", 2023, 2, 10, false, "2023-03-01"},
		{"day 30 in a 30-day month", 2026, 1, 30, false, "2026-03-18"},
		{"day 30 in a 29-day month: day 29", 2026, 2, 30, false, "2026-04-16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y, m, d := lunar.Anniversary(tc.year, tc.month, tc.day, tc.leap)
			if got := solar(y, m, d); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCanChi(t *testing.T) {
	for y, want := range map[int]string{1984: "Giáp Tý", 1985: "Ất Sửu", 2007: "Đinh Hợi", 2024: "Giáp Thìn", 2025: "Ất Tỵ", 2026: "Bính Ngọ", 2027: "Đinh Mùi", 2028: "Mậu Thân", 1900: "Canh Tý"} {
		if got := lunar.CanChi(y); got != want {
			t.Errorf("CanChi(%d) = %q, want %q", y, got, want)
		}
	}
}

// Every day converts to a lunar date that converts back to it, with a day
// in 1–30 and a month in 1–12.
func FuzzRoundTrip(f *testing.F) {
	for _, seed := range []int{0, 1, 5500, 15384, 40000, 73049} {
		f.Add(seed)
	}
	start := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, n int) {
		n %= 109572 // days from 1900-01-01 to 2199-12-31
		if n < 0 {
			n = -n
		}
		day := start.AddDate(0, 0, n)
		ld := lunar.FromSolar(day.Year(), day.Month(), day.Day())
		if ld.Month < 1 || ld.Month > 12 || ld.Day < 1 || ld.Day > 30 {
			t.Fatalf("%s → %v", day.Format(time.DateOnly), ld)
		}
		y, m, d, ok := lunar.ToSolar(ld)
		if !ok || solar(y, m, d) != day.Format(time.DateOnly) {
			t.Fatalf("%s → %v → %s (ok %v)", day.Format(time.DateOnly), ld, solar(y, m, d), ok)
		}
	})
}

// The fuzz seeds cover a handful of days; this walks every day of
// 1900–2100 once.
func TestRoundTripEveryDay(t *testing.T) {
	for day := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() <= 2100; day = day.AddDate(0, 0, 1) {
		ld := lunar.FromSolar(day.Year(), day.Month(), day.Day())
		y, m, d, ok := lunar.ToSolar(ld)
		if !ok || solar(y, m, d) != day.Format(time.DateOnly) {
			t.Fatalf("%s → %v → %s (ok %v)", day.Format(time.DateOnly), ld, solar(y, m, d), ok)
		}
	}
}
