package reports

import (
	"maps"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/orders"
)

// What is counted, and from where. Every figure comes from what a customer
// write leaves behind: the customer's image before and after (owner,
// warehouse, source, steps, trash) and the history entries the write made
// in the same transaction (who did what). The stream handler reads both
// for each change; a rebuild replays a customer's whole history, version
// by version, through the same function (customerAdds), so that both ways
// count alike. Care is counted from the history rather than from
// last_care_at moving, which a back-dated note or call does not move.

// careActions are the history actions that are care by the user who made
// them: a note, a quick activity, a call, a new appointment.
var careActions = map[string]bool{"note_added": true, "activity_added": true, "call_logged": true, "appointment_added": true}

// repeatedLeads are how a repeated lead is recorded on the customer it
// repeats (internal/leads), by the lead source's webhook, whose actor
// names the source: an activity added (before returning customers), or a
// returning customer's lead (leads.ActionReturning).
var repeatedLeads = map[string]bool{"activity_added": true, "returning_lead": true}

// returningLeads are the leads of a customer already known, by the lead
// source's webhook: one matching a customer by the duplicate check, or a
// known Zalo user's later submission updating theirs.
var returningLeads = map[string]bool{"returning_lead": true, "updated": true}

// distributionActions are the history actions of a distribution rule
// giving a customer to a staff member.
var distributionActions = map[string]bool{"distributed": true, "reclaimed": true, "handed_over": true}

// state is what the counters read of a customer.
type state struct {
	Live      bool
	Owner     string
	Warehouse string
	Source    string
	Steps     map[string]string
}

// stateOf is a customer image's state; nil for none.
func stateOf(c *domain.Customer) *state {
	if c == nil {
		return nil
	}
	return &state{Live: c.DeletedAt == nil, Owner: c.OwnerID, Warehouse: c.WarehouseID, Source: c.Source, Steps: maps.Clone(c.Pipelines)}
}

// replay is the state after a version's history entries, from the state
// before it (nil before the first).
func (s *state) replay(entries []domain.AuditEntry) *state {
	next := &state{Live: true, Steps: map[string]string{}}
	if s != nil {
		next = &state{Live: s.Live, Owner: s.Owner, Warehouse: s.Warehouse, Source: s.Source, Steps: maps.Clone(s.Steps)}
	}
	for _, e := range entries {
		for _, ch := range e.Changes {
			v, _ := ch.After.(string)
			switch ch.Field {
			case "owner_id":
				next.Owner = v
			case "warehouse_id":
				next.Warehouse = v
			case "source":
				next.Source = v
			case "deleted_at":
				next.Live = ch.After == nil
			default:
				if p, ok := strings.CutPrefix(ch.Field, "pipelines."); ok {
					if v == "" {
						delete(next.Steps, p)
					} else {
						next.Steps[p] = v
					}
				}
			}
		}
	}
	return next
}

// customerAdds are the counter moves of one write of a customer: from
// state before (nil for a new customer) to after, with the history
// entries the write made.
func customerAdds(before, after *state, entries []domain.AuditEntry, loc *time.Location) Adds {
	a := Adds{}
	gauges(a, before, -1)
	gauges(a, after, +1)
	if after == nil || !after.Live || len(entries) == 0 {
		return a
	}
	day := domain.DateOf(entries[0].At, loc)
	who := Cell{Day: day, User: after.Owner, Warehouse: after.Warehouse, Source: after.Source}
	if before == nil {
		a.add(with(who, metricLead), 1)
	}
	if after.Owner != "" && (before == nil || before.Owner != after.Owner) {
		a.add(with(who, metricNew), 1)
	}
	for p, step := range after.Steps {
		if before == nil || before.Steps[p] != step {
			c := with(who, metricEntered)
			c.Pipeline, c.Step = p, step
			a.add(c, 1)
		}
	}
	for _, e := range entries {
		eventAdds(a, after, e, domain.DateOf(e.At, loc))
	}
	return a
}

// eventAdds counts what a history entry says was done: care by a user, a
// repeated lead, a distribution rule's assignment or reclaim.
func eventAdds(a Adds, after *state, e domain.AuditEntry, day domain.Date) {
	switch {
	case e.Actor.Kind == domain.ActorUser && careActions[e.Action]:
		a.add(Cell{Metric: metricCare, Day: day, User: e.Actor.ID, Warehouse: after.Warehouse}, 1)
	case e.Actor.Kind == domain.ActorWebhook && (repeatedLeads[e.Action] || returningLeads[e.Action]):
		if repeatedLeads[e.Action] {
			a.add(Cell{Metric: metricDup, Day: day, User: after.Owner, Warehouse: after.Warehouse, Source: e.Actor.Name}, 1)
		}
		if returningLeads[e.Action] {
			a.add(Cell{Metric: metricReturn, Day: day, User: after.Owner, Warehouse: after.Warehouse, Source: e.Actor.Name}, 1)
		}
	case e.Actor.Kind == domain.ActorDistribution && distributionActions[e.Action]:
		from, to, moved := ownerChange(e)
		if !moved {
			return
		}
		if to != "" {
			a.add(Cell{Metric: metricDist, Day: day, Rule: e.Actor.ID, User: to, Warehouse: after.Warehouse}, 1)
		}
		if e.Action == "reclaimed" && from != "" {
			a.add(Cell{Metric: metricRecl, Day: day, Rule: e.Actor.ID, User: from, Warehouse: after.Warehouse}, 1)
		}
	}
}

func ownerChange(e domain.AuditEntry) (from, to string, moved bool) {
	for _, ch := range e.Changes {
		if ch.Field == "owner_id" {
			from, _ = ch.Before.(string)
			to, _ = ch.After.(string)
			return from, to, true
		}
	}
	return "", "", false
}

func with(c Cell, metric string) Cell {
	c.Metric = metric
	return c
}

// gauges counts a live customer in the customers per owner and per step.
func gauges(a Adds, s *state, sign int64) {
	if s == nil || !s.Live {
		return
	}
	a.add(Cell{Metric: metricOwned, User: s.Owner, Warehouse: s.Warehouse}, sign)
	for p, step := range s.Steps {
		a.add(Cell{Metric: metricAtStep, Pipeline: p, Step: step, User: s.Owner, Warehouse: s.Warehouse}, sign)
	}
}

// orderAdds counts a completed order's sale on the day it was ordered, for
// the owner, warehouse and source it was made for; sign -1 takes it back.
func orderAdds(a Adds, o *orders.Order, loc *time.Location, sign int64) {
	if o == nil || o.Status != orders.StatusCompleted {
		return
	}
	c := Cell{Day: domain.DateOf(o.OrderedAt, loc), User: o.OwnerID, Warehouse: o.WarehouseID, Source: o.Source}
	a.add(with(c, metricOrders), sign)
	a.add(with(c, metricRevenue), sign*o.Amount)
}
