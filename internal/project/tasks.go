package project

import (
	"context"
	"errors"
	"fmt"

	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/store"
	"tend/internal/task"
	"tend/internal/workspace"
)

// CreateTask adds a task to a project: a member or an admin. Its history
// starts with "add"; an assignee other than the caller is notified.
func (s *Service) CreateTask(ctx context.Context, c *workspace.Caller, projectID string, in *TaskInput) (*Task, error) {
	p, err := s.Get(ctx, c, projectID)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	t := &Task{ID: domain.NewID("ptask"), TenantID: c.Tenant(), ProjectID: p.ID, Type: task.TypeTodo,
		Priority: task.PriorityNormal, Status: p.firstOpen(), CreatedBy: c.Actor(), CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := s.applyTask(ctx, c, p, t, in, true); err != nil {
		return nil, err
	}
	ops := []store.TxOp{store.TxPut(t.item(), store.NotExist)}
	ops = append(ops, historyOps(t, []Entry{{At: now, Actor: c.Actor(), Action: ActionAdd}})...)
	if t.AssigneeID != "" {
		ops = append(ops, notifyOps(c.Org, t, c.Actor(), inbox.KindTaskAssigned, []string{t.AssigneeID})...)
	}
	if err := s.st.Transact(ctx, ops); err != nil {
		return nil, fmt.Errorf("project: create task: %w", err)
	}
	return t, nil
}

// visibleTask reads a task and its project, when the caller may see them.
func (s *Service) visibleTask(ctx context.Context, c *workspace.Caller, id string) (*Task, *Project, error) {
	t, err := s.loadTask(ctx, c.Tenant(), id)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.loadProject(ctx, c.Tenant(), t.ProjectID)
	if errors.Is(err, domain.ErrNotFound) || (err == nil && !canSee(c, p)) {
		return nil, nil, domain.NotFound("task")
	}
	if err != nil {
		return nil, nil, err
	}
	return t, p, nil
}

// GetTask returns a project task the caller may see.
func (s *Service) GetTask(ctx context.Context, c *workspace.Caller, id string) (*Task, error) {
	t, _, err := s.visibleTask(ctx, c, id)
	return t, err
}

// maxAttempts bounds how often a change without a version is applied
// again after losing a race with another write.
const maxAttempts = 5

// change applies edit to the task's next version and writes it, with the
// ops edit returns, conditional on the version it read. A change that lost
// a race is applied again to the fresh task unless the caller named a
// version (then it is a version conflict).
func (s *Service) change(ctx context.Context, c *workspace.Caller, id string, version *int64,
	edit func(p *Project, old, t *Task) ([]store.TxOp, error)) (*Task, error) {
	for attempt := 1; ; attempt++ {
		old, p, err := s.visibleTask(ctx, c, id)
		if err != nil {
			return nil, err
		}
		if !c.IsAdmin() && !p.isMember(c.User.ID) {
			return nil, domain.Forbidden()
		}
		if err := domain.CheckVersion(version, old.Version, "task"); err != nil {
			return nil, err
		}
		t := old.next(s.clock.Now().UTC())
		more, err := edit(p, old, t)
		if err != nil {
			return nil, err
		}
		ops := append([]store.TxOp{store.TxPut(t.item(), store.IfVersion(old.Version))}, more...)
		err = s.st.Transact(ctx, ops)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, store.ErrConditionFailed) {
			return nil, fmt.Errorf("project: change task %s: %w", id, err)
		}
		if version != nil || attempt == maxAttempts {
			return nil, domain.VersionConflict("task")
		}
	}
}

// UpdateTask changes a task: a member or an admin. Each kind of change is
// an entry of its history; a new assignee is notified.
func (s *Service) UpdateTask(ctx context.Context, c *workspace.Caller, id string, in *TaskInput) (*Task, error) {
	return s.change(ctx, c, id, in.Version, func(p *Project, old, t *Task) ([]store.TxOp, error) {
		if err := s.applyTask(ctx, c, p, t, in, false); err != nil {
			return nil, err
		}
		ops := historyOps(t, entries(old, t, c.Actor()))
		if t.AssigneeID != old.AssigneeID && t.AssigneeID != "" {
			ops = append(ops, notifyOps(c.Org, t, c.Actor(), inbox.KindTaskAssigned, []string{t.AssigneeID})...)
		}
		return ops, nil
	})
}

// Claim gives an unassigned task to the caller, a member of its project.
// The write is conditional on the version read, so of members claiming at
// once exactly one wins; the others are told who has it. Claiming a task
// one already has changes nothing.
func (s *Service) Claim(ctx context.Context, c *workspace.Caller, id string) (*Task, error) {
	for attempt := 1; ; attempt++ {
		old, p, err := s.visibleTask(ctx, c, id)
		if err != nil {
			return nil, err
		}
		if !p.isMember(c.User.ID) {
			return nil, domain.Errorf(domain.ErrForbidden, "claim_members_only")
		}
		switch old.AssigneeID {
		case c.User.ID:
			return old, nil
		case "":
		default:
			return nil, domain.Errorf(domain.ErrConflict, "task_taken", "name", userName(c.Org, old.AssigneeID))
		}
		t := old.next(s.clock.Now().UTC())
		t.AssigneeID = c.User.ID
		ops := []store.TxOp{store.TxPut(t.item(), store.IfVersion(old.Version))}
		ops = append(ops, historyOps(t, []Entry{{At: t.UpdatedAt, Actor: c.Actor(), Action: ActionClaim,
			Changes: []domain.FieldChange{{Field: "assignee_id", Before: "", After: c.User.ID}}}})...)
		ops = append(ops, notifyOps(c.Org, t, c.Actor(), KindClaimed, []string{p.OwnerID})...)
		err = s.st.Transact(ctx, ops)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, store.ErrConditionFailed) {
			return nil, fmt.Errorf("project: claim %s: %w", id, err)
		}
		if attempt == maxAttempts {
			return nil, domain.VersionConflict("task")
		}
		// Lost a race: read again to learn who won, or try again if the
		// task changed otherwise.
	}
}

// userName names a user in a message: their name, else their id.
func userName(o *workspace.Org, id string) string {
	if u, ok := o.User(id); ok && u.Name != "" {
		return u.Name
	}
	return id
}

// DeleteTask removes a task: its creator, the project's owner or an
// admin. A main task's subtasks go with it, or with promote become main
// tasks (an edit of their history), in the same transaction. What was
// written about the deleted tasks (comments, history) is then removed.
func (s *Service) DeleteTask(ctx context.Context, c *workspace.Caller, id string, promote bool) error {
	t, p, err := s.visibleTask(ctx, c, id)
	if err != nil {
		return err
	}
	if !canManage(c, p) && !(t.CreatedBy.Kind == domain.ActorUser && t.CreatedBy.ID == c.User.ID) {
		return domain.Forbidden()
	}
	subs, err := s.subtasks(ctx, t.TenantID, t.ID, maxSubtasks)
	if err != nil {
		return err
	}
	ops := []store.TxOp{store.TxDelete(taskKey(t.TenantID, t.ID), store.IfVersion(t.Version))}
	gone := []string{t.ID}
	now := s.clock.Now().UTC()
	for _, sub := range subs {
		if !promote {
			ops = append(ops, store.TxDelete(taskKey(sub.TenantID, sub.ID), store.IfVersion(sub.Version)))
			gone = append(gone, sub.ID)
			continue
		}
		up := sub.next(now)
		up.ParentID = ""
		ops = append(ops, store.TxPut(up.item(), store.IfVersion(sub.Version)))
		ops = append(ops, historyOps(up, entries(sub, up, c.Actor()))...)
	}
	err = s.st.Transact(ctx, ops)
	if errors.Is(err, store.ErrConditionFailed) {
		return domain.VersionConflict("task")
	}
	if err != nil {
		return fmt.Errorf("project: delete task %s: %w", id, err)
	}
	for _, g := range gone {
		s.purge(ctx, t.TenantID, g)
	}
	return nil
}

// purge removes the comments and history of a deleted task. It is a
// clean-up: what a failure leaves is out of reach (every read starts from
// the task), so it is not reported.
func (s *Service) purge(ctx context.Context, tenant, id string) {
	for it, err := range store.Items(ctx, s.st, store.Query{PK: taskPK(tenant, id), DocsOnly: true}) {
		if err != nil {
			return
		}
		_ = s.st.Delete(ctx, it.Key, store.None)
	}
}
