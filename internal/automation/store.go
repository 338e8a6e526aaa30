package automation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
//	                     DAILY#<local date>         "ran on that day" marker
//	                     OUT#<run>#<customer>       (before issue 12) what the run did to one customer
//	T#<t>#RLOG#<rule>#O#<nn>  OUT#<run>#<customer>  what the run did to one customer, in shard <nn>
//	T#<t>#JOB#<run>      RUN                        a daily run of a group of rules (GSI1 RUNS#OPEN until done)
//	                     <shard>                    its checkpoint for one shard
//	T#<t>#C#<customer>   AUTO#<at>#<id>             the customer's automation log
//
// A daily run's outcomes are sharded: the run writes one per customer it
// changes, thousands a second, more than one partition takes (1,000 write
// units a second; an outcome costs two, written in the customer's
// transaction). OutcomeShards partitions, picked by a stable hash of the
// customer's id, take 5,000 changes a second at about a third of each
// partition's limit, with room for the hash's unevenness. The runs list
// reads a daily run's outcomes from the rule's own partition (outcomes
// written before the shards stay there) and then shard after shard until
// it has the run's count or the page's worth; the run's count at its
// finish reads every shard. An outcome of a change-fired rule stays in
// the rule's own partition: it is written with the run record of that
// change, which is there too.
const OutcomeShards = 32

const (
	dailyIndexPK = "DAILY"
	openRunsPK   = "RUNS#OPEN"
)

func rulesPK(t string) string         { return "T#" + t + "#RULES" }
func ruleKey(t, id string) store.Key  { return store.Key{PK: rulesPK(t), SK: id} }
func ruleLogPK(t, rule string) string { return "T#" + t + "#RLOG#" + rule }
func jobPK(t, run string) string      { return "T#" + t + "#JOB#" + run }

// outcomeShardPK is the partition of a customer's daily-run outcomes in a
// rule's log.
func outcomeShardPK(t, rule, customerID string) string {
	return outcomeShard(t, rule, store.HashShard(customerID, OutcomeShards))
}

func outcomeShard(t, rule string, shard int) string {
	return fmt.Sprintf("%s#O#%02d", ruleLogPK(t, rule), shard)
}

// outcomePartitions are every partition a daily run's outcomes may be in:
// the rule's log itself (outcomes written before the shards), then each
// shard.
func outcomePartitions(t, rule string) []string {
	pks := []string{ruleLogPK(t, rule)}
	for shard := range OutcomeShards {
		pks = append(pks, outcomeShard(t, rule, shard))
	}
	return pks
}
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

// outcomeOps records an outcome in the rule's log (a daily run's in the
// customer's shard of it) and the customer's.
func outcomeOps(tenant string, o Outcome, daily bool) []store.TxOp {
	doc := store.Doc(o)
	pk := ruleLogPK(tenant, o.RuleID)
	if daily {
		pk = outcomeShardPK(tenant, o.RuleID, o.CustomerID)
	}
	return []store.TxOp{
		store.TxPut(store.Item{Key: store.Key{PK: pk, SK: "OUT#" + o.RunID + "#" + o.CustomerID},
			Type: typeOutcome, Version: 1, Doc: doc}, store.None),
		store.TxPut(store.Item{Key: store.Key{PK: customer.Partition(tenant, o.CustomerID), SK: "AUTO#" + store.SortTime(o.At) + "#" + o.ID},
			Type: typeLog, Version: 1, Doc: doc}, store.None),
	}
}

// runOutcomes reads up to limit of a run's outcomes, ordered by customer
// id. A daily run's are read partition after partition until all of them
// (want, when the run's count is known; -1 otherwise) or limit are found:
// which of them a long run shows is no matter, how many queries it takes is.
func (s *Service) runOutcomes(ctx context.Context, tenant string, run *Run, limit, want int) ([]Outcome, error) {
	pks := []string{ruleLogPK(tenant, run.RuleID)}
	if run.Trigger == TriggerDaily {
		pks = outcomePartitions(tenant, run.RuleID)
	}
	if want < 0 || want > limit {
		want = limit
	}
	var items []store.Item
	for _, pk := range pks {
		if len(items) >= want {
			break
		}
		page, err := s.Store.Query(ctx, store.Query{PK: pk, SK: store.SKBeginsWith, A: "OUT#" + run.ID + "#", Limit: limit - len(items)})
		if err != nil {
			return nil, fmt.Errorf("automation: read outcomes: %w", err)
		}
		items = append(items, page.Items...)
	}
	slices.SortFunc(items, func(a, b store.Item) int { return strings.Compare(a.SK, b.SK) })
	out := []Outcome{}
	for _, it := range items {
		o, err := store.Decode[Outcome](it)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, nil
}

// countOutcomes counts a daily run's outcomes in every partition they may
// be in.
func (s *Service) countOutcomes(ctx context.Context, tenant, rule, run string) (int, error) {
	n := 0
	for _, pk := range outcomePartitions(tenant, rule) {
		q := store.Query{PK: pk, SK: store.SKBeginsWith, A: "OUT#" + run + "#", Limit: 1000}
		for _, err := range store.Items(ctx, s.Store, q) {
			if err != nil {
				return 0, fmt.Errorf("automation: count outcomes: %w", err)
			}
			n++
		}
	}
	return n, nil
}

func runKey(r *Run) store.Key {
	return store.Key{PK: ruleLogPK(r.Tenant, r.RuleID), SK: "RUN#" + store.SortTime(r.StartedAt) + "#" + r.ID}
}

func runItem(r *Run) store.Item {
	return store.Item{Key: runKey(r), Type: typeRun, Version: 1, Doc: store.Doc(r)}
}
