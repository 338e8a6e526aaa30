// Package lunar converts between the Gregorian calendar and the Vietnamese
// lunisolar calendar (âm lịch), computed for UTC+7 as Vietnam has done
// since 1968; days before 1 January 1968 are reckoned at UTC+8 as the
// calendar then was (so are Hồ Ngọc Đức's tables, and a customer born in
// 1960 celebrates the lunar date printed in that year's almanac). It
// depends on nothing but the standard library.
//
// Accuracy: compared day by day with Hồ Ngọc Đức's precomputed year
// tables (more precise astronomy) over 1900–2100, every day from 1926 to
// 2053 agrees; 9 months begin one day apart (in 1906, 1914, 1916, 1920,
// 1925, 2054, 2072, 2077), where a new moon falls within minutes of local
// midnight and the abridged series below cannot tell the day.
package lunar

import (
	"fmt"
	"math"
	"time"
)

// Date is a day of the lunar calendar. Leap marks the leap (intercalary)
// month that repeats Month in years that have one.
type Date struct {
	Year  int
	Month int // 1–12
	Day   int // 1–30
	Leap  bool
}

// Calendar is a lunisolar calendar computed for one time zone.
type Calendar struct {
	z zone
	// Before the Julian day switchDay, dates are reckoned at zone before.
	before    zone
	switchDay int
}

var (
	// Vietnamese is the calendar of Vietnam: new moons and solar terms
	// reckoned at UTC+7 from 1 January 1968, at UTC+8 before.
	Vietnamese = Calendar{z: 7, before: 8, switchDay: julianDay(1968, 1, 1)}
	// Chinese is the same computation at UTC+8. Tend never uses it; it
	// shows (in tests) where the two calendars part, e.g. Tết 1985 and 2007.
	Chinese = Calendar{z: 8}
)

// FromSolar returns the Vietnamese lunar date of the Gregorian day y-m-d.
func FromSolar(y int, m time.Month, d int) Date { return Vietnamese.FromSolar(y, m, d) }

// ToSolar returns the Gregorian day of a Vietnamese lunar date; ok is false
// when the date does not exist (a leap month the year lacks, a day past
// the month's end, a month outside 1–12).
func ToSolar(ld Date) (y int, m time.Month, d int, ok bool) { return Vietnamese.ToSolar(ld) }

// FromSolar returns the lunar date of the Gregorian day y-m-d.
func (c Calendar) FromSolar(y int, m time.Month, d int) Date {
	day := julianDay(y, int(m), d)
	z := c.z
	if day < c.switchDay {
		z = c.before
	}
	return z.fromSolar(day, y)
}

func (z zone) fromSolar(day, y int) Date {
	k := int(math.Floor((float64(day) - newMoonEpoch) / synodicMonth))
	monthStart := z.newMoonDay(k + 1)
	// The mean lunation guessed k; the true new moon can be a day later, so
	// step back until the month has begun. (The published code steps back
	// once only, and answers "day 0" for 7 May 2054.)
	for monthStart > day {
		k--
		monthStart = z.newMoonDay(k + 1)
	}
	a11 := z.month11(y)
	b11 := a11
	var ly int
	if a11 >= monthStart {
		ly = y
		a11 = z.month11(y - 1)
	} else {
		ly = y + 1
		b11 = z.month11(y + 1)
	}
	diff := (monthStart - a11) / 29 // months since the 11th month began
	ld := Date{Day: day - monthStart + 1, Month: diff + 11}
	if b11-a11 > 365 { // 13 months between two 11th months: one is leap
		leapDiff := z.leapMonthOffset(a11)
		if diff >= leapDiff {
			ld.Month = diff + 10
			ld.Leap = diff == leapDiff
		}
	}
	if ld.Month > 12 {
		ld.Month -= 12
	}
	if ld.Month >= 11 && diff < 4 {
		ly--
	}
	ld.Year = ly
	return ld
}

// ToSolar returns the Gregorian day of the lunar date ld; ok is false when
// ld does not exist.
func (c Calendar) ToSolar(ld Date) (y int, m time.Month, d int, ok bool) {
	day, ok := c.z.toSolar(ld)
	if (!ok || day < c.switchDay) && c.switchDay != 0 {
		day, ok = c.before.toSolar(ld)
		ok = ok && day < c.switchDay
	}
	if !ok {
		return 0, 0, 0, false
	}
	y, mm, d := fromJulianDay(day)
	return y, time.Month(mm), d, true
}

// toSolar returns the Julian day number of ld reckoned in zone z.
func (z zone) toSolar(ld Date) (int, bool) {
	start, ok := z.monthStart(ld.Year, ld.Month, ld.Leap)
	if !ok || ld.Day < 1 || ld.Day > z.monthLength(start) {
		return 0, false
	}
	return start + ld.Day - 1, true
}

// LeapMonth returns the month that lunar year y repeats, 0 if none.
// Months 1–10 of year y lie between the 11th months that begin in solar
// years y-1 and y; months 11 and 12 after the one that begins in y.
func (c Calendar) LeapMonth(y int) int {
	z := c.z
	if c.switchDay != 0 && y < 1968 {
		z = c.before
	}
	if m := z.leapMonthAfter(y - 1); m >= 1 && m <= 10 {
		return m
	}
	if m := z.leapMonthAfter(y); m >= 11 {
		return m
	}
	return 0
}

// leapMonthAfter returns the month repeated between the 11th month that
// begins in solar year y and the next, 0 if none.
func (z zone) leapMonthAfter(y int) int {
	a11, b11 := z.month11(y), z.month11(y+1)
	if b11-a11 <= 365 {
		return 0
	}
	return leapMonthNumber(z.leapMonthOffset(a11))
}

// leapMonthNumber turns the leap month's offset from the 11th month (1 for
// the month right after it) into the number of the month it repeats.
func leapMonthNumber(off int) int {
	return mod(off-2-1, 12) + 1
}

// MonthLength returns 29 or 30, the days of the given month of lunar year
// y, or 0 when that month does not exist.
func (c Calendar) MonthLength(y, month int, leap bool) int {
	for n := 30; n >= 29; n-- {
		if _, _, _, ok := c.ToSolar(Date{Year: y, Month: month, Day: n, Leap: leap}); ok {
			return n
		}
	}
	return 0
}

// monthLength returns the days of the month that starts on Julian day
// start: up to the next new moon.
func (z zone) monthLength(start int) int {
	k := int(math.Floor((float64(start)-newMoonEpoch)/synodicMonth + 0.5))
	for _, kk := range []int{k, k + 1, k + 2} {
		if next := z.newMoonDay(kk); next > start {
			return next - start
		}
	}
	return 0
}

// monthStart returns the Julian day number of the first day of the given
// month of lunar year y.
func (z zone) monthStart(y, month int, leap bool) (int, bool) {
	if month < 1 || month > 12 {
		return 0, false
	}
	var a11, b11 int
	if month < 11 {
		a11, b11 = z.month11(y-1), z.month11(y)
	} else {
		a11, b11 = z.month11(y), z.month11(y+1)
	}
	k := int(math.Floor((float64(a11)-newMoonEpoch)/synodicMonth + 0.5))
	off := month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := z.leapMonthOffset(a11)
		if leap && month != leapMonthNumber(leapOff) {
			return 0, false
		}
		if leap || off >= leapOff {
			off++
		}
	} else if leap {
		return 0, false
	}
	return z.newMoonDay(k + off), true
}

var (
	stems    = [10]string{"Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý"}
	branches = [12]string{"Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"}
)

// CanChi returns the sexagenary name of lunar year y, such as "Bính Ngọ"
// for 2026 (year 4 of the common era was Giáp Tý).
func CanChi(y int) string {
	return stems[mod(y+6, 10)] + " " + branches[mod(y+8, 12)]
}

func mod(a, n int) int { return ((a % n) + n) % n }

// String writes d as day/month/year, with "nhuận" after a leap month.
func (d Date) String() string {
	if d.Leap {
		return fmt.Sprintf("%d/%d nhuận/%d", d.Day, d.Month, d.Year)
	}
	return fmt.Sprintf("%d/%d/%d", d.Day, d.Month, d.Year)
}
