// Package birthday reminds colleagues of staff birthdays [nhắc sinh nhật
// nhân viên] (SPEC §7): a colleague born on 20/12 is listed from 1 through
// 20 December, in the workspace's time zone, and the scheduler's tick tells
// the person's team (or the whole workspace, as its birthday_notices
// setting says) on the 1st of the month and on the day, once each.
package birthday

import (
	"cmp"
	"log/slog"
	"slices"
	"time"

	"tend/internal/domain"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Celebrated is the day of year on which one born on b celebrates: its
// month and day, and 28 February for one born on 29 February in a common
// year.
func Celebrated(b domain.Date, year int) domain.Date {
	day := b.Day
	if b.Month == time.February && day == 29 && domain.DaysIn(time.February, year) == 28 {
		day = 28
	}
	return domain.Date{Year: year, Month: b.Month, Day: day}
}

// Listed reports whether one born on b is listed on today (from the 1st of
// the month of the birthday through the day itself), and in how many days
// the birthday is.
func Listed(b, today domain.Date) (daysUntil int, ok bool) {
	if b.IsZero() {
		return 0, false
	}
	day := Celebrated(b, today.Year)
	if day.Month != today.Month || day.Day < today.Day {
		return 0, false
	}
	return day.Day - today.Day, true
}

// Reminder is one colleague's birthday coming up this month.
type Reminder struct {
	UserID    string      `json:"user_id"`
	Name      string      `json:"name"`
	Birthday  domain.Date `json:"birthday"`
	DaysUntil int         `json:"days_until"`
}

// Service lists birthdays and sends their notices.
type Service struct {
	st    store.Store
	clock domain.Clock
	log   *slog.Logger
	orgs  shardrun.Orgs
}

// New returns the birthday reminders over a store and the workspaces'
// set-up.
func New(st store.Store, clock domain.Clock, log *slog.Logger, orgs shardrun.Orgs) *Service {
	return &Service{st: st, clock: clock, log: log, orgs: orgs}
}

// List returns the caller's active colleagues (not the caller) whose
// birthday is listed today in the workspace's time zone, soonest first.
// Everyone sees them, as everyone sees the users.
func (s *Service) List(c *workspace.Caller) []Reminder {
	today := domain.DateOf(s.clock.Now(), c.Org.Workspace.Location())
	out := []Reminder{}
	for _, u := range c.Org.Users {
		if !u.Active || u.ID == c.User.ID {
			continue
		}
		if days, ok := Listed(u.Birthday, today); ok {
			out = append(out, Reminder{UserID: u.ID, Name: u.Name, Birthday: u.Birthday, DaysUntil: days})
		}
	}
	slices.SortFunc(out, func(a, b Reminder) int {
		return cmp.Or(cmp.Compare(a.DaysUntil, b.DaysUntil), cmp.Compare(a.Name, b.Name), cmp.Compare(a.UserID, b.UserID))
	})
	return out
}
