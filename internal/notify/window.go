package notify

import (
	"time"

	"tend/internal/domain"
)

// Decree 91/2020/NĐ-CP on advertising messages: they may be sent only
// between 07:00 and 22:00 (Vietnam time), and one sender may send one
// number at most three of them in 24 hours.
const (
	adWindowFrom  = 7 * 60
	adWindowTo    = 22 * 60
	adMaxPerDay   = 3
	adLimitPeriod = 24 * time.Hour
)

// vietnam is the zone Decree 91's hours are counted in, whatever the
// workspace's own zone.
var vietnam = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	loc, err := domain.LoadLocation(name)
	if err != nil {
		panic("notify: time zone " + name + ": " + err.Error()) // tzdata is embedded in every binary
	}
	return loc
}

// window is a daily span of local time in minutes after midnight, from
// (inclusive) to to (exclusive); from after to spans midnight.
type window struct {
	from, to int
	loc      *time.Location
}

// quietWindow reads a workspace's quiet hours; ok is false when there are
// none (unset, or from equal to to).
func quietWindow(q domain.QuietHours, loc *time.Location) (window, bool) {
	from, ok1 := domain.ParseClock(q.From)
	to, ok2 := domain.ParseClock(q.To)
	if !ok1 || !ok2 || from == to {
		return window{}, false
	}
	return window{from: from, to: to, loc: loc}, true
}

func minuteOfDay(t time.Time, loc *time.Location) int {
	l := t.In(loc)
	return l.Hour()*60 + l.Minute()
}

// contains reports whether t falls in the window.
func (w window) contains(t time.Time) bool {
	m := minuteOfDay(t, w.loc)
	if w.from < w.to {
		return m >= w.from && m < w.to
	}
	return m >= w.from || m < w.to
}

// end is the first moment at or after t that is outside the window (t
// itself when it is outside).
func (w window) end(t time.Time) time.Time {
	if !w.contains(t) {
		return t
	}
	l := t.In(w.loc)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, w.loc)
	end := day.Add(time.Duration(w.to) * time.Minute)
	if !end.After(t) {
		end = day.AddDate(0, 0, 1).Add(time.Duration(w.to) * time.Minute)
	}
	return end.UTC()
}

// adQuiet is when Decree 91 forbids advertising messages: outside
// 07:00–22:00 in Vietnam.
var adQuiet = window{from: adWindowTo, to: adWindowFrom, loc: vietnam}

// sendableAt is the first moment at or after t when a message may go out:
// outside the workspace's quiet hours and, for an advertising SMS, inside
// Decree 91's hours. The two windows may push each other, so it loops
// until both agree (twice at most in practice).
func sendableAt(t time.Time, quiet window, hasQuiet, advertising bool) time.Time {
	for range 4 {
		next := t
		if hasQuiet {
			next = quiet.end(next)
		}
		if advertising {
			next = adQuiet.end(next)
		}
		if next.Equal(t) {
			return t
		}
		t = next
	}
	return t
}

// adSlot decides, from the times of the advertising messages a number got
// recently, whether another may go out at now; when not, it says when one
// may. recent is kept to the last adMaxPerDay sends inside the period.
func adSlot(recent []time.Time, now time.Time) (ok bool, next time.Time, kept []time.Time) {
	for _, t := range recent {
		if now.Sub(t) < adLimitPeriod {
			kept = append(kept, t)
		}
	}
	if len(kept) < adMaxPerDay {
		return true, now, kept
	}
	oldest := kept[0]
	for _, t := range kept[1:] {
		if t.Before(oldest) {
			oldest = t
		}
	}
	return false, oldest.Add(adLimitPeriod), kept
}
