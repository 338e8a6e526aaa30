package rules

import (
	"sync"
	"time"

	"tend/internal/lunar"
)

// lunarMemo remembers, for one evaluation environment, the lunar
// anniversaries it has worked out: a customer list holds many birthdays but
// few distinct ones, and each conversion costs a few dozen trigonometric
// series.
type lunarMemo struct {
	mu    sync.Mutex
	year  int         // today's lunar year
	days  map[int]int // solar day number of the date → days to its next lunar anniversary
	ready bool
}

// daysToLunarAnniversary returns how many days from today (in env) until
// the next lunar anniversary of the solar date y-m-d (the same lunar month
// and day, with lunar.Anniversary's leap-month and day-30 rules), 0 when
// it is today.
func daysToLunarAnniversary(env *Env, y int, m time.Month, d int) int {
	memo := &env.lunar
	memo.mu.Lock()
	defer memo.mu.Unlock()
	if !memo.ready {
		ty, tm, td := env.Now.In(env.Loc).Date()
		memo.year = lunar.FromSolar(ty, tm, td).Year
		memo.days = map[int]int{}
		memo.ready = true
	}
	key := dayNumber(y, m, d)
	if n, ok := memo.days[key]; ok {
		return n
	}
	ld := lunar.FromSolar(y, m, d)
	a := lunarAnniversaryDay(memo.year, ld)
	if a < env.today {
		a = lunarAnniversaryDay(memo.year+1, ld)
	}
	memo.days[key] = a - env.today
	return a - env.today
}

// lunarAnniversaryDay is the solar day number of the anniversary of ld in
// lunar year y.
func lunarAnniversaryDay(y int, ld lunar.Date) int {
	sy, sm, sd := lunar.Anniversary(y, ld.Month, ld.Day, ld.Leap)
	return dayNumber(sy, sm, sd)
}
