package lunar

import "time"

// Anniversary returns the Gregorian day on which the yearly anniversary of
// lunar day/month (leap when it was in a leap month) falls in lunar year
// y. Two rules make every anniversary land somewhere:
//   - a leap-month date falls on the same day of the ordinary month in
//     years that do not repeat that month (and on the leap month in years
//     that do);
//   - day 30 falls on day 29 in years where that month has 29 days.
func (c Calendar) Anniversary(y, month, day int, leap bool) (int, time.Month, int) {
	if leap && c.LeapMonth(y) != month {
		leap = false
	}
	if n := c.MonthLength(y, month, leap); day > n {
		day = n
	}
	sy, sm, sd, _ := c.ToSolar(Date{Year: y, Month: month, Day: day, Leap: leap})
	return sy, sm, sd
}

// Anniversary is Vietnamese.Anniversary.
func Anniversary(y, month, day int, leap bool) (int, time.Month, int) {
	return Vietnamese.Anniversary(y, month, day, leap)
}
