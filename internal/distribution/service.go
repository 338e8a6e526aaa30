package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Queue takes distribution messages for later: SQS in AWS (at most 15
// minutes of delay), a durable table locally.
type Queue interface {
	Send(ctx context.Context, body []byte, delay time.Duration) error
}

// MaxQueueDelay is the longest delay the queue takes (SQS's DelaySeconds);
// longer delays wait in the table for the scheduler's tick.
const MaxQueueDelay = 15 * time.Minute

// Orgs reads workspaces' set-ups.
type Orgs interface {
	LoadOrg(ctx context.Context, tenant string) (*workspace.Org, error)
}

// Customers are the customer operations distribution needs: reading a
// customer as it is, the customers of a warehouse (reclaim), and giving a
// customer its owner.
type Customers interface {
	CustomerImage(ctx context.Context, tenant, id string) (*domain.Customer, error)
	EachCustomerOfWarehouse(ctx context.Context, tenant, warehouse string, fn func(*domain.Customer) error) error
	EditAs(ctx context.Context, o *workspace.Org, customerID string, cause *customer.Cause, edits []customer.Edit, logs customer.Logs) ([]customer.EditOutcome, error)
}

// Service manages distribution rules and gives customers out.
type Service struct {
	orgs      Orgs
	customers Customers
	st        store.Store
	clock     domain.Clock
	log       *slog.Logger
	queue     Queue
	cache     sync.Map // tenant → *cachedRules
	seeded    sync.Map // rule counter key → true once known to exist (rotation.go)
}

// cachedRules are a workspace's rules as of a set-up version (rule writes
// move it).
type cachedRules struct {
	version int64
	rules   []*Rule
}

// rulesOf returns a workspace's rules, read once per set-up version.
func (s *Service) rulesOf(ctx context.Context, o *workspace.Org) ([]*Rule, error) {
	if c, ok := s.cache.Load(o.Workspace.ID); ok && c.(*cachedRules).version == o.SetupVersion {
		return c.(*cachedRules).rules, nil
	}
	rs, err := s.rules(ctx, o.Workspace.ID)
	if err != nil {
		return nil, err
	}
	s.cache.Store(o.Workspace.ID, &cachedRules{version: o.SetupVersion, rules: rs})
	return rs, nil
}

// New returns the distribution service; queue receives assignment
// messages.
func New(st store.Store, clock domain.Clock, log *slog.Logger, orgs Orgs, customers Customers, queue Queue) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{orgs: orgs, customers: customers, st: st, clock: clock, log: log, queue: queue}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// Key layout (tenant t, rule r, customer c, shard s). Shards (shards.go):
// a rule's log, counts and waiting list over 8 partitions each, because
// each assignment writes 2 units to each (8 take 4,000 assignments a
// second); read by fanning out over the 8 and merging (log, by position)
// or summing (counts). The counter takes one add per batch of up to 10
// (batch.go), so with full batches these shards, not the counter, are a
// rule's limit (about 4,000 a second). Due items over 128 index
// partitions, because each delayed lead writes 2 index units and 50,000
// delayed leads a second across workspaces need 100; the tick reads the
// 128.
//
//	T#<t>#DRULES         <r>             the rules (GSI1 DISTRECLAIM / <t>#<r> for enabled reclaim rules)
//	T#<t>#DCTR#<r>       n               the rule's rotation counter: one atomic add per batch (rotation.go)
//	T#<t>#DSLOT#<c>      <r>#<episode>   the position a customer's episode got, claimed once
//	T#<t>#DSTAT#<r>#<s>  <user>          assignments per staff member, s = position mod 8 (counters, summed at read)
//	T#<t>#DWAIT#<r>#<s>  <c>             a customer waiting for available staff, s = hash(c) mod 8
//	T#<t>#DLOG#<r>#<s>   <n>             the assignment of position n, s = n mod 8 (merged by n at read)
//	T#<t>#DSCHED#<r>     <c>#<episode>   "reclaim scheduled" marker
//	T#<t>#DDUE#<c>       <r>#<episode>   a distribution due later than the queue can delay
//	                                     (GSI1 DISTDUE#<s> / <due>#<t>#<c>, s = hash(key) mod 128)
//	T#<t>#DSCAN          <r>#<period>    "reclaim rule scanned in this period" marker (expires)
//
// Before issue 12 the counters of all of a workspace's rules were one
// partition (T#<t>#DCTR / <r>), and slots, counts, waiting customers and
// the log one partition per rule (T#<t>#DSLOT#<r> / <c>#<episode>,
// T#<t>#DSTAT#<r>, T#<t>#DWAIT#<r>, T#<t>#DLOG#<r>), with arrivals
// (T#<t>#DARR#<r>) and due items in one index partition (GSI1 DISTDUE).
// Those items on a deployed table are read where they matter, not moved:
// a rule's new counter starts from its old one, stats sum the old counts,
// the log merges the old entries, old waiting customers still waiting are
// counted, and the tick reads the old due partition. Old arrivals are no
// longer read (each has its own message, which places it) and expire; an
// old slot is not read, so a customer that had one but was not yet given
// out at the deploy takes a new position (its old one is a gap).
const (
	reclaimIndexPK = "DISTRECLAIM"
	oldDueIndexPK  = "DISTDUE"
)

func rulesPK(t string) string             { return "T#" + t + "#DRULES" }
func ruleKey(t, id string) store.Key      { return store.Key{PK: rulesPK(t), SK: id} }
func counterKey(t, rule string) store.Key { return store.Key{PK: "T#" + t + "#DCTR#" + rule, SK: "n"} }
func oldCounterKey(t, rule string) store.Key {
	return store.Key{PK: "T#" + t + "#DCTR", SK: rule}
}
func slotKey(t, rule, c, ep string) store.Key {
	return store.Key{PK: "T#" + t + "#DSLOT#" + c, SK: rule + "#" + ep}
}
func statsPK(t, rule string, s int) string { return oldStatsPK(t, rule) + shardSuffix(s) }
func oldStatsPK(t, rule string) string     { return "T#" + t + "#DSTAT#" + rule }
func waitKey(t, rule, c string) store.Key {
	return store.Key{PK: waitPK(t, rule, shardOf(c, ruleShards)), SK: c}
}
func waitPK(t, rule string, s int) string { return oldWaitPK(t, rule) + shardSuffix(s) }
func oldWaitPK(t, rule string) string     { return "T#" + t + "#DWAIT#" + rule }
func schedKey(t, rule, c, ep string) store.Key {
	return store.Key{PK: "T#" + t + "#DSCHED#" + rule, SK: c + "#" + ep}
}
func dueKey(t, rule, c, ep string) store.Key {
	return store.Key{PK: "T#" + t + "#DDUE#" + c, SK: rule + "#" + ep}
}
func dueIndexPK(s int) string { return oldDueIndexPK + shardSuffix(s) }
func scanKey(t, rule string, period time.Time) store.Key {
	return store.Key{PK: "T#" + t + "#DSCAN", SK: rule + "#" + store.SortTime(period)}
}
func logPK(t, rule string, s int) string { return oldLogPK(t, rule) + shardSuffix(s) }
func oldLogPK(t, rule string) string     { return "T#" + t + "#DLOG#" + rule }
func positionSK(n int64) string          { return fmt.Sprintf("%012d", n) }
func assignmentKey(t, rule string, n int64) store.Key {
	return store.Key{PK: logPK(t, rule, positionShard(n)), SK: positionSK(n)}
}

func (r *Rule) item() store.Item {
	it := store.Item{Key: ruleKey(r.Tenant, r.ID), Type: "dist_rule", Version: r.Version, Doc: store.Doc(r)}
	if r.Enabled && r.Type == Reclaim {
		it.Index[0] = store.IndexKey{PK: reclaimIndexPK, SK: r.Tenant + "#" + r.ID}
	}
	return it
}

func decodeRule(it store.Item) (*Rule, error) {
	var r Rule
	if err := json.Unmarshal(it.Doc, &r); err != nil {
		return nil, fmt.Errorf("distribution: decode rule %s: %w", it.Key, err)
	}
	r.Version = it.Version
	return &r, nil
}

// rules reads a workspace's rules, by priority.
func (s *Service) rules(ctx context.Context, tenant string) ([]*Rule, error) {
	page, err := s.st.Query(ctx, store.Query{PK: rulesPK(tenant), Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("distribution: read rules: %w", err)
	}
	out := make([]*Rule, 0, len(page.Items))
	for _, it := range page.Items {
		r, err := decodeRule(it)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b *Rule) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		return a.CreatedAt.Compare(b.CreatedAt)
	})
	return out, nil
}

func (s *Service) rule(ctx context.Context, tenant, id string) (*Rule, error) {
	it, err := s.st.Get(ctx, ruleKey(tenant, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("distribution_rule")
	}
	if err != nil {
		return nil, fmt.Errorf("distribution: read rule %s: %w", id, err)
	}
	return decodeRule(it)
}

// List returns the workspace's rules by priority.
func (s *Service) List(ctx context.Context, c *workspace.Caller) ([]*Rule, error) {
	return s.rules(ctx, c.Tenant())
}

// Get returns a rule.
func (s *Service) Get(ctx context.Context, c *workspace.Caller, id string) (*Rule, error) {
	return s.rule(ctx, c.Tenant(), id)
}

// Save creates (id "") or changes a rule (admins only).
func (s *Service) Save(ctx context.Context, c *workspace.Caller, id string, in Input) (*Rule, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	now := s.now()
	r := &Rule{ID: domain.NewID("drule"), Tenant: c.Tenant(), Enabled: true, CreatedAt: now}
	var prev int64
	if id != "" {
		cur, err := s.rule(ctx, c.Tenant(), id)
		if err != nil {
			return nil, err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return nil, domain.VersionConflict("distribution_rule")
		}
		r, prev = cur, cur.Version
	}
	r.apply(in)
	if err := r.check(c.Org); err != nil {
		return nil, err
	}
	r.Version, r.UpdatedAt = prev+1, now
	cond := store.NotExist
	if prev > 0 {
		cond = store.IfVersion(prev)
	}
	err := s.st.Transact(ctx, []store.TxOp{store.TxPut(r.item(), cond), workspace.SetupChanged(r.Tenant)})
	if errors.Is(err, store.ErrConditionFailed) {
		return nil, domain.VersionConflict("distribution_rule")
	}
	if err != nil {
		return nil, fmt.Errorf("distribution: save rule: %w", err)
	}
	return r, nil
}

// Delete removes a rule (admins only); customers it gave out keep their
// owner.
func (s *Service) Delete(ctx context.Context, c *workspace.Caller, id string) error {
	if err := c.RequireAdmin(); err != nil {
		return err
	}
	if _, err := s.rule(ctx, c.Tenant(), id); err != nil {
		return err
	}
	return s.st.Transact(ctx, []store.TxOp{store.TxDelete(ruleKey(c.Tenant(), id), store.None), workspace.SetupChanged(c.Tenant())})
}
