// Package careflow runs care flows [quy trình chăm sóc]: at a local time,
// on the anniversary of a date field (a birthday, a founding date, an
// order date), on the date in a field, or on a schedule, every record of a
// module that meets the flow's condition gets the flow's actions — fields
// updated, an email or SMS through the outbox, a task, a hand-over, a care
// card — at most once per record and occurrence, however often the run is
// retried.
package careflow

import (
	"encoding/json"
	"time"

	"tend/internal/action"
	"tend/internal/rules"
)

// Module is the kind of record a flow works on [phân hệ].
type Module string

const (
	ModuleCustomers Module = "customers"
	ModuleOrders    Module = "orders"
)

// When kinds [khi nào].
const (
	WhenAnniversary = "anniversary" // yearly on a date field, offset by days
	WhenDate        = "date"        // once, on the date in a field, offset by days
	WhenSchedule    = "schedule"    // every day, week (Mondays) or month (the 1st)
	// WhenLunarDate is a fixed day of the Vietnamese lunar calendar, for
	// every record the condition picks: yearly when Month is set (1/1 is
	// Tết), else monthly (day 15 is rằm, kept in leap months too).
	WhenLunarDate = "lunar_date"
)

// Calendars an anniversary is kept by.
const (
	CalendarSolar = "solar"
	// CalendarLunar keeps a date field's anniversary on the same day of the
	// same lunar month (package lunar).
	CalendarLunar = "lunar"
)

// When says when a flow acts on a record.
type When struct {
	Type  string `json:"type"`
	Field string `json:"field,omitempty"`
	// OffsetDays moves the day the flow acts from the field's date:
	// negative is before it (−3: three days before the birthday).
	OffsetDays int    `json:"offset_days"`
	At         string `json:"at"`
	// Window is "day" (the date itself) or "week" (any date of its week,
	// Monday to Sunday) for anniversaries [trong ngày / trong tuần].
	Window string `json:"window,omitempty"`
	// Every is "day", "week" or "month" for schedules.
	Every string `json:"every,omitempty"`
	// Calendar is "solar" (the default) or "lunar" for anniversaries.
	Calendar string `json:"calendar,omitempty"`
	// Month (1–12, absent for every month) and Day (1–30) of a lunar_date;
	// day 30 falls on day 29 in a 29-day month.
	Month int `json:"month,omitempty"`
	Day   int `json:"day,omitempty"`
}

// Condition picks the records a flow acts on: all of them, or those that
// meet condition groups (the automation rule engine).
type Condition struct {
	All    bool         `json:"all,omitempty"`
	Groups rules.Groups `json:"groups,omitempty"`
}

// Flow is a care flow.
type Flow struct {
	ID          string          `json:"id"`
	Module      Module          `json:"module"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	When        When            `json:"when"`
	Condition   Condition       `json:"condition"`
	Actions     []action.Action `json:"actions"`
	// Priority orders the flows of a module (1 first) [thứ tự ưu tiên].
	Priority int  `json:"priority"`
	Active   bool `json:"active"`
	// EffectiveFrom is set by an edit made on a day the flow already ran:
	// the edit acts from that day, the next.
	EffectiveFrom string    `json:"effective_from,omitempty"`
	ActivatedAt   time.Time `json:"activated_at,omitzero"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Version       int64     `json:"version"`
	Tenant        string    `json:"tenant_id"`
}

// UnmarshalJSON reads a stored flow, its actions in the current spellings.
func (f *Flow) UnmarshalJSON(b []byte) error {
	type stored Flow // without this method
	if err := json.Unmarshal(b, (*stored)(f)); err != nil {
		return err
	}
	for i := range f.Actions {
		f.Actions[i].CurrentSpelling()
	}
	return nil
}

// Input creates or changes a flow; on a change, absent parts are kept.
type Input struct {
	Module      *Module
	Name        *string
	Description *string
	When        *When
	Condition   *Condition
	Actions     *[]action.Action
	Priority    *int
	Version     *int64
}

// Limits.
const (
	MaxActive  = 10 // active flows per module
	MaxActions = 10
	MaxName    = 200 // characters
)
