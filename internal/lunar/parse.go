package lunar

import "errors"

// ErrBadDate is returned by Parse for text that is not a lunar date.
var ErrBadDate = errors.New("lunar: not a YYYY-MM-DD lunar date")

// Parse reads a lunar date written "YYYY-MM-DD" (month 1–12, day 1–30), as
// a custom field with calendar "lunar" stores it: the lunar day and month
// of, say, a giỗ and the year as entered. Such a date names an ordinary
// (not leap) month: a death in a leap month is remembered on the ordinary
// month's day, as lunar.Anniversary does in years without that leap month.
// A day 30 is accepted whatever the month's length in that year.
func Parse(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, ErrBadDate
	}
	num := func(t string) int {
		n := 0
		for _, r := range t {
			if r < '0' || r > '9' {
				return -1
			}
			n = n*10 + int(r-'0')
		}
		return n
	}
	d := Date{Year: num(s[:4]), Month: num(s[5:7]), Day: num(s[8:])}
	if d.Year < 1 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 30 {
		return Date{}, ErrBadDate
	}
	return d, nil
}
