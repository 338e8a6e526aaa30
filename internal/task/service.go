package task

import (
	"context"
	"errors"
	"fmt"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Customers reads the customers tasks are about: as the caller may see
// them, or as they are for tasks that rules and flows create.
type Customers interface {
	GetCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error)
	CustomerImage(ctx context.Context, tenant, id string) (*domain.Customer, error)
}

// Service keeps tasks.
type Service struct {
	customers Customers
	st        store.Store
	clock     domain.Clock
}

// New returns the task service over a store.
func New(st store.Store, clock domain.Clock, customers Customers) *Service {
	return &Service{customers: customers, st: st, clock: clock}
}

// fresh is a new task with the defaults, before the input is applied.
func (s *Service) fresh(tenant, id string, by domain.Actor) *Task {
	now := s.clock.Now().UTC()
	return &Task{ID: id, TenantID: tenant, Type: TypeTodo, Priority: PriorityNormal, Status: StatusOpen,
		RelatedUserIDs: []string{}, CreatedBy: by, CreatedAt: now, UpdatedAt: now, Version: 1}
}

// Create makes a task from a user's input and notifies its assignee and
// related users.
func (s *Service) Create(ctx context.Context, c *workspace.Caller, in *Input) (*Task, error) {
	t := s.fresh(c.Tenant(), domain.NewID("task"), c.Actor())
	if err := s.apply(ctx, c.Org, c, t, in, true); err != nil {
		return nil, err
	}
	completion(t, "")
	ops := append([]store.TxOp{store.TxPut(t.item(), store.NotExist)}, notifyOps(c.Org, t, t.CreatedBy, true, t.RelatedUserIDs)...)
	if err := s.st.Transact(ctx, ops); err != nil {
		return nil, fmt.Errorf("task: create: %w", err)
	}
	return t, nil
}

// CreateAs makes a task on behalf of automation (a care flow), with an id
// the caller derives from what made it (flow, record, occurrence), so that
// a retried run makes nothing twice: when a task with this id was made
// before, nothing is written or sent and that task is returned with
// created false. When it was made and has since been deleted, nothing is
// made again either and the task is nil. The customer need only exist in
// the workspace.
func (s *Service) CreateAs(ctx context.Context, o *workspace.Org, actor domain.Actor, id string, in *Input, source Source) (*Task, bool, error) {
	if !validID(id) {
		return nil, false, fmt.Errorf("task: create %q: not a usable id", id)
	}
	tenant := o.Workspace.ID
	if existing, gone, err := s.made(ctx, tenant, id); err != nil || existing != nil || gone {
		return existing, false, err
	}
	t := s.fresh(tenant, id, actor)
	if source != (Source{}) {
		t.Source = &source
	}
	if err := s.apply(ctx, o, nil, t, in, true); err != nil {
		return nil, false, err
	}
	completion(t, "")
	ops := []store.TxOp{store.TxPut(t.item(), store.NotExist), store.TxPut(claimItem(t), store.NotExist)}
	if !in.Quiet {
		ops = append(ops, notifyOps(o, t, actor, true, t.RelatedUserIDs)...)
	}
	err := s.st.Transact(ctx, ops)
	if errors.Is(err, store.ErrConditionFailed) {
		// Made meanwhile by a concurrent delivery of the same run.
		existing, gone, rerr := s.made(ctx, tenant, id)
		if rerr == nil && existing == nil && !gone {
			rerr = fmt.Errorf("task: create %s: %w", id, err)
		}
		return existing, false, rerr
	}
	if err != nil {
		return nil, false, fmt.Errorf("task: create %s: %w", id, err)
	}
	return t, true, nil
}

// made returns the task with id if it exists, or reports that it was made
// and deleted since.
func (s *Service) made(ctx context.Context, tenant, id string) (*Task, bool, error) {
	t, err := s.load(ctx, tenant, id)
	if err == nil {
		return t, false, nil
	}
	if !errors.Is(err, domain.ErrNotFound) {
		return nil, false, err
	}
	_, err = s.st.Get(ctx, claimKey(tenant, id))
	switch {
	case err == nil:
		return nil, true, nil
	case errors.Is(err, store.ErrNotFound):
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("task: read claim %s: %w", id, err)
}

// Get returns a task the caller may see.
func (s *Service) Get(ctx context.Context, c *workspace.Caller, id string) (*Task, error) {
	t, err := s.load(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	if !canSee(c, t) {
		return nil, domain.NotFound("task")
	}
	return t, nil
}

// maxAttempts bounds how often an update without a version is applied
// again after losing a race with another write.
const maxAttempts = 3

// Update changes a task. With a version in the input, a task changed
// since is refused (version_conflict); without one, a change that lost a
// race is applied again to the fresh task. A new assignee, and the related
// users, are notified; so are related users added by the change.
func (s *Service) Update(ctx context.Context, c *workspace.Caller, id string, in *Input) (*Task, error) {
	for attempt := 1; ; attempt++ {
		t, err := s.update(ctx, c, id, in)
		if !errors.Is(err, store.ErrConditionFailed) {
			return t, err
		}
		if in.Version != nil || attempt == maxAttempts {
			return nil, domain.VersionConflict("task")
		}
	}
}

func (s *Service) update(ctx context.Context, c *workspace.Caller, id string, in *Input) (*Task, error) {
	old, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if !canChange(c, old) {
		return nil, domain.Forbidden()
	}
	if in.Version != nil && *in.Version != old.Version {
		return nil, domain.VersionConflict("task")
	}
	t := old.clone()
	if err := s.apply(ctx, c.Org, c, t, in, false); err != nil {
		return nil, err
	}
	t.Version, t.UpdatedAt = old.Version+1, s.clock.Now().UTC()
	completion(t, old.Status)
	ops := []store.TxOp{store.TxPut(t.item(), store.IfVersion(old.Version))}
	if t.AssigneeID != old.AssigneeID {
		ops = append(ops, notifyOps(c.Org, t, c.Actor(), true, t.RelatedUserIDs)...)
	} else if more := added(old.RelatedUserIDs, t.RelatedUserIDs); len(more) > 0 {
		ops = append(ops, notifyOps(c.Org, t, c.Actor(), false, more)...)
	}
	if err := s.st.Transact(ctx, ops); err != nil {
		return nil, fmt.Errorf("task: update %s: %w", id, err)
	}
	return t, nil
}

// completion keeps completed_at in step with the status: set when the task
// becomes done, cleared when it is no longer done.
func completion(t *Task, was string) {
	switch {
	case t.Status != StatusDone:
		t.CompletedAt = nil
	case was != StatusDone || t.CompletedAt == nil:
		at := t.UpdatedAt
		t.CompletedAt = &at
	}
}

// Delete removes a task; only its creator and admins may.
func (s *Service) Delete(ctx context.Context, c *workspace.Caller, id string) error {
	t, err := s.Get(ctx, c, id)
	if err != nil {
		return err
	}
	if !canDelete(c, t) {
		return domain.Forbidden()
	}
	err = s.st.Delete(ctx, taskKey(t.TenantID, t.ID), store.IfVersion(t.Version))
	if errors.Is(err, store.ErrConditionFailed) {
		return domain.VersionConflict("task")
	}
	if err != nil {
		return fmt.Errorf("task: delete %s: %w", id, err)
	}
	return nil
}
