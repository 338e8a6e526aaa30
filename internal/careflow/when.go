package careflow

import (
	"time"

	"tend/internal/domain"
	"tend/internal/lunar"
	"tend/internal/workspace"
)

// dueOn reports whether a flow runs on a local day: anniversaries and
// dates are looked for every day, schedules on their day.
func (w When) dueOn(day domain.Date) bool {
	if w.Type == WhenLunarDate {
		return w.isLunarDay(day.AddDays(-w.OffsetDays))
	}
	if w.Type != WhenSchedule {
		return true
	}
	switch w.Every {
	case "week":
		return day.In(time.UTC).Weekday() == time.Monday
	case "month":
		return day.Day == 1
	}
	return true
}

// occurrence decides whether a record with the date d in the flow's field
// is due on the run's day, and names the occurrence: the date the flow
// acts for (this year's anniversary, the field's date, the run's day). A
// record is acted on once per occurrence, so a week window, looked at
// every day, acts on each anniversary once, on the first day it is in
// view.
func (w When) occurrence(d domain.Date, hasDate bool, day domain.Date) (string, bool) {
	if w.Type == WhenSchedule || w.Type == WhenLunarDate {
		return day.String(), true // dueOn chose the day
	}
	if !hasDate {
		return "", false
	}
	anniversary := func(t domain.Date) domain.Date { return anniversaryIn(d, t) }
	if w.Calendar == CalendarLunar {
		anniversary = func(t domain.Date) domain.Date { return lunarAnniversaryIn(d, t) }
	}
	return w.occurrenceOf(d, anniversary, day)
}

// lunarOccurrence is occurrence for ld, the value of a custom field with
// calendar "lunar": its anniversaries are lunar whatever the flow's
// calendar, and a "date" flow acts on the solar day ld fell on.
func (w When) lunarOccurrence(ld lunar.Date, day domain.Date) (string, bool) {
	if w.Type == WhenSchedule || w.Type == WhenLunarDate {
		return day.String(), true
	}
	sy, sm, sd := lunar.Anniversary(ld.Year, ld.Month, ld.Day, false)
	on := domain.Date{Year: sy, Month: sm, Day: sd}
	return w.occurrenceOf(on, func(t domain.Date) domain.Date { return lunarDayIn(ld, t) }, day)
}

// occurrenceOf decides for a record whose field falls on d, its
// anniversary in the year of a day given by anniversary.
func (w When) occurrenceOf(d domain.Date, anniversary func(domain.Date) domain.Date, day domain.Date) (string, bool) {
	// The day the field's date must fall on (or in the week of) for the
	// flow to act today: offset −3 acts three days before it.
	target := day.AddDays(-w.OffsetDays)
	switch {
	case w.Type == WhenDate:
		return d.String(), d == target
	case w.Window == "week":
		monday := target.AddDays(-mondayBased(target))
		for i := range 7 {
			t := monday.AddDays(i)
			if a := anniversary(t); a == t {
				return a.String(), true
			}
		}
		return "", false
	}
	a := anniversary(target)
	return a.String(), a == target
}

// mondayBased is the day of the week with Monday as 0.
func mondayBased(d domain.Date) int {
	return (int(d.In(time.UTC).Weekday()) + 6) % 7
}

// anniversaryIn is the anniversary of d in the year of day; 29 February
// falls on 28 February in years without one.
func anniversaryIn(d domain.Date, day domain.Date) domain.Date {
	y := day.Year
	if d.Month == time.February && d.Day == 29 && domain.DaysIn(time.February, y) == 28 {
		return domain.Date{Year: y, Month: time.February, Day: 28}
	}
	return domain.Date{Year: y, Month: d.Month, Day: d.Day}
}

// customerDate reads a date or time field of a customer as a local date.
func customerDate(o *workspace.Org, c *domain.Customer, key string, loc *time.Location) (domain.Date, bool) {
	switch key {
	case "birthday":
		return c.Birthday, !c.Birthday.IsZero()
	case "founding_date":
		return c.FoundingDate, !c.FoundingDate.IsZero()
	case "created_at":
		return domain.DateOf(c.CreatedAt, loc), true
	case "updated_at":
		return domain.DateOf(c.UpdatedAt, loc), true
	}
	if t := systemTime(c, key); t != nil {
		return domain.DateOf(*t, loc), true
	}
	s, ok := c.Fields[key].(string)
	if !ok || s == "" {
		return domain.Date{}, false
	}
	if d, err := domain.ParseDate(s); err == nil {
		return d, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return domain.DateOf(t, loc), true
	}
	return domain.Date{}, false
}

func systemTime(c *domain.Customer, key string) *time.Time {
	switch key {
	case "last_care_at":
		return c.LastCareAt
	case "next_appointment_at":
		return c.NextAppointmentAt
	case "last_order_at":
		return c.LastOrderAt
	case "assigned_at":
		return c.AssignedAt
	case "pinned_at":
		return c.PinnedAt
	}
	return nil
}

// lunarAnniversaryIn is the lunar anniversary of d (the same day of the
// same lunar month) in the lunar year of day, by lunar.Anniversary's rules
// for leap months and day 30.
func lunarAnniversaryIn(d domain.Date, day domain.Date) domain.Date {
	return lunarDayIn(lunar.FromSolar(d.Year, d.Month, d.Day), day)
}

// lunarDayIn is the solar day of the anniversary of the lunar date ld in
// the lunar year of day.
func lunarDayIn(ld lunar.Date, day domain.Date) domain.Date {
	y := lunar.FromSolar(day.Year, day.Month, day.Day).Year
	sy, sm, sd := lunar.Anniversary(y, ld.Month, ld.Day, ld.Leap)
	return domain.Date{Year: sy, Month: sm, Day: sd}
}

// isLunarDay reports whether day is the flow's lunar date: its day of its
// month (of any month, leap ones too, when Month is 0), day 30 falling on
// day 29 in a 29-day month.
func (w When) isLunarDay(day domain.Date) bool {
	ld := lunar.FromSolar(day.Year, day.Month, day.Day)
	if w.Month != 0 && (ld.Month != w.Month || ld.Leap) {
		return false
	}
	want := min(w.Day, lunar.Vietnamese.MonthLength(ld.Year, ld.Month, ld.Leap))
	return ld.Day == want
}
