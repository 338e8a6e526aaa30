package domain

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"
)

// Date is a calendar date without a time or a zone ("2026-12-20"), such as
// a birthday. The zero Date is "no date" and encodes as JSON null.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

var errDate = errors.New("not a date of the form YYYY-MM-DD")

// typeError is how a JSON value of the wrong form is reported, so that the
// decoder adds the path of the field to it.
func typeError(b []byte, t reflect.Type) error {
	return &json.UnmarshalTypeError{Value: "value " + string(b), Type: t}
}

// ParseDate parses a strict YYYY-MM-DD date and refuses impossible days.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, errDate
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > DaysIn(time.Month(m), y) {
		return Date{}, errDate
	}
	return Date{Year: y, Month: time.Month(m), Day: d}, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// DaysIn returns the number of days of month m in year y.
func DaysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// DateOf returns the calendar date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{Year: y, Month: m, Day: d}
}

func (d Date) IsZero() bool { return d == Date{} }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// In returns the start of the day d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC), time.UTC)
}

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if len(b) == 12 && b[0] == '"' && b[11] == '"' {
		s = string(b[1:11]) // the usual case, without a second decoder
	} else if err := json.Unmarshal(b, &s); err != nil {
		return typeError(b, reflect.TypeFor[Date]())
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(s)
	if err != nil {
		return typeError(b, reflect.TypeFor[Date]())
	}
	*d = p
	return nil
}
