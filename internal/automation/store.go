package automation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/rules"
	"tend/internal/store"
)

// Item types of this package.
const (
	typeRule    = "rule"
	typeRun     = "rule_run"
	typeOutcome = "rule_outcome"
	typeMarker  = "rule_marker"
	typeJob     = "rule_job"
	typeLog     = "automation_log"
)

// Key layout:
//
//	T#<t>#RULES          <rule>                     the rules (GSI1 DAILY / <t>#<rule> for enabled daily rules)
//	T#<t>#RLOG#<rule>    RUN#<started>#<run>        a run of the rule, with its totals
//	                     OUT#<run>#<customer>       what the run did to one customer
//	                     DAILY#<local date>         "ran on that day" marker
//	T#<t>#JOB#<run>      RUN                        a daily run of a group of rules (GSI1 RUNS#OPEN until done)
//	                     <shard>                    its checkpoint for one shard
//	T#<t>#C#<customer>   AUTO#<at>#<id>             the customer's automation log
const (
	dailyIndexPK = "DAILY"
	openRunsPK   = "RUNS#OPEN"
)

func rulesPK(t string) string         { return "T#" + t + "#RULES" }
func ruleKey(t, id string) store.Key  { return store.Key{PK: rulesPK(t), SK: id} }
func ruleLogPK(t, rule string) string { return "T#" + t + "#RLOG#" + rule }
func jobPK(t, run string) string      { return "T#" + t + "#JOB#" + run }
func markerKey(t, rule string, day domain.Date) store.Key {
	return store.Key{PK: ruleLogPK(t, rule), SK: "DAILY#" + day.String()}
}

func (r *Rule) item() store.Item {
	it := store.Item{Key: ruleKey(r.Tenant, r.ID), Type: typeRule, Version: r.Version, Doc: store.Doc(r)}
	if r.Enabled && r.Trigger.Type == TriggerDaily {
		it.Index[0] = store.IndexKey{PK: dailyIndexPK, SK: r.Tenant + "#" + r.ID}
	}
	return it
}

// loadRules reads every rule of a workspace.
func (s *Service) loadRules(ctx context.Context, tenant string) ([]*Rule, error) {
	var out []*Rule
	q := store.Query{PK: rulesPK(tenant), Limit: 500}
	for it, err := range store.Items(ctx, s.Store, q) {
		if err != nil {
			return nil, fmt.Errorf("automation: read rules: %w", err)
		}
		r, err := store.Decode[Rule](it)
		if err != nil {
			return nil, err
		}
		r.Version = it.Version
		out = append(out, r)
	}
	return out, nil
}

func (s *Service) loadRule(ctx context.Context, tenant, id string) (*Rule, error) {
	it, err := s.Store.Get(ctx, ruleKey(tenant, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("rule")
	}
	if err != nil {
		return nil, fmt.Errorf("automation: read rule %s: %w", id, err)
	}
	r, err := store.Decode[Rule](it)
	if err != nil {
		return nil, err
	}
	r.Version = it.Version
	return r, nil
}

// Run is one execution of a rule: a change that fired it, or a daily run
// over every customer.
type Run struct {
	ID        string      `json:"id"`
	RuleID    string      `json:"rule_id"`
	Trigger   TriggerType `json:"trigger"`
	StartedAt time.Time   `json:"started_at"`
	// Date is the local day of a daily run.
	Date      string    `json:"date,omitempty"`
	Status    string    `json:"status"` // running | done
	Evaluated int       `json:"evaluated"`
	Matched   int       `json:"matched"`
	Changed   int       `json:"changed"`
	Outcomes  []Outcome `json:"outcomes"`
	Tenant    string    `json:"-"`
}

// Outcome is what a rule did to one customer, and why: the log behind
// "why is this customer VIP?".
type Outcome struct {
	ID           string      `json:"id"`
	RuleID       string      `json:"rule_id"`
	RuleName     string      `json:"rule_name"`
	RunID        string      `json:"run_id"`
	Trigger      TriggerType `json:"trigger"`
	CustomerID   string      `json:"customer_id"`
	CustomerName string      `json:"customer_name"`
	At           time.Time   `json:"at"`
	// Matched is which condition group matched (-1 for a rule with no
	// conditions) and each condition's result.
	Matched *rules.Explanation   `json:"matched,omitempty"`
	Changes []domain.FieldChange `json:"changes"`
	// Skipped explains the actions that changed nothing or were refused.
	Skipped []string `json:"skipped,omitempty"`
	// Cut is set when the rule matched but its actions were not applied
	// because the chain of rule writes reached its limit.
	Cut   bool `json:"cut,omitempty"`
	Depth int  `json:"depth"`
}

// outcomeOps records an outcome in the rule's log and the customer's.
func outcomeOps(tenant string, o Outcome) []store.TxOp {
	doc := store.Doc(o)
	return []store.TxOp{
		store.TxPut(store.Item{Key: store.Key{PK: ruleLogPK(tenant, o.RuleID), SK: "OUT#" + o.RunID + "#" + o.CustomerID},
			Type: typeOutcome, Version: 1, Doc: doc}, store.None),
		store.TxPut(store.Item{Key: store.Key{PK: customer.Partition(tenant, o.CustomerID), SK: "AUTO#" + store.SortTime(o.At) + "#" + o.ID},
			Type: typeLog, Version: 1, Doc: doc}, store.None),
	}
}

func runKey(r *Run) store.Key {
	return store.Key{PK: ruleLogPK(r.Tenant, r.RuleID), SK: "RUN#" + store.SortTime(r.StartedAt) + "#" + r.ID}
}

func runItem(r *Run) store.Item {
	return store.Item{Key: runKey(r), Type: typeRun, Version: 1, Doc: store.Doc(r)}
}
