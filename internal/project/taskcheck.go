package project

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/task"
	"tend/internal/workspace"
)

// Limits of a project task.
const (
	maxTitle       = 500
	maxTaskText    = 10000
	maxProgress    = 100
	maxSubtasks    = 40 // a main task and its subtasks are deleted or promoted in one transaction
	progressFinish = 100
)

// applyTask checks in against the project and writes it into t, reporting
// every problem at once; a change to a completed task's status or
// progress is a conflict. Values the task already has are not checked
// again, so that a task stays editable when, say, its assignee has since
// left the project.
func (s *Service) applyTask(ctx context.Context, c *workspace.Caller, p *Project, t *Task, in *TaskInput, creating bool) error {
	var pr domain.Problems
	if in.Title != nil {
		t.Title = check.Text(&pr, "title", *in.Title, maxTitle, true)
	} else if creating {
		pr.Add("title", "required")
	}
	if in.Description != nil {
		t.Description = check.Lines(&pr, "description", *in.Description, maxTaskText, false)
	}
	if in.Type != nil {
		t.Type = check.OneOf(&pr, "type", *in.Type, task.Types, task.TypeTodo, creating)
	}
	if in.Priority != nil {
		t.Priority = check.OneOf(&pr, "priority", *in.Priority, task.Priorities, task.PriorityNormal, creating)
	}
	if in.PhaseID != nil {
		t.PhaseID = strings.TrimSpace(*in.PhaseID)
		if _, ok := p.phase(t.PhaseID); t.PhaseID != "" && !ok {
			pr.Add("phase_id", "unknown_phase", "value", t.PhaseID)
		}
	}
	if in.DueOn != nil {
		t.DueOn = *in.DueOn
	}
	if ph, ok := p.phase(t.PhaseID); ok && (in.PhaseID != nil || in.DueOn != nil) && !t.DueOn.IsZero() && (t.DueOn.Before(ph.StartsOn) || ph.EndsOn.Before(t.DueOn)) {
		pr.Add("due_on", "due_outside_phase", "starts_on", ph.StartsOn.String(), "ends_on", ph.EndsOn.String())
	}
	if in.AssigneeID != nil {
		id := strings.TrimSpace(*in.AssigneeID)
		if id != "" && id != t.AssigneeID {
			member(c.Org, p, &pr, "assignee_id", id)
		}
		t.AssigneeID = id
	}
	if in.CustomerID != nil {
		id := strings.TrimSpace(*in.CustomerID)
		if id != "" && id != t.CustomerID {
			if err := s.checkCustomer(ctx, c, &pr, id); err != nil {
				return err
			}
		}
		t.CustomerID = id
	}
	if in.ParentID != nil {
		if err := s.checkParent(ctx, t, strings.TrimSpace(*in.ParentID), creating, &pr); err != nil {
			return err
		}
	}
	if err := progress(p, t, in, creating, &pr); err != nil {
		return err
	}
	return pr.Err()
}

// progress applies the status and progress of in: moving to a resolved or
// completed status sets progress to 100; a completed task keeps its
// status and progress for good.
func progress(p *Project, t *Task, in *TaskInput, creating bool, pr *domain.Problems) error {
	was, _ := p.status(t.Status)
	if in.Status != nil {
		id := strings.TrimSpace(*in.Status)
		if id == "" && creating {
			id = p.firstOpen()
		}
		if _, ok := p.status(id); !ok {
			pr.Add("status", "unknown_status", "value", id)
			return nil
		}
		if !creating && was.Kind == KindCompleted && id != t.Status {
			return domain.Errorf(domain.ErrConflict, "task_completed")
		}
		t.Status = id
	}
	if in.Progress != nil {
		n := *in.Progress
		if n < 0 || n > maxProgress {
			pr.Add("progress", "out_of_range", "min", "0", "max", fmt.Sprint(maxProgress))
		}
		if !creating && was.Kind == KindCompleted && n != t.Progress {
			return domain.Errorf(domain.ErrConflict, "task_completed")
		}
		t.Progress = n
	}
	if now, _ := p.status(t.Status); now.Kind == KindResolved || now.Kind == KindCompleted {
		if in.Status != nil && (creating || now.ID != was.ID) {
			t.Progress = progressFinish
		}
	}
	return nil
}

// member requires a user who works on the project (its owner or a member)
// and is active.
func member(o *workspace.Org, p *Project, pr *domain.Problems, path, id string) {
	if !p.isMember(id) {
		pr.Add(path, "not_project_member", "value", id)
		return
	}
	if u, ok := o.User(id); !ok || !u.Active {
		pr.Add(path, "user_inactive", "value", id)
	}
}

// checkParent sets t's main task: a main task of the same project, other
// than t, while t itself has no subtasks (subtasks go one level deep) and
// the main task has room for one more.
func (s *Service) checkParent(ctx context.Context, t *Task, id string, creating bool, pr *domain.Problems) error {
	if id == t.ParentID {
		return nil
	}
	t.ParentID = id
	if id == "" {
		return nil
	}
	parent, err := s.loadTask(ctx, t.TenantID, id)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		pr.Add("parent_id", "unknown_task", "value", id)
		return nil
	case err != nil:
		return err
	case parent.ProjectID != t.ProjectID || parent.ID == t.ID:
		pr.Add("parent_id", "unknown_task", "value", id)
		return nil
	case parent.ParentID != "":
		pr.Add("parent_id", "parent_is_subtask", "value", id)
		return nil
	}
	subs, err := s.subtasks(ctx, t.TenantID, id, maxSubtasks)
	if err != nil {
		return err
	}
	if len(subs) >= maxSubtasks {
		pr.Add("parent_id", "too_many_subtasks", "max", fmt.Sprint(maxSubtasks))
	}
	if !creating {
		mine, err := s.subtasks(ctx, t.TenantID, t.ID, 1)
		if err != nil {
			return err
		}
		if len(mine) > 0 {
			pr.Add("parent_id", "has_subtasks")
		}
	}
	return nil
}

// subtasks reads up to limit subtasks of a main task.
func (s *Service) subtasks(ctx context.Context, tenant, parent string, limit int) ([]*Task, error) {
	page, err := s.st.Query(ctx, store.Query{Index: store.GSI2, PK: subtasksPK(tenant, parent), Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("project: read subtasks of %s: %w", parent, err)
	}
	out := make([]*Task, 0, len(page.Items))
	for _, it := range page.Items {
		t, err := decodeTask(tenant, it)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// checkCustomer requires a live customer the caller may see.
func (s *Service) checkCustomer(ctx context.Context, c *workspace.Caller, pr *domain.Problems, id string) error {
	cu, err := s.customers.GetCustomer(ctx, c, id)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		pr.Add("customer_id", "unknown_customer", "value", id)
	case err != nil:
		return fmt.Errorf("project: check customer %s: %w", id, err)
	case cu.Deleted():
		pr.Add("customer_id", "unknown_customer", "value", id)
	}
	return nil
}
