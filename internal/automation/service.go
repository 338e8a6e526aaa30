package automation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"tend/internal/action"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/rules"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Queue takes jobs for later: SQS in AWS, a durable table locally.
type Queue interface {
	Send(ctx context.Context, body []byte, delay time.Duration) error
}

// Orgs reads workspaces' set-ups.
type Orgs interface {
	LoadOrg(ctx context.Context, tenant string) (*workspace.Org, error)
}

// Customers are the customer operations rules need: reading customers,
// one by one, shard by shard or all, and editing them as a rule.
type Customers interface {
	GetCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error)
	EachCustomer(ctx context.Context, tenant string, fn func(*domain.Customer) error) error
	CustomersOfShard(ctx context.Context, tenant string, shard, limit int, cursor string) ([]*domain.Customer, string, error)
	EditAs(ctx context.Context, o *workspace.Org, customerID string, cause *customer.Cause, edits []customer.Edit, logs customer.Logs) ([]customer.EditOutcome, error)
}

// Effects checks and carries out the actions rules take besides their own
// (messages, tasks, hand-overs).
type Effects interface {
	CheckRuleActions(ctx context.Context, o *workspace.Org, actions []action.Action, paths []string) error
	ApplyForRule(ctx context.Context, o *workspace.Org, fire action.RuleRun, actions []action.Action) error
}

// Deps are what the automation service works with. Without Effects,
// rules can't name the actions of care flows.
type Deps struct {
	Store     store.Store
	Clock     domain.Clock
	Log       *slog.Logger
	Orgs      Orgs
	Customers Customers
	Jobs      Queue
	Effects   Effects
}

// Service manages rules and runs them.
type Service struct {
	Deps
	runs *shardrun.Runs

	cache sync.Map // compile key → *compiled
	rules sync.Map // tenant → *cachedRules
}

// cachedRules are a workspace's rules as of a set-up version.
type cachedRules struct {
	version int64
	rules   []*Rule
}

// New returns the automation service; d.Jobs receives daily-run shard
// jobs.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{Deps: d, runs: dailyRuns(d.Store, d.Jobs)}
}

func (s *Service) now() time.Time { return s.Clock.Now().UTC() }

// compiledFor returns the rule compiled against the workspace, compiling
// it once per rule version and workspace set-up.
func (s *Service) compiledFor(r *Rule, o *workspace.Org) (*compiled, error) {
	key := fmt.Sprintf("%s/%s/%d/%s", r.Tenant, r.ID, r.Version, setupStamp(o))
	if c, ok := s.cache.Load(key); ok {
		return c.(*compiled), nil
	}
	c, err := compileRule(r, o)
	if err != nil {
		return nil, err
	}
	s.cache.Store(key, c)
	return c, nil
}

// setupStamp changes whenever a field or pipeline a rule may name changes.
func setupStamp(o *workspace.Org) string {
	var b strings.Builder
	for _, f := range o.Fields {
		fmt.Fprintf(&b, "%s:%d,", f.Key, f.Version)
	}
	for _, p := range o.Pipelines {
		fmt.Fprintf(&b, "%s:%d,", p.ID, p.Version)
	}
	fmt.Fprintf(&b, "u%d", len(o.Users))
	return b.String()
}

// List returns the workspace's rules, oldest first.
func (s *Service) List(ctx context.Context, c *workspace.Caller) ([]*Rule, error) {
	rs, err := s.loadRules(ctx, c.Tenant())
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rs, func(a, b *Rule) int { return a.CreatedAt.Compare(b.CreatedAt) })
	if rs == nil {
		rs = []*Rule{}
	}
	return rs, nil
}

// Get returns a rule.
func (s *Service) Get(ctx context.Context, c *workspace.Caller, id string) (*Rule, error) {
	return s.loadRule(ctx, c.Tenant(), id)
}

// build applies an input to a rule (a new one when r is fresh).
func (s *Service) build(ctx context.Context, c *workspace.Caller, r *Rule, in *RuleInput, creating bool) error {
	var p domain.Problems
	if creating {
		if in.Name == nil {
			p.Add("name", "required")
		}
		if in.Trigger == nil {
			p.Add("trigger", "required")
		}
		if in.Actions == nil {
			p.Add("actions", "required")
		}
		if err := p.Err(); err != nil {
			return err
		}
	}
	now := s.now()
	if in.Name != nil {
		r.Name = strings.TrimSpace(*in.Name)
	}
	if in.Description != nil {
		r.Description = strings.TrimSpace(*in.Description)
	}
	if in.Trigger != nil {
		r.Trigger = *in.Trigger
	}
	if in.SetsConds {
		r.Conditions = in.Conditions
	}
	if r.Conditions == nil {
		r.Conditions = rules.Groups{}
	}
	if in.Actions != nil {
		r.Actions = *in.Actions
	}
	if in.Enabled != nil {
		if *in.Enabled && !r.Enabled {
			r.EnabledAt = now
		}
		r.Enabled = *in.Enabled
	}
	if _, err := compileRule(r, c.Org); err != nil {
		return err
	}
	return s.checkEffects(ctx, c.Org, r)
}

// checkEffects checks a rule's care-flow actions: what they name must
// exist (templates, users, distribution rules).
func (s *Service) checkEffects(ctx context.Context, o *workspace.Org, r *Rule) error {
	var actions []action.Action
	var paths []string
	var p domain.Problems
	for i, a := range r.Actions {
		if !action.IsRuleAction(a.Type) {
			continue
		}
		if s.Effects == nil {
			p.Add(fmt.Sprintf("actions[%d].type", i), "action_not_available", "type", a.Type)
			continue
		}
		actions, paths = append(actions, a.effect()), append(paths, fmt.Sprintf("actions[%d]", i))
	}
	if err := p.Err(); err != nil || len(actions) == 0 {
		return err
	}
	return s.Effects.CheckRuleActions(ctx, o, actions, paths)
}

// Create saves a new rule (admins only). Rules are enabled unless the
// input says otherwise.
func (s *Service) Create(ctx context.Context, c *workspace.Caller, in *RuleInput) (*Rule, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	now := s.now()
	r := &Rule{ID: domain.NewID("rule"), Tenant: c.Tenant(), CreatedBy: c.User.ID, CreatedAt: now, UpdatedAt: now, Version: 1}
	if in.Enabled == nil {
		enabled := true
		in.Enabled = &enabled
	}
	if err := s.build(ctx, c, r, in, true); err != nil {
		return nil, err
	}
	if err := s.Store.Transact(ctx, []store.TxOp{store.TxPut(r.item(), store.NotExist), workspace.SetupChanged(r.Tenant)}); err != nil {
		return nil, fmt.Errorf("automation: save rule: %w", err)
	}
	return r, nil
}

// Update changes a rule (admins only).
func (s *Service) Update(ctx context.Context, c *workspace.Caller, id string, in *RuleInput) (*Rule, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	r, err := s.loadRule(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	prev := r.Version
	if in.Version != nil && *in.Version != prev {
		return nil, domain.VersionConflict("rule")
	}
	if err := s.build(ctx, c, r, in, false); err != nil {
		return nil, err
	}
	r.Version, r.UpdatedAt = prev+1, s.now()
	err = s.Store.Transact(ctx, []store.TxOp{store.TxPut(r.item(), store.IfVersion(prev)), workspace.SetupChanged(r.Tenant)})
	if errors.Is(err, store.ErrConditionFailed) {
		return nil, domain.VersionConflict("rule")
	}
	if err != nil {
		return nil, fmt.Errorf("automation: save rule: %w", err)
	}
	return r, nil
}

// Delete removes a rule (admins only); its log stays.
func (s *Service) Delete(ctx context.Context, c *workspace.Caller, id string) error {
	if err := c.RequireAdmin(); err != nil {
		return err
	}
	if _, err := s.loadRule(ctx, c.Tenant(), id); err != nil {
		return err
	}
	return s.Store.Transact(ctx, []store.TxOp{store.TxDelete(ruleKey(c.Tenant(), id), store.None), workspace.SetupChanged(c.Tenant())})
}

// Preview is what a rule would do now.
type Preview struct {
	Matched int             `json:"matched"`
	Sample  []PreviewSample `json:"sample"`
}

// PreviewSample is one matching customer and what the rule would change.
type PreviewSample struct {
	CustomerID string               `json:"customer_id"`
	Name       string               `json:"name"`
	Group      int                  `json:"group"`
	Changes    []domain.FieldChange `json:"changes"`
}

// PreviewSize is how many matching customers a preview shows.
const PreviewSize = 20

// Preview counts the customers a rule would match now and shows what it
// would change for a sample of them, writing nothing (admins only).
func (s *Service) Preview(ctx context.Context, c *workspace.Caller, in *RuleInput) (*Preview, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	r := &Rule{Tenant: c.Tenant(), Name: "preview"}
	if in.Name == nil {
		in.Name = &r.Name
	}
	if err := s.build(ctx, c, r, in, true); err != nil {
		return nil, err
	}
	comp, err := compileRule(r, c.Org)
	if err != nil {
		return nil, err
	}
	now := s.now()
	loc := c.Org.Workspace.Location()
	env := rules.NewEnv(now, loc)
	out := &Preview{Sample: []PreviewSample{}}
	err = s.Customers.EachCustomer(ctx, c.Tenant(), func(cu *domain.Customer) error {
		ex := comp.set.Explain(cu, env)
		if !ex.Matched {
			return nil
		}
		out.Matched++
		if len(out.Sample) < PreviewSize {
			after := customer.Clone(cu)
			for _, act := range comp.actions {
				_ = act(after, now, loc) // a refused action shows as no change
			}
			changes := customer.Diff(cu, after)
			if changes == nil {
				changes = []domain.FieldChange{}
			}
			out.Sample = append(out.Sample, PreviewSample{CustomerID: cu.ID, Name: cu.Name, Group: ex.Group, Changes: changes})
		}
		return nil
	})
	return out, err
}

// Runs lists a rule's executions, newest first, each with (up to 100 of)
// its per-customer outcomes.
func (s *Service) Runs(ctx context.Context, c *workspace.Caller, id string, limit int, cursor string) (*domain.Page[Run], error) {
	if _, err := s.loadRule(ctx, c.Tenant(), id); err != nil {
		return nil, err
	}
	page, err := s.Store.Query(ctx, store.Query{PK: ruleLogPK(c.Tenant(), id), SK: store.SKBeginsWith, A: "RUN#",
		Reverse: true, Limit: domain.ListLimit(limit), Cursor: cursor})
	if err != nil {
		return nil, store.CursorError(err)
	}
	out := &domain.Page[Run]{Items: []Run{}, NextCursor: page.Cursor}
	for _, it := range page.Items {
		run, err := store.Decode[Run](it)
		if err != nil {
			return nil, err
		}
		want := run.Changed // a finished run's count of its outcomes
		if run.Status == "running" {
			if err := s.liveCounts(ctx, c.Tenant(), run); err != nil {
				return nil, err
			}
			want = -1
		}
		if run.Trigger != TriggerDaily {
			want = -1 // a cut rule's outcome changed nothing
		}
		if run.Outcomes, err = s.runOutcomes(ctx, c.Tenant(), run, 100, want); err != nil {
			return nil, err
		}
		out.Items = append(out.Items, *run)
	}
	return out, nil
}

// CustomerLog lists what rules did to a customer and why, newest first.
func (s *Service) CustomerLog(ctx context.Context, c *workspace.Caller, customerID string, limit int, cursor string) (*domain.Page[Outcome], error) {
	if _, err := s.Customers.GetCustomer(ctx, c, customerID); err != nil {
		return nil, err
	}
	page, err := s.Store.Query(ctx, store.Query{PK: customer.Partition(c.Tenant(), customerID), SK: store.SKBeginsWith, A: "AUTO#",
		Reverse: true, Limit: domain.ListLimit(limit), Cursor: cursor})
	if err != nil {
		return nil, store.CursorError(err)
	}
	out := &domain.Page[Outcome]{Items: []Outcome{}, NextCursor: page.Cursor}
	for _, it := range page.Items {
		o, err := store.Decode[Outcome](it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, *o)
	}
	return out, nil
}
