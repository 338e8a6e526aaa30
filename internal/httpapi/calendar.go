package httpapi

import (
	"net/http"

	"tend/internal/domain"
	"tend/internal/lunar"
	"tend/internal/workspace"
)

// lunarDate is a day of the Vietnamese lunar calendar, for clients that
// show lunar dates.
type lunarDate struct {
	Year  int  `json:"year"`
	Month int  `json:"month"`
	Day   int  `json:"day"`
	Leap  bool `json:"leap"`
	// CanChi is the sexagenary name of the lunar year, e.g. "Bính Ngọ".
	CanChi string `json:"can_chi"`
}

// The days GET /v1/calendar/lunar converts: the calendar's tables and
// tests cover them (package lunar).
var (
	lunarFirstDay = domain.Date{Year: 1900, Month: 1, Day: 1}
	lunarLastDay  = domain.Date{Year: 2199, Month: 12, Day: 31}
)

func (a *API) routesCalendar() {
	a.handle("GET /v1/calendar/lunar", func(w http.ResponseWriter, r *http.Request, _ *workspace.Caller) error {
		var p domain.Problems
		q := r.URL.Query().Get("date")
		d, err := domain.ParseDate(q)
		switch {
		case q == "":
			p.Add("date", "required")
		case err != nil:
			p.Add("date", "invalid_date")
		case d.Before(lunarFirstDay) || lunarLastDay.Before(d):
			p.Add("date", "date_out_of_range", "min", lunarFirstDay.String(), "max", lunarLastDay.String())
		}
		if err := p.Err(); err != nil {
			return err
		}
		ld := lunar.FromSolar(d.Year, d.Month, d.Day)
		return writeJSON(w, http.StatusOK, lunarDate{Year: ld.Year, Month: ld.Month, Day: ld.Day, Leap: ld.Leap, CanChi: lunar.CanChi(ld.Year)})
	})
}
