package automation

import (
	"errors"
	"fmt"
	"time"

	"tend/internal/action"
	"tend/internal/check"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/rules"
	"tend/internal/workspace"
)

// apply is a compiled action: it changes c as the action says. ref is the
// time the action is taken "at" (the change that fired it, or the daily
// occurrence), so that doing it again gives the same result.
type apply func(c *domain.Customer, ref time.Time, loc *time.Location) error

// compiled is a rule ready to run: conditions compiled, the fields they
// read, actions bound to the workspace. The care-flow actions are in
// effects (their place in actions holds a no-op).
type compiled struct {
	rule    *Rule
	set     *rules.Set
	reads   []string
	actions []apply
	effects []action.Action
}

// reads reports whether any field in changed is one the conditions read.
func (c *compiled) touches(changed map[string]bool) bool {
	for _, f := range c.reads {
		if changed[f] {
			return true
		}
	}
	return false
}

// compileRule checks a rule against the workspace and compiles it. Every
// problem is reported with its path.
func compileRule(r *Rule, o *workspace.Org) (*compiled, error) {
	var p domain.Problems
	check.Text(&p, "name", r.Name, 200, true)
	if len([]rune(r.Description)) > 2000 {
		p.Add("description", "too_long", "max", "2000")
	}
	switch r.Trigger.Type {
	case TriggerCreated, TriggerCreatedOrUpdated:
		if r.Trigger.At != "" {
			p.Add("trigger.at", "only_for_daily")
		}
	case TriggerDaily:
		if _, ok := domain.ParseClock(r.Trigger.At); !ok {
			p.Add("trigger.at", "invalid_clock")
		}
	case "":
		p.Add("trigger.type", "required")
	default:
		p.Add("trigger.type", "invalid_trigger")
	}
	set, err := rules.Compile(r.Conditions, o.Schema(), "conditions")
	if err != nil {
		p.Merge("", domain.FieldErrors(err, "conditions", "not_condition_groups"))
	}
	if len(r.Actions) == 0 {
		p.Add("actions", "required")
	}
	c := &compiled{rule: r, set: set}
	for i, a := range r.Actions {
		if action.IsRuleAction(a.Type) {
			c.actions = append(c.actions, noChange)
			c.effects = append(c.effects, a.effect())
			continue
		}
		if f := compileAction(a, o, fmt.Sprintf("actions[%d]", i), &p); f != nil {
			c.actions = append(c.actions, f)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	c.reads = set.Reads()
	return c, nil
}

func compileAction(a Action, o *workspace.Org, at string, p *domain.Problems) apply {
	switch a.Type {
	case ActionSetField:
		return compileSetField(a, o, at, p)
	case ActionSetStep, ActionAddToPipeline:
		return compileStep(a, o, at, p)
	case ActionPin:
		days := 1
		if a.Days != nil {
			days = *a.Days
			if days < 1 || days > 365 {
				p.Add(at+".days", "out_of_range")
				return nil
			}
		}
		return func(c *domain.Customer, ref time.Time, loc *time.Location) error {
			// Until the start of the local day `days` days after the one
			// of ref: "until the end of today" when days is 1.
			until := domain.DateOf(ref, loc).AddDays(days).In(loc).UTC()
			if c.PinnedAt == nil || (c.PinnedUntil != nil && !ref.Before(*c.PinnedUntil)) {
				at := ref.UTC()
				c.PinnedAt = &at
			}
			c.PinnedUntil = &until
			return nil
		}
	case ActionUnpin:
		return func(c *domain.Customer, _ time.Time, _ *time.Location) error {
			c.PinnedAt, c.PinnedUntil = nil, nil
			return nil
		}
	case "":
		p.Add(at+".type", "required")
	default:
		p.Add(at+".type", "invalid_action", "type", a.Type)
	}
	return nil
}

// noChange holds the place of a care-flow action among a rule's changes
// to the customer.
func noChange(*domain.Customer, time.Time, *time.Location) error { return nil }

func compileSetField(a Action, o *workspace.Org, at string, p *domain.Problems) apply {
	if a.Field == "" {
		p.Add(at+".field", "required")
		return nil
	}
	if !customer.WritableField(o, a.Field) {
		if f, ok := domain.SystemField(a.Field); ok && f.ReadOnly {
			p.Add(at+".field", "read_only")
		} else {
			p.Add(at+".field", "unknown_field", "field", a.Field)
		}
		return nil
	}
	value := a.Value
	if len(value) == 0 {
		value = []byte("null")
	}
	// Check the value as an edit of a blank customer would.
	if err := customer.SetField(o, &domain.Customer{Name: "x"}, a.Field, value, time.Time{}); err != nil {
		// The value's problem, with its params (the user or warehouse
		// named), at the action's value.
		f := domain.FieldError{Code: "invalid_value"}
		var de *domain.Error
		if errors.As(err, &de) && len(de.Fields) > 0 {
			f = de.Fields[0]
		}
		f.Path = at + ".value"
		p.Fields = append(p.Fields, f)
		return nil
	}
	field := a.Field
	return func(c *domain.Customer, ref time.Time, _ *time.Location) error {
		return customer.SetField(o, c, field, value, ref)
	}
}

func compileStep(a Action, o *workspace.Org, at string, p *domain.Problems) apply {
	pl, ok := o.Pipeline(a.PipelineID)
	switch {
	case a.PipelineID == "":
		p.Add(at+".pipeline_id", "required")
		return nil
	case !ok:
		p.Add(at+".pipeline_id", "unknown_pipeline", "pipeline", a.PipelineID)
		return nil
	}
	step := a.StepID
	switch {
	case step == "" && a.Type == ActionSetStep:
		p.Add(at+".step_id", "required")
		return nil
	case step == "":
		step = pl.Steps[0].ID // a new pipeline starts at its first step
	default:
		if _, ok := pl.Step(step); !ok {
			p.Add(at+".step_id", "unknown_step", "value", step)
			return nil
		}
	}
	pipeline, add := pl.ID, a.Type == ActionAddToPipeline
	return func(c *domain.Customer, _ time.Time, _ *time.Location) error {
		if _, in := c.Pipelines[pipeline]; add && in {
			return nil // already in it: adding leaves its step alone
		}
		return customer.SetStep(o, c, pipeline, step)
	}
}
