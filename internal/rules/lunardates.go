package rules

import (
	"sync"
	"time"

	"tend/internal/domain"
	"tend/internal/lunar"
)

// lunarMemo remembers, for one evaluation environment, the lunar
// anniversaries it has worked out: a customer list holds many birthdays but
// few distinct ones, and each conversion costs a few dozen trigonometric
// series.
type lunarMemo struct {
	mu   sync.Mutex
	year int         // today's lunar year
	days map[int]int // solar day number of the date → days to its next lunar anniversary
	// lunar month and day (year 0) of a lunar field's value → days to its
	// next anniversary
	lunarDays map[lunar.Date]int
	ready     bool
}

// daysToLunarAnniversary returns how many days from today (in env) until
// the next lunar anniversary of the solar date y-m-d (the same lunar month
// and day, with lunar.Anniversary's leap-month and day-30 rules), 0 when
// it is today.
func daysToLunarAnniversary(env *Env, y int, m time.Month, d int) int {
	memo := &env.lunar
	memo.mu.Lock()
	defer memo.mu.Unlock()
	memo.init(env)
	key := dayNumber(y, m, d)
	if n, ok := memo.days[key]; ok {
		return n
	}
	n := memo.daysTo(env, lunar.FromSolar(y, m, d))
	memo.days[key] = n
	return n
}

// daysToLunarDate is daysToLunarAnniversary for a date already lunar, the
// value of a custom field with calendar "lunar".
func daysToLunarDate(env *Env, ld lunar.Date) int {
	memo := &env.lunar
	memo.mu.Lock()
	defer memo.mu.Unlock()
	memo.init(env)
	ld.Year = 0 // the anniversary does not depend on the year
	if n, ok := memo.lunarDays[ld]; ok {
		return n
	}
	n := memo.daysTo(env, ld)
	memo.lunarDays[ld] = n
	return n
}

func (memo *lunarMemo) init(env *Env) {
	if memo.ready {
		return
	}
	ty, tm, td := env.Now.In(env.Loc).Date()
	memo.year = lunar.FromSolar(ty, tm, td).Year
	memo.days = map[int]int{}
	memo.lunarDays = map[lunar.Date]int{}
	memo.ready = true
}

// daysTo counts the days from today to the next anniversary of ld's lunar
// month and day.
func (memo *lunarMemo) daysTo(env *Env, ld lunar.Date) int {
	a := lunarAnniversaryDay(memo.year, ld)
	if a < env.today {
		a = lunarAnniversaryDay(memo.year+1, ld)
	}
	return a - env.today
}

// compileLunarField compiles a condition on a custom date field with
// calendar "lunar". Its anniversary operators, lunar_ or not, look for the
// next day with the value's lunar month and day; every other operator
// reads the value as the solar day it fell on (a day 30 the month lacked
// that year as its day 29).
func compileLunarField(op string, get func(*domain.Customer) (lunar.Date, bool), v valueReader) pred {
	switch op {
	case OpAnniversaryToday, OpLunarAnniversaryToday:
		return func(c *domain.Customer, env *Env) bool {
			ld, ok := get(c)
			return ok && daysToLunarDate(env, ld) == 0
		}
	case OpAnniversaryWithinDays, OpLunarAnniversaryWithinDays:
		n, ok := v.days()
		if !ok {
			return nil
		}
		return func(c *domain.Customer, env *Env) bool {
			ld, ok := get(c)
			return ok && daysToLunarDate(env, ld) <= n
		}
	}
	return compileDate(op, func(c *domain.Customer, _ *Env) (int, time.Month, int, bool) {
		ld, ok := get(c)
		if !ok {
			return 0, 0, 0, false
		}
		y, m, d := lunar.Anniversary(ld.Year, ld.Month, ld.Day, false)
		return y, m, d, y != 0
	}, v)
}

// lunarAnniversaryDay is the solar day number of the anniversary of ld in
// lunar year y.
func lunarAnniversaryDay(y int, ld lunar.Date) int {
	sy, sm, sd := lunar.Anniversary(y, ld.Month, ld.Day, ld.Leap)
	return dayNumber(sy, sm, sd)
}
