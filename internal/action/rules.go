package action

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

// RuleActions are the actions automation rules may take besides their
// own: messages, tasks and hand-overs.
var RuleActions = []string{SendEmail, SendSMS, CreateTask, HandOver}

// IsRuleAction reports whether an action type is one of RuleActions.
func IsRuleAction(typ string) bool { return slices.Contains(RuleActions, typ) }

// CheckRuleActions checks a rule's care-flow actions against the
// workspace as a customers flow's would be, each reported at its path
// ("actions[2].template_id").
func (s *Service) CheckRuleActions(ctx context.Context, o *workspace.Org, actions []Action, paths []string) error {
	r, err := s.Refs(ctx, o.Workspace.ID, actions)
	if err != nil {
		return err
	}
	var p domain.Problems
	for i, a := range actions {
		Check("customers", a, o, r, paths[i], &p)
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

// typeRuleDone is the item type of a rule firing's marker (as stored
// before the actions had a package of their own).
const typeRuleDone = "care_flow_done"

// ruleDone records in which run a rule's firing had its effects.
type ruleDone struct {
	Run string    `json:"run"`
	At  time.Time `json:"at"`
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
	if _, err := s.Store.Get(ctx, mark); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("action: read rule marker: %w", err)
	}
	r, err := s.Refs(ctx, t, actions)
	if err != nil {
		return err
	}
	loc := o.Workspace.Location()
	msgs, err := s.Do(ctx, &Target{Org: o, Refs: r, Day: domain.DateOf(fire.At, loc), At: fire.At, Source: fire.Rule,
		Actor: domain.ActorAutomation, Prefix: fmt.Sprintf("rule:%s:%s:%s", fire.Rule.ID, fire.Customer.ID, fire.Run),
		RecordID: fire.Customer.ID, Customer: fire.Customer, Cause: fire.Cause}, actions)
	if err != nil {
		return err
	}
	// Kept a little over a year: a firing is never handled again after
	// that.
	err = s.Store.Put(ctx, store.Item{Key: mark, Type: typeRuleDone, Version: 1, Doc: store.Doc(ruleDone{Run: fire.Run, At: s.now()}),
		ExpiresAt: s.now().Add(400 * 24 * time.Hour)}, store.NotExist)
	if errors.Is(err, store.ErrConditionFailed) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("action: mark rule effects done: %w", err)
	}
	return s.Dispatch(ctx, msgs)
}
