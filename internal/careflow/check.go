package careflow

import (
	"fmt"
	"strings"

	"tend/internal/action"
	"tend/internal/domain"
	"tend/internal/rules"
	"tend/internal/workspace"
)

// compiled is a flow ready to run against a workspace.
type compiled struct {
	flow *Flow
	set  *rules.Set // nil when the condition is "all"
}

// checkFlow validates a flow against the workspace and compiles it, reporting
// every problem with its path.
func checkFlow(f *Flow, o *workspace.Org, r action.Refs) (*compiled, error) {
	var p domain.Problems
	switch fault := domain.TextFault(f.Name, false); {
	case strings.TrimSpace(f.Name) == "":
		p.Add("name", "required")
	case fault != "":
		p.Add("name", fault)
	case len([]rune(f.Name)) > MaxName:
		p.Add("name", "too_long", "max", fmt.Sprint(MaxName))
	}
	if len([]rune(f.Description)) > 2000 {
		p.Add("description", "too_long", "max", "2000")
	}
	switch f.Module {
	case ModuleCustomers, ModuleOrders:
	case "":
		p.Add("module", "required")
	default:
		p.Add("module", "invalid_value")
	}
	checkWhen(f, o, &p)
	c := &compiled{flow: f}
	switch {
	case f.Condition.All && len(f.Condition.Groups) > 0:
		p.Add("condition", "all_or_groups")
	case !f.Condition.All && len(f.Condition.Groups) == 0:
		p.Add("condition", "all_or_groups")
	case !f.Condition.All:
		// An orders flow's conditions read the order's customer.
		set, err := rules.Compile(f.Condition.Groups, o.Schema(), "condition.groups")
		if err != nil {
			p.Merge("", domain.FieldErrors(err, "condition.groups", "not_condition_groups"))
		}
		c.set = set
	}
	if len(f.Actions) == 0 {
		p.Add("actions", "required")
	}
	for i, a := range f.Actions {
		action.Check(string(f.Module), a, o, r, fmt.Sprintf("actions[%d]", i), &p)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func checkWhen(f *Flow, o *workspace.Org, p *domain.Problems) {
	w := f.When
	if _, ok := domain.ParseClock(w.At); !ok {
		p.Add("when.at", "invalid_clock")
	}
	switch w.Type {
	case WhenAnniversary, WhenDate:
		switch {
		case w.Field == "":
			p.Add("when.field", "required")
		case !isDateField(f.Module, o, w.Field):
			p.Add("when.field", "not_a_date_field", "field", w.Field)
		}
		if w.OffsetDays < -365 || w.OffsetDays > 365 {
			p.Add("when.offset_days", "out_of_range")
		}
		if w.Every != "" {
			p.Add("when.every", "only_for_schedule")
		}
		switch {
		case w.Type == WhenDate && w.Window != "":
			p.Add("when.window", "only_for_anniversary")
		case w.Window != "" && w.Window != "day" && w.Window != "week":
			p.Add("when.window", "invalid_value")
		}
		switch {
		case w.Type == WhenDate && w.Calendar != "":
			p.Add("when.calendar", "only_for_anniversary")
		case w.Calendar != "" && w.Calendar != CalendarSolar && w.Calendar != CalendarLunar:
			p.Add("when.calendar", "invalid_value")
		}
		if w.Month != 0 || w.Day != 0 {
			p.Add("when", "month_and_day_only_for_lunar_date")
		}
	case WhenLunarDate:
		checkLunarDate(w, p)
	case WhenSchedule:
		if w.Every != "day" && w.Every != "week" && w.Every != "month" {
			p.Add("when.every", "invalid_value")
		}
		if w.Field != "" || w.OffsetDays != 0 || w.Window != "" || w.Calendar != "" || w.Month != 0 || w.Day != 0 {
			p.Add("when", "schedule_takes_every_and_at")
		}
	case "":
		p.Add("when.type", "required")
	default:
		p.Add("when.type", "invalid_value")
	}
}

// checkLunarDate checks a fixed lunar date: a day of a lunar month, or of
// every month, offset by at most a year.
func checkLunarDate(w When, p *domain.Problems) {
	if w.Day < 1 || w.Day > 30 {
		p.Add("when.day", "lunar_day_out_of_range")
	}
	if w.Month < 0 || w.Month > 12 {
		p.Add("when.month", "lunar_month_out_of_range")
	}
	if w.OffsetDays < -365 || w.OffsetDays > 365 {
		p.Add("when.offset_days", "out_of_range")
	}
	if w.Field != "" || w.Window != "" || w.Every != "" || w.Calendar != "" {
		p.Add("when", "lunar_date_takes_month_day_offset_and_at")
	}
}

// isDateField reports whether key is a date or time field of the module's
// records: an order's date, or a customer's date and time fields.
func isDateField(m Module, o *workspace.Org, key string) bool {
	if m == ModuleOrders {
		return key == "ordered_at"
	}
	t, ok := o.FieldType(key)
	if !ok {
		if f, sys := domain.SystemField(key); sys {
			t, ok = f.Type, true
		}
	}
	return ok && (t == domain.TypeDate || t == domain.TypeDateTime)
}
