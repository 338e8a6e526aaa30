package cellvalue

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"tend/internal/domain"
)

// Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 the
// 29/02/1900 that never was (kept from Lotus 1-2-3), so from 61 on the
// serial counts days from 1899-12-30.
const (
	maxSerial  = 2958465 // 9999-12-31
	fakeSerial = 60
)

var (
	epochBefore60 = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	epochFrom61   = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
)

// written is a date, and maybe a time of day and a zone, as written.
type written struct {
	y, m, d       int
	hh, mm, ss    int
	hasTime       bool
	zone          *time.Location // nil when no offset is written
	serialSeconds int64          // the time of day of a serial, in seconds
}

// Date reads a calendar date: dd/mm/yyyy and d/m/yyyy (also with - or .),
// dd/mm/yy (00–49 → 20yy, 50–99 → 19yy), yyyy-mm-dd, and Excel serials
// (1900 date system; the fraction of a serial, a time of day written
// after a date, are dropped). Never month first: 13/02/2024 is 13 Feb,
// 02/13/2024 an error. The day must exist. The result is midnight UTC.
func Date(s string) (time.Time, error) {
	w, err := parse(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(w.y, time.Month(w.m), w.d, 0, 0, 0, 0, time.UTC), nil
}

// DateTime reads a date with an optional time of day: "dd/mm/yyyy
// hh:mm[:ss]", "yyyy-mm-dd hh:mm[:ss]", RFC 3339, an Excel serial with a
// fraction; in loc (UTC when nil) unless an offset is written.
func DateTime(s string, loc *time.Location) (time.Time, error) {
	w, err := parse(s)
	if err != nil {
		return time.Time{}, err
	}
	if w.zone != nil {
		loc = w.zone
	}
	if loc == nil {
		loc = time.UTC
	}
	t := time.Date(w.y, time.Month(w.m), w.d, w.hh, w.mm, w.ss, 0, loc)
	return t.Add(time.Duration(w.serialSeconds) * time.Second), nil
}

func parse(s string) (written, error) {
	bad := func() (written, error) { return written{}, fmt.Errorf("%w: %q", ErrDate, s) }
	s = strings.TrimSpace(s)
	if w, ok, isSerial := serial(s); isSerial {
		if !ok {
			return bad()
		}
		return w, nil
	}
	w, rest, ok := datePart(s)
	if !ok || w.y < 1000 || w.m < 1 || w.m > 12 || w.d < 1 || w.d > domain.DaysIn(time.Month(w.m), w.y) {
		return bad()
	}
	if rest == "" {
		return w, nil
	}
	if rest[0] != ' ' && rest[0] != 'T' {
		return bad()
	}
	if !timePart(strings.TrimLeft(rest[1:], " "), &w) {
		return bad()
	}
	return w, nil
}

// serial reads an Excel serial ("45335", "45335.75"). isSerial is whether
// s looks like one at all.
func serial(s string) (w written, ok, isSerial bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if !allDigits(whole) || len(whole) > 7 || (hasFrac && !allDigits(frac)) {
		return w, false, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 1 || f >= maxSerial+1 {
		return w, false, true
	}
	days := int(math.Floor(f))
	if days == fakeSerial {
		return w, false, true // 29/02/1900 did not exist
	}
	epoch := epochFrom61
	if days < fakeSerial {
		epoch = epochBefore60
	}
	t := epoch.AddDate(0, 0, days)
	w.y, w.m, w.d = t.Year(), int(t.Month()), t.Day()
	w.serialSeconds = int64(math.Round((f - float64(days)) * 86400))
	return w, true, true
}

// datePart reads the date at the start of s: y-m-d with a 4-digit year
// first, or d/m/y; the same separator twice, one of / - and '.'.
func datePart(s string) (w written, rest string, ok bool) {
	a, s := leadingDigits(s)
	if s == "" || !strings.ContainsRune("/-.", rune(s[0])) {
		return w, "", false
	}
	sep := s[0]
	b, s := leadingDigits(s[1:])
	if s == "" || s[0] != sep {
		return w, "", false
	}
	c, rest := leadingDigits(s[1:])
	if len(b) < 1 || len(b) > 2 {
		return w, "", false
	}
	w.m = atoi(b)
	switch {
	case len(a) == 4 && len(c) >= 1 && len(c) <= 2:
		w.y, w.d = atoi(a), atoi(c)
	case len(a) >= 1 && len(a) <= 2 && len(c) == 4:
		w.d, w.y = atoi(a), atoi(c)
	case len(a) >= 1 && len(a) <= 2 && len(c) == 2:
		w.d, w.y = atoi(a), 2000+atoi(c)
		if w.y >= 2050 {
			w.y -= 100
		}
	default:
		return w, "", false
	}
	return w, rest, true
}

// timePart reads "hh:mm[:ss[.fff]]" and an optional zone (Z, ±hh:mm,
// ±hhmm) into w.
func timePart(s string, w *written) bool {
	h, s := leadingDigits(s)
	if len(h) < 1 || len(h) > 2 || s == "" || s[0] != ':' {
		return false
	}
	m, s := leadingDigits(s[1:])
	if len(m) != 2 {
		return false
	}
	w.hh, w.mm, w.hasTime = atoi(h), atoi(m), true
	if s != "" && s[0] == ':' {
		var sec string
		if sec, s = leadingDigits(s[1:]); len(sec) != 2 {
			return false
		}
		w.ss = atoi(sec)
		if s != "" && s[0] == '.' {
			var frac string
			if frac, s = leadingDigits(s[1:]); frac == "" {
				return false
			}
		}
	}
	if w.hh > 23 || w.mm > 59 || w.ss > 59 {
		return false
	}
	return zonePart(strings.TrimLeft(s, " "), w)
}

func zonePart(s string, w *written) bool {
	switch {
	case s == "":
		return true
	case s == "Z":
		w.zone = time.UTC
		return true
	case s[0] != '+' && s[0] != '-':
		return false
	}
	digits := strings.Replace(s[1:], ":", "", 1)
	if len(digits) != 4 || !allDigits(digits) {
		return false
	}
	hh, mm := atoi(digits[:2]), atoi(digits[2:])
	if hh > 14 || mm > 59 {
		return false
	}
	offset := (hh*60 + mm) * 60
	if s[0] == '-' {
		offset = -offset
	}
	w.zone = time.FixedZone("", offset)
	return true
}

func leadingDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}

func allDigits(s string) bool {
	d, rest := leadingDigits(s)
	return d != "" && rest == ""
}

// atoi reads at most 4 digits, already checked.
func atoi(s string) int {
	n := 0
	for _, c := range []byte(s) {
		n = n*10 + int(c-'0')
	}
	return n
}
