package automation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tend/internal/action"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/notify"
	"tend/internal/rules"
	"tend/internal/store"
	"tend/internal/workspace"
)

// MaxChainDepth bounds chains of rule writes: the rules fired by one
// user's change may write, the rules fired by that write may write, and so
// on, at most this many writes deep. A rule that would go deeper is cut,
// and the cut is written to its log.
const MaxChainDepth = 5

// fired is a rule that matched a customer, and why.
type fired struct {
	rule *compiled
	why  rules.Explanation
}

// eventRules returns the enabled created / created_or_updated rules of a
// workspace, compiled.
func (s *Service) eventRules(ctx context.Context, o *workspace.Org) ([]*compiled, error) {
	rs, err := s.rulesOf(ctx, o)
	if err != nil {
		return nil, err
	}
	var out []*compiled
	for _, r := range rs {
		if !r.Enabled || r.Trigger.Type == TriggerDaily {
			continue
		}
		c, err := s.compiledFor(r, o)
		if err != nil {
			// The workspace changed under the rule (a field it names was
			// removed): it can't run until it is fixed.
			s.Log.Warn("rule does not compile", "tenant", o.Workspace.ID, "rule", r.ID, "err", err)
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// rulesOf returns a workspace's rules, read once per set-up version (rule
// writes move it).
func (s *Service) rulesOf(ctx context.Context, o *workspace.Org) ([]*Rule, error) {
	if c, ok := s.rules.Load(o.Workspace.ID); ok && c.(*cachedRules).version == o.SetupVersion {
		return c.(*cachedRules).rules, nil
	}
	rs, err := s.loadRules(ctx, o.Workspace.ID)
	if err != nil {
		return nil, err
	}
	s.rules.Store(o.Workspace.ID, &cachedRules{version: o.SetupVersion, rules: rs})
	return rs, nil
}

// HandleChange runs the rules a customer change fires: created rules on a
// new customer; created_or_updated rules when the change makes the
// customer match (it did not before, or the change touched a field the
// rule reads). A change may be handled twice: actions that would change
// nothing write nothing, and the logs are keyed by the change.
func (s *Service) HandleChange(ctx context.Context, old, new *customer.Image) error {
	if new == nil || new.Customer.Deleted() {
		return nil
	}
	o, err := s.Orgs.LoadOrg(ctx, new.Tenant)
	if errors.Is(err, domain.ErrNotFound) {
		return nil // the workspace is gone
	}
	if err != nil {
		return err
	}
	rs, err := s.eventRules(ctx, o)
	if err != nil || len(rs) == 0 {
		return err
	}
	cu := &new.Customer
	var before *domain.Customer
	if old != nil && !old.Customer.Deleted() {
		before = &old.Customer
	}
	loc := o.Workspace.Location()
	env := rules.NewEnv(s.now(), loc)
	changed := customer.ChangedFields(before, cu)
	var hits []fired
	for _, r := range rs {
		if !r.set.Match(cu, env) {
			continue
		}
		switch r.rule.Trigger.Type {
		case TriggerCreated:
			if old != nil {
				continue
			}
		case TriggerCreatedOrUpdated:
			if before != nil && r.set.Match(before, env) && !r.touches(changed) {
				continue
			}
		}
		hits = append(hits, fired{rule: r, why: r.set.Explain(cu, env)})
	}
	if len(hits) == 0 {
		return nil
	}
	run := runRef{
		id:      fmt.Sprintf("evt_%s_v%d", cu.ID, cu.Version),
		trigger: "",
		at:      cu.UpdatedAt,
		depth:   new.Depth(),
	}
	if run.depth >= MaxChainDepth {
		return s.logCut(ctx, o, cu, hits, run)
	}
	// A change delivered twice: the customer already is as the rules want
	// (nothing is written), and the effects are done once per firing.
	if wouldChange(hits, cu, run.at, loc) {
		if _, err = s.act(ctx, o, cu.ID, hits, run, env); err != nil {
			return err
		}
	}
	return s.effects(ctx, o, cu, hits, run)
}

// effects carries out the care-flow actions of the fired rules (messages,
// tasks, hand-overs), once per rule, customer and firing.
func (s *Service) effects(ctx context.Context, o *workspace.Org, cu *domain.Customer, hits []fired, run runRef) error {
	for _, h := range hits {
		if len(h.rule.effects) == 0 || s.Effects == nil {
			continue
		}
		r := h.rule.rule
		err := s.Effects.ApplyForRule(ctx, o, action.RuleRun{Rule: notify.Source{Kind: "rule", ID: r.ID, Name: r.Name},
			Run: run.id, Customer: cu, At: run.at, Cause: &customer.Cause{Rules: []string{r.ID}, Depth: run.depth + 1}}, h.rule.effects)
		if err != nil {
			return fmt.Errorf("automation: effects of rule %s: %w", r.ID, err)
		}
	}
	return nil
}

// runRef names the execution an evaluation belongs to.
type runRef struct {
	id      string
	trigger TriggerType // "" for the rule's own trigger
	at      time.Time   // the change's time, or the daily occurrence
	depth   int         // of the write that fired the rules
	daily   bool
}

// act applies the fired rules' actions to the customer in one write, each
// rule the author of its own history entry, with the outcomes logged in the
// same transaction.
func (s *Service) act(ctx context.Context, o *workspace.Org, customerID string, hits []fired, run runRef, env *rules.Env) ([]customer.EditOutcome, error) {
	loc := o.Workspace.Location()
	edits := make([]customer.Edit, len(hits))
	ids := make([]string, len(hits))
	skipped := make([][]string, len(hits))
	for i, h := range hits {
		h, i := h, i
		ids[i] = h.rule.rule.ID
		edits[i] = customer.Edit{
			Actor:  domain.Actor{Kind: domain.ActorAutomation, ID: h.rule.rule.ID, Name: h.rule.rule.Name},
			Action: "automation",
			Guard:  func(c *domain.Customer) bool { return h.rule.set.Match(c, env) },
			Apply: func(c *domain.Customer) error {
				skipped[i] = h.rule.applyAll(c, run.at, loc)
				return nil
			},
		}
	}
	outcome := func(i int, c *domain.Customer, changes []domain.FieldChange) Outcome {
		r := hits[i].rule.rule
		trigger := run.trigger
		if trigger == "" {
			trigger = r.Trigger.Type
		}
		why := hits[i].why
		if changes == nil {
			changes = []domain.FieldChange{}
		}
		return Outcome{ID: run.id + "_" + r.ID, RuleID: r.ID, RuleName: r.Name, RunID: run.id, Trigger: trigger,
			CustomerID: c.ID, CustomerName: c.Name, At: run.at, Matched: &why, Changes: changes,
			Skipped: skipped[i], Depth: run.depth + 1}
	}
	logs := func(c *domain.Customer, out []customer.EditOutcome) []store.TxOp {
		var ops []store.TxOp
		for i, e := range out {
			if len(e.Changes) == 0 {
				continue
			}
			oc := outcome(i, c, e.Changes)
			ops = append(ops, outcomeOps(o.Workspace.ID, oc, run.daily)...)
			if !run.daily {
				ops = append(ops, store.TxPut(runItem(eventRun(o.Workspace.ID, oc)), store.None))
			}
		}
		return ops
	}
	out, err := s.Customers.EditAs(ctx, o, customerID, &customer.Cause{Rules: ids, Depth: run.depth + 1}, edits, logs)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil // deleted meanwhile
	}
	return out, err
}

// eventRun is the run record of a rule fired by one change.
func eventRun(tenant string, oc Outcome) *Run {
	return &Run{ID: oc.RunID, RuleID: oc.RuleID, Trigger: oc.Trigger, StartedAt: oc.At, Status: "done",
		Evaluated: 1, Matched: 1, Changed: 1, Tenant: tenant}
}

// logCut records, for each rule that matched too deep in a chain, that it
// was not applied.
func (s *Service) logCut(ctx context.Context, o *workspace.Org, cu *domain.Customer, hits []fired, run runRef) error {
	var ops []store.TxOp
	for _, h := range hits {
		r := h.rule.rule
		why := h.why
		oc := Outcome{ID: run.id + "_" + r.ID, RuleID: r.ID, RuleName: r.Name, RunID: run.id, Trigger: r.Trigger.Type,
			CustomerID: cu.ID, CustomerName: cu.Name, At: run.at, Matched: &why, Changes: []domain.FieldChange{},
			Cut: true, Depth: run.depth + 1, Skipped: []string{cutReason(o.Workspace.Language)}}
		s.Log.Warn("automation chain cut", "tenant", o.Workspace.ID, "rule", r.ID, "customer", cu.ID, "depth", run.depth)
		ops = append(ops, outcomeOps(o.Workspace.ID, oc, false)...)
		run := eventRun(o.Workspace.ID, oc)
		run.Changed = 0
		ops = append(ops, store.TxPut(runItem(run), store.None))
	}
	for len(ops) > 0 {
		n := min(len(ops), store.MaxTransactItems)
		if err := s.Store.Transact(ctx, ops[:n]); err != nil {
			return fmt.Errorf("automation: log cut: %w", err)
		}
		ops = ops[n:]
	}
	return nil
}

// cutReason says, in the workspace's language, why a rule cut from a chain
// did nothing.
func cutReason(lang string) string {
	return fmt.Sprintf(inbox.Say(lang,
		"chuỗi thay đổi do luật tự động hóa đã đạt giới hạn (%d): các hành động không được thực hiện",
		"chain of rule writes reached its limit (%d): actions not applied"), MaxChainDepth)
}

// wouldChange reports whether applying the rules' actions to a copy of cu
// changes it: a customer that already is as the rules want is left alone
// without a read or a write.
func wouldChange(hits []fired, cu *domain.Customer, ref time.Time, loc *time.Location) bool {
	dry := customer.Clone(cu)
	for _, h := range hits {
		for _, act := range h.rule.actions {
			before := customer.Clone(dry)
			if act(dry, ref, loc) != nil {
				dry = before // a refused action changes nothing
			}
		}
	}
	return !customer.Same(cu, dry)
}

// applyAll applies the rule's actions in order and explains the ones that
// changed nothing or were refused (those leave the customer as it was).
func (c *compiled) applyAll(cu *domain.Customer, ref time.Time, loc *time.Location) []string {
	var skipped []string
	for i, act := range c.actions {
		a := c.rule.Actions[i]
		if action.IsRuleAction(a.Type) {
			continue // not a change of the customer: see effects
		}
		if len(c.actions) == 1 {
			// One action: the write as a whole tells whether it changed
			// anything; no copy needed.
			if err := act(cu, ref, loc); err != nil {
				skipped = append(skipped, fmt.Sprintf("actions[%d] %s refused: %s", i, a.Type, refusal(err)))
			}
			continue
		}
		before := customer.Clone(cu)
		if err := act(cu, ref, loc); err != nil {
			*cu = *before
			skipped = append(skipped, fmt.Sprintf("actions[%d] %s refused: %s", i, a.Type, refusal(err)))
			continue
		}
		if len(customer.Diff(before, cu)) == 0 {
			skipped = append(skipped, fmt.Sprintf("actions[%d] %s: no change", i, a.Type))
		}
	}
	return skipped
}

func refusal(err error) string {
	var de *domain.Error
	if errors.As(err, &de) && len(de.Fields) > 0 {
		return de.Fields[0].Path + " " + de.Fields[0].Code
	}
	return domain.CodeOf(err)
}
