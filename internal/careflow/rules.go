package careflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/notify"
	"tend/internal/store"
	"tend/internal/workspace"
)

// RuleActions are the care-flow actions automation rules may take too:
// messages, tasks and hand-overs.
var RuleActions = []string{ActionSendEmail, ActionSendSMS, ActionCreateTask, ActionHandOver}

// IsRuleAction reports whether an action type is one of RuleActions.
func IsRuleAction(typ string) bool { return slices.Contains(RuleActions, typ) }

// CheckRuleActions checks a rule's care-flow actions against the
// workspace as a customers flow's would be, each reported at its path
// ("actions[2].template_id").
func (s *Service) CheckRuleActions(ctx context.Context, o *workspace.Org, actions []Action, paths []string) error {
	f := &Flow{Module: ModuleCustomers, Actions: actions, Tenant: o.Workspace.ID}
	r, err := s.refsOf(ctx, o.Workspace.ID, f)
	if err != nil {
		return err
	}
	var p domain.Problems
	for i, a := range actions {
		checkAction(f, a, o, r, paths[i], &p)
	}
	return p.Err()
}

// RuleRun names one firing of a rule on a customer: its effects happen
// once per firing, however often the firing is handled.
type RuleRun struct {
	Rule     notify.Source
	Run      string // the change ("evt_<customer>_v<version>") or the daily run
	Customer *domain.Customer
	At       time.Time
	Cause    *customer.Cause
}

// ruleMarkKey records that a rule's firing on a customer had its effects.
func ruleMarkKey(t, rule, run, customer string) store.Key {
	return store.Key{PK: "T#" + t + "#RFX#" + rule, SK: run + "#" + customer}
}

// ApplyForRule carries out a rule's care-flow actions for one firing:
// messages through the outbox, tasks, hand-overs, each at most once.
func (s *Service) ApplyForRule(ctx context.Context, o *workspace.Org, fire RuleRun, actions []Action) error {
	t := o.Workspace.ID
	mark := ruleMarkKey(t, fire.Rule.ID, fire.Run, fire.Customer.ID)
	if _, err := s.st.Get(ctx, mark); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("careflow: read rule marker: %w", err)
	}
	f := &Flow{Module: ModuleCustomers, Actions: actions, Tenant: t}
	r, err := s.refsOf(ctx, t, f)
	if err != nil {
		return err
	}
	loc := o.Workspace.Location()
	a := &acting{s: s, org: o, refs: r, day: domain.DateOf(fire.At, loc), at: fire.At, source: fire.Rule,
		actor: domain.ActorAutomation, prefix: fmt.Sprintf("rule:%s:%s:%s", fire.Rule.ID, fire.Customer.ID, fire.Run),
		rec: record{id: fire.Customer.ID, customer: fire.Customer}, cu: fire.Customer, cause: fire.Cause}
	if err := a.do(ctx, actions); err != nil {
		return err
	}
	// Kept a little over a year: a firing is never handled again after
	// that.
	err = s.st.Put(ctx, store.Item{Key: mark, Type: typeDone, Version: 1, Doc: store.Doc(done{Run: fire.Run, At: s.now()}),
		ExpiresAt: s.now().Add(400 * 24 * time.Hour)}, store.NotExist)
	if errors.Is(err, store.ErrConditionFailed) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("careflow: mark rule effects done: %w", err)
	}
	return s.Notify.Dispatch(ctx, a.msgs)
}
