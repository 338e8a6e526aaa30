package careflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"tend/internal/action"
	"tend/internal/domain"
	"tend/internal/notify"
	"tend/internal/orders"
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

// Customers reads the customers flows act on: one (an order's), or shard
// by shard.
type Customers interface {
	CustomerImage(ctx context.Context, tenant, id string) (*domain.Customer, error)
	CustomersOfShard(ctx context.Context, tenant string, shard, limit int, cursor string) ([]*domain.Customer, string, error)
}

// Actions carries out a flow's actions.
type Actions interface {
	Refs(ctx context.Context, tenant string, actions []action.Action) (action.Refs, error)
	Do(ctx context.Context, t *action.Target, actions []action.Action) ([]*notify.Message, error)
	Dispatch(ctx context.Context, msgs []*notify.Message) error
}

// Orders reads a workspace's orders, page by page, for flows over orders.
type Orders interface {
	Page(ctx context.Context, tenant string, limit int, cursor string) ([]*orders.Order, string, error)
}

// Deps are what flows work with and their actions go through.
type Deps struct {
	Store     store.Store
	Clock     domain.Clock
	Orgs      Orgs
	Customers Customers
	Actions   Actions
	Orders    Orders
	// Jobs receives the shards of runs.
	Jobs Queue
	Log  *slog.Logger
}

// Service manages care flows and runs them.
type Service struct {
	Deps
	st    store.Store
	clock domain.Clock
	runs  *shardrun.Runs
}

// New returns the care-flow service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{Deps: d, st: d.Store, clock: d.Clock, runs: flowRuns(d.Store, d.Jobs)}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// List returns the workspace's flows, of one module when m is set, in
// order of priority.
func (s *Service) List(ctx context.Context, c *workspace.Caller, m Module) ([]*Flow, error) {
	fs, err := s.loadFlows(ctx, c.Tenant())
	if err != nil {
		return nil, err
	}
	out := []*Flow{}
	for _, f := range fs {
		if m == "" || f.Module == m {
			out = append(out, f)
		}
	}
	sortFlows(out)
	return out, nil
}

func sortFlows(fs []*Flow) {
	slices.SortStableFunc(fs, func(a, b *Flow) int {
		if a.Module != b.Module {
			return strings.Compare(string(a.Module), string(b.Module))
		}
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		return a.CreatedAt.Compare(b.CreatedAt)
	})
}

// Get returns a flow.
func (s *Service) Get(ctx context.Context, c *workspace.Caller, id string) (*Flow, error) {
	return s.loadFlow(ctx, c.Tenant(), id)
}

// refsOf looks up what a flow names outside itself.
func (s *Service) refsOf(ctx context.Context, tenant string, f *Flow) (action.Refs, error) {
	return s.Actions.Refs(ctx, tenant, f.Actions)
}

// build applies an input to a flow and checks the result.
func (s *Service) build(ctx context.Context, c *workspace.Caller, f *Flow, in *Input) error {
	if in.Module != nil {
		f.Module = *in.Module
	}
	if in.Name != nil {
		f.Name = strings.TrimSpace(*in.Name)
	}
	if in.Description != nil {
		f.Description = strings.TrimSpace(*in.Description)
	}
	if in.When != nil {
		f.When = *in.When
		if f.When.Type == WhenAnniversary && f.When.Window == "" {
			f.When.Window = "day"
		}
	}
	if in.Condition != nil {
		f.Condition = *in.Condition
	}
	if in.Actions != nil {
		f.Actions = *in.Actions
	}
	if in.Priority != nil {
		f.Priority = *in.Priority
	}
	r, err := s.refsOf(ctx, c.Tenant(), f)
	if err != nil {
		return err
	}
	_, err = checkFlow(f, c.Org, r)
	return err
}

// Create saves a new flow, inactive (admins only).
func (s *Service) Create(ctx context.Context, c *workspace.Caller, in *Input) (*Flow, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	now := s.now()
	f := &Flow{ID: domain.NewID("cf"), Tenant: c.Tenant(), CreatedBy: c.User.ID, CreatedAt: now, UpdatedAt: now, Version: 1}
	if in.Module != nil && in.Priority == nil {
		f.Priority = s.nextPriority(ctx, c.Tenant(), *in.Module)
	}
	if err := s.build(ctx, c, f, in); err != nil {
		return nil, err
	}
	if err := s.st.Put(ctx, f.item(), store.NotExist); err != nil {
		return nil, fmt.Errorf("careflow: save flow: %w", err)
	}
	return f, nil
}

// nextPriority puts a new flow last in its module.
func (s *Service) nextPriority(ctx context.Context, tenant string, m Module) int {
	fs, _ := s.loadFlows(ctx, tenant)
	n := 0
	for _, f := range fs {
		if f.Module == m {
			n = max(n, f.Priority)
		}
	}
	return n + 1
}

// Update changes an inactive flow (admins only). An active flow can't be
// edited [không thể chỉnh sửa quy trình đang được kích hoạt]; an edit made
// on a day the flow already ran takes effect the day after.
func (s *Service) Update(ctx context.Context, c *workspace.Caller, id string, in *Input) (*Flow, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	f, err := s.loadFlow(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	prev := f.Version
	switch {
	case in.Version != nil && *in.Version != prev:
		return nil, domain.VersionConflict("care_flow")
	case f.Active:
		return nil, domain.Errorf(domain.ErrConflict, "care_flow_active")
	case in.Module != nil && *in.Module != f.Module:
		return nil, &domain.Error{Kind: domain.ErrInvalid, Code: "validation_failed",
			Fields: []domain.FieldError{{Path: "module", Code: "cannot_change"}}}
	}
	if err := s.build(ctx, c, f, in); err != nil {
		return nil, err
	}
	now := s.now()
	today := domain.DateOf(now, c.Org.Workspace.Location())
	ran, err := s.ranOn(ctx, f, today)
	if err != nil {
		return nil, err
	}
	f.EffectiveFrom = ""
	if ran {
		// Today's run is claimed: the edit waits for tomorrow's.
		f.EffectiveFrom = today.AddDays(1).String()
	}
	f.Version, f.UpdatedAt = prev+1, now
	err = s.st.Put(ctx, f.item(), store.IfVersion(prev))
	if errors.Is(err, store.ErrConditionFailed) {
		return nil, domain.VersionConflict("care_flow")
	}
	if err != nil {
		return nil, fmt.Errorf("careflow: save flow: %w", err)
	}
	return f, nil
}

// ranOn reports whether the flow's run of a day was claimed.
func (s *Service) ranOn(ctx context.Context, f *Flow, day domain.Date) (bool, error) {
	_, err := s.st.Get(ctx, markerKey(f.Tenant, f.ID, day))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("careflow: read run marker: %w", err)
	}
	return true, nil
}

// Delete removes a flow (admins only), taking it off its module's active
// list; its log stays.
func (s *Service) Delete(ctx context.Context, c *workspace.Caller, id string) error {
	if err := c.RequireAdmin(); err != nil {
		return err
	}
	for range 10 {
		f, err := s.loadFlow(ctx, c.Tenant(), id)
		if err != nil {
			return err
		}
		ops := []store.TxOp{store.TxDelete(flowKey(f.Tenant, f.ID), store.IfVersion(f.Version))}
		if f.Active {
			op, err := s.leaveActive(ctx, f)
			if err != nil {
				return err
			}
			ops = append(ops, op)
		}
		err = s.st.Transact(ctx, ops)
		if !errors.Is(err, store.ErrConditionFailed) {
			return err
		}
	}
	return domain.VersionConflict("care_flow")
}

// Activate switches a flow on, if its module has room (admins only).
func (s *Service) Activate(ctx context.Context, c *workspace.Caller, id string) (*Flow, error) {
	return s.setActive(ctx, c, id, true)
}

// Deactivate switches a flow off (admins only).
func (s *Service) Deactivate(ctx context.Context, c *workspace.Caller, id string) (*Flow, error) {
	return s.setActive(ctx, c, id, false)
}

func (s *Service) setActive(ctx context.Context, c *workspace.Caller, id string, on bool) (*Flow, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	for range 10 {
		f, err := s.loadFlow(ctx, c.Tenant(), id)
		if err != nil || f.Active == on {
			return f, err
		}
		if on {
			// The workspace may have changed since the flow was saved (a
			// template or field removed): it must still hold up.
			r, err := s.refsOf(ctx, f.Tenant, f)
			if err != nil {
				return nil, err
			}
			if _, err := checkFlow(f, c.Org, r); err != nil {
				return nil, err
			}
		}
		prev := f.Version
		f.Active, f.Version, f.UpdatedAt = on, prev+1, s.now()
		var op store.TxOp
		if on {
			f.ActivatedAt = f.UpdatedAt
			op, err = s.joinActive(ctx, f)
		} else {
			op, err = s.leaveActive(ctx, f)
		}
		if err != nil {
			return nil, err
		}
		err = s.st.Transact(ctx, []store.TxOp{store.TxPut(f.item(), store.IfVersion(prev)), op})
		if errors.Is(err, store.ErrConditionFailed) {
			continue // the flow or the module's active list moved: look again
		}
		if err != nil {
			return nil, fmt.Errorf("careflow: switch flow: %w", err)
		}
		return f, nil
	}
	return nil, domain.VersionConflict("care_flow")
}

// joinActive is the op adding f to its module's active list, refused when
// the list is full.
func (s *Service) joinActive(ctx context.Context, f *Flow) (store.TxOp, error) {
	set, cond, v, err := s.loadActive(ctx, f.Tenant, f.Module)
	if err != nil {
		return store.TxOp{}, err
	}
	set.IDs = slices.DeleteFunc(set.IDs, func(id string) bool { return id == f.ID })
	if len(set.IDs) >= MaxActive {
		return store.TxOp{}, domain.Errorf(domain.ErrConflict, "care_flow_limit", "max", fmt.Sprint(MaxActive), "module", string(f.Module))
	}
	set.IDs = append(set.IDs, f.ID)
	return store.TxPut(activeItem(f.Tenant, f.Module, set, v+1), cond), nil
}

func (s *Service) leaveActive(ctx context.Context, f *Flow) (store.TxOp, error) {
	set, cond, v, err := s.loadActive(ctx, f.Tenant, f.Module)
	if err != nil {
		return store.TxOp{}, err
	}
	set.IDs = slices.DeleteFunc(set.IDs, func(id string) bool { return id == f.ID })
	return store.TxPut(activeItem(f.Tenant, f.Module, set, v+1), cond), nil
}

// Clone saves an inactive copy of a flow [nhân bản] (admins only).
func (s *Service) Clone(ctx context.Context, c *workspace.Caller, id string) (*Flow, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	f, err := s.loadFlow(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	cp := *f
	cp.ID, cp.Active, cp.ActivatedAt, cp.EffectiveFrom = domain.NewID("cf"), false, time.Time{}, ""
	cp.CreatedBy, cp.CreatedAt, cp.UpdatedAt, cp.Version = c.User.ID, now, now, 1
	cp.Name = copyName(f.Name, c.Org.Workspace.Language)
	cp.Priority = s.nextPriority(ctx, c.Tenant(), f.Module)
	if err := s.st.Put(ctx, cp.item(), store.NotExist); err != nil {
		return nil, fmt.Errorf("careflow: save clone: %w", err)
	}
	return &cp, nil
}

// copyName names a copy of a flow: its name and " (bản sao)" (" (copy)"
// in an English workspace), the name cut short if the two would be longer
// than a name may be.
func copyName(name, lang string) string {
	suffix := " (bản sao)"
	if lang == "en" {
		suffix = " (copy)"
	}
	runes := []rune(strings.TrimSpace(name))
	if keep := MaxName - len([]rune(suffix)); len(runes) > keep {
		runes = []rune(strings.TrimSpace(string(runes[:keep])))
	}
	return string(runes) + suffix
}

// Reorder sets the priorities of a module's flows to the order of ids
// (admins only); flows left out keep their order after them.
func (s *Service) Reorder(ctx context.Context, c *workspace.Caller, ids []string) ([]*Flow, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	fs, err := s.loadFlows(ctx, c.Tenant())
	if err != nil {
		return nil, err
	}
	byID := map[string]*Flow{}
	for _, f := range fs {
		byID[f.ID] = f
	}
	var p domain.Problems
	seen := map[string]bool{}
	var module Module
	for i, id := range ids {
		f, ok := byID[id]
		switch {
		case !ok:
			p.Add(fmt.Sprintf("ids[%d]", i), "not_found", "what", "care_flow")
		case seen[id]:
			p.Add(fmt.Sprintf("ids[%d]", i), "duplicate")
		case module != "" && f.Module != module:
			p.Add(fmt.Sprintf("ids[%d]", i), "other_module")
		default:
			module = f.Module
		}
		seen[id] = true
	}
	if len(ids) == 0 {
		p.Add("ids", "required")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var rest []*Flow
	for _, f := range fs {
		if f.Module == module && !seen[f.ID] {
			rest = append(rest, f)
		}
	}
	sortFlows(rest)
	order := make([]*Flow, 0, len(ids)+len(rest))
	for _, id := range ids {
		order = append(order, byID[id])
	}
	order = append(order, rest...)
	var ops []store.TxOp
	now := s.now()
	for i, f := range order {
		if f.Priority == i+1 {
			continue
		}
		prev := f.Version
		f.Priority, f.Version, f.UpdatedAt = i+1, prev+1, now
		ops = append(ops, store.TxPut(f.item(), store.IfVersion(prev)))
	}
	if len(ops) > 0 {
		err := s.st.Transact(ctx, ops)
		if errors.Is(err, store.ErrConditionFailed) {
			return nil, domain.VersionConflict("care_flow")
		}
		if err != nil {
			return nil, fmt.Errorf("careflow: reorder: %w", err)
		}
	}
	return order, nil
}
