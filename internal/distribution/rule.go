// Package distribution gives new customers to staff automatically [chia cơ
// hội tự động]: in strict rotation, by weight, and by taking back customers
// whose owner has not cared for them [thu hồi]. Each assignment is one
// conditional write ("owner still empty"), and the rotation is one atomic
// add on the rule's counter, claimed once per customer, so retries,
// duplicates and concurrency never assign a customer twice or skew the
// shares. Customers take their places in the order their adds land, which
// for customers handled at the same time need not be the order they
// arrived in (rotation.go).
package distribution

import (
	"fmt"
	"strings"
	"time"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// Type is how a rule gives customers out.
type Type string

const (
	RoundRobin Type = "round_robin" // xoay vòng
	Weighted   Type = "weighted"    // theo tỷ trọng
	Reclaim    Type = "reclaim"     // thu hồi
)

// Staff is a listed staff member and their weight (weighted rules).
type Staff struct {
	UserID string `json:"user_id"`
	Weight int    `json:"weight,omitempty"`
}

// Rule is a distribution rule.
type Rule struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Type        Type            `json:"type"`
	WarehouseID string          `json:"warehouse_id"`
	PipelineID  string          `json:"pipeline_id"`
	StepID      string          `json:"step_id"`
	Delay       domain.Duration `json:"delay"`
	Staff       []Staff         `json:"staff"`
	// ReclaimAfter and Then are for reclaim rules: how long an owner may
	// go without caring, and how the customers taken back are given out.
	ReclaimAfter domain.Duration `json:"reclaim_after,omitempty"`
	Then         Type            `json:"then,omitempty"`
	Priority     int             `json:"priority"`
	Enabled      bool            `json:"enabled"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
	Version      int64           `json:"version"`
	Tenant       string          `json:"tenant_id"`
}

// Input creates or changes a rule; on a change, absent fields are kept.
type Input struct {
	Name         *string          `json:"name"`
	Type         *Type            `json:"type"`
	WarehouseID  *string          `json:"warehouse_id"`
	PipelineID   *string          `json:"pipeline_id"`
	StepID       *string          `json:"step_id"`
	Delay        *domain.Duration `json:"delay"`
	Staff        *[]Staff         `json:"staff"`
	ReclaimAfter *domain.Duration `json:"reclaim_after"`
	Then         *Type            `json:"then"`
	Priority     *int             `json:"priority"`
	Enabled      *bool            `json:"enabled"`
	Version      *int64           `json:"version"`
}

// MaxDelay bounds a rule's delay.
const MaxDelay = 30 * 24 * time.Hour

func (r *Rule) apply(in Input) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&r.Name, in.Name)
	set(&r.WarehouseID, in.WarehouseID)
	set(&r.PipelineID, in.PipelineID)
	set(&r.StepID, in.StepID)
	if in.Type != nil {
		r.Type = *in.Type
	}
	if in.Delay != nil {
		r.Delay = *in.Delay
	}
	if in.Staff != nil {
		r.Staff = *in.Staff
	}
	if in.ReclaimAfter != nil {
		r.ReclaimAfter = *in.ReclaimAfter
	}
	if in.Then != nil {
		r.Then = *in.Then
	}
	if in.Priority != nil {
		r.Priority = *in.Priority
	}
	if in.Enabled != nil {
		r.Enabled = *in.Enabled
	}
}

// check validates a rule against the workspace, naming each bad element.
func (r *Rule) check(o *workspace.Org) error {
	var p domain.Problems
	check.Text(&p, "name", r.Name, 200, true)
	switch r.Type {
	case RoundRobin, Weighted, Reclaim:
	case "":
		p.Add("type", "required")
	default:
		p.Add("type", "invalid_distribution_type")
	}
	if _, ok := o.Warehouse(r.WarehouseID); !ok {
		if r.WarehouseID == "" {
			p.Add("warehouse_id", "required")
		} else {
			p.Add("warehouse_id", "unknown_warehouse", "value", r.WarehouseID)
		}
	}
	if r.PipelineID != "" || r.StepID != "" {
		o.CheckStep(&p, r.PipelineID, r.StepID)
	}
	if r.Delay < 0 || time.Duration(r.Delay) > MaxDelay {
		p.Add("delay", "out_of_range")
	}
	weighted := r.Type == Weighted || (r.Type == Reclaim && r.Then == Weighted)
	if len(r.Staff) == 0 {
		p.Add("staff", "required")
	}
	seen := map[string]bool{}
	for i, st := range r.Staff {
		at := fmt.Sprintf("staff[%d]", i)
		if _, ok := o.User(st.UserID); !ok {
			p.Add(at+".user_id", "unknown_user", "value", st.UserID)
		} else if seen[st.UserID] {
			p.Add(at+".user_id", "listed_twice")
		}
		seen[st.UserID] = true
		switch {
		case weighted && (st.Weight < 1 || st.Weight > 100):
			p.Add(at+".weight", "out_of_range")
		case !weighted && st.Weight != 0 && st.Weight != 1:
			p.Add(at+".weight", "weight_not_used")
		}
	}
	if r.Type == Reclaim {
		if r.ReclaimAfter < domain.Duration(time.Hour) || time.Duration(r.ReclaimAfter) > 365*24*time.Hour {
			p.Add("reclaim_after", "out_of_range")
		}
		if r.Then != RoundRobin && r.Then != Weighted {
			p.Add("then", "invalid_distribution_type")
		}
		if len(r.Staff) < 2 {
			p.Add("staff", "reclaim_needs_two")
		}
	} else {
		if r.ReclaimAfter != 0 {
			p.Add("reclaim_after", "only_for_reclaim")
		}
		if r.Then != "" {
			p.Add("then", "only_for_reclaim")
		}
	}
	return p.Err()
}

// inScope reports whether a customer is in the rule's warehouse and step.
func (r *Rule) inScope(c *domain.Customer) bool {
	if c.WarehouseID != r.WarehouseID || c.Deleted() {
		return false
	}
	return r.PipelineID == "" || c.Pipelines[r.PipelineID] == r.StepID
}

// covers reports whether the rule may give the customer out for m: a
// customer in its scope, or any live one handed over by a care flow.
func (r *Rule) covers(c *domain.Customer, m Message) bool {
	if m.Kind == KindHandOver {
		return !c.Deleted()
	}
	return r.inScope(c)
}

// giveOut is how the rule gives customers out: its type, or for reclaim
// rules how they give out what they take back.
func (r *Rule) giveOut() Type {
	if r.Type == Reclaim {
		return r.Then
	}
	return r.Type
}

// weights returns each listed staff member's weight for giving out.
func (r *Rule) weight(st Staff) int {
	if r.giveOut() == Weighted {
		return st.Weight
	}
	return 1
}

// TargetShare is the share of the rule's customers a user should get: their
// weight over the listed staff's (0 for someone not listed).
func (r *Rule) TargetShare(userID string) float64 {
	total, mine := 0, 0
	for _, st := range r.Staff {
		total += r.weight(st)
		if st.UserID == userID {
			mine += r.weight(st)
		}
	}
	if total == 0 {
		return 0
	}
	return float64(mine) / float64(total)
}
