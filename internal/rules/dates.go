package rules

import (
	"time"

	"tend/internal/domain"
)

// Env is what an evaluation needs besides the customer: the time and the
// workspace's zone, with "today" worked out once.
type Env struct {
	Now   time.Time
	Loc   *time.Location
	today int // day number of today in Loc
	year  int
	lunar lunarMemo
}

// NewEnv returns the evaluation environment at now in the zone loc.
func NewEnv(now time.Time, loc *time.Location) *Env {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	return &Env{Now: now, Loc: loc, today: dayNumber(y, m, d), year: y}
}

// Today returns the local date of the evaluation.
func (e *Env) Today() domain.Date { return domain.DateOf(e.Now, e.Loc) }

// dayNumber counts days from 1970-01-01 to y-m-d in the proleptic
// Gregorian calendar, without time.Time arithmetic (no zone lookups).
func dayNumber(y int, m time.Month, d int) int {
	// Shift the year to start in March so the leap day is the last one.
	yy := y
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := (int(m) + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func dateNumber(d domain.Date) int { return dayNumber(d.Year, d.Month, d.Day) }

// localDay is the day number of instant t in loc.
func localDay(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return dayNumber(y, m, d)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// anniversary is the day number of the anniversary of (m, d) in year y; a
// 29 February falls on 28 February in years without one.
func anniversary(y int, m time.Month, d int) int {
	if m == time.February && d == 29 && !isLeap(y) {
		d = 28
	}
	return dayNumber(y, m, d)
}

// daysToAnniversary returns how many days from today (in env) until the
// next anniversary of (m, d), 0 when it is today.
func daysToAnniversary(env *Env, m time.Month, d int) int {
	a := anniversary(env.year, m, d)
	if a < env.today {
		a = anniversary(env.year+1, m, d)
	}
	return a - env.today
}
