package project

import (
	"context"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// TaskFilter narrows a project's tasks; empty fields don't filter. Due
// dates bound the list inclusively; a bound leaves out tasks without a due
// date.
type TaskFilter struct {
	Mine       bool // assigned to the caller
	PhaseID    string
	Status     string
	AssigneeID string
	DueBefore  domain.Date // due on or before
	DueAfter   domain.Date // due on or after
	Overdue    bool        // due before today (the workspace's) and not resolved or completed
	Limit      int
	Cursor     string
}

// ListTasks returns a page of a project's tasks, by due date (tasks
// without one last), for a member or an admin. A page may hold fewer
// tasks than the limit while more remain: go on until the cursor is empty.
func (s *Service) ListTasks(ctx context.Context, c *workspace.Caller, projectID string, f TaskFilter) (*domain.Page[*Task], error) {
	p, err := s.Get(ctx, c, projectID)
	if err != nil {
		return nil, err
	}
	var pr domain.Problems
	if _, ok := p.phase(f.PhaseID); f.PhaseID != "" && !ok {
		pr.Add("phase_id", "unknown_phase", "value", f.PhaseID)
	}
	if _, ok := p.status(f.Status); f.Status != "" && !ok {
		pr.Add("status", "unknown_status", "value", f.Status)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if f.Mine {
		f.AssigneeID = c.User.ID
	}
	q := store.Query{Index: store.GSI1, PK: tasksPK(p.TenantID, p.ID), Cursor: f.Cursor}
	out := &domain.Page[*Task]{Items: []*Task{}}
	lo, empty := s.dueRange(c, &q, f)
	if empty {
		return out, nil
	}
	err = scan(ctx, s.st, q, domain.ListLimit(f.Limit), out, func(it store.Item) (*Task, bool, error) {
		t, err := decodeTask(p.TenantID, it)
		if err != nil {
			return nil, false, err
		}
		st, _ := p.status(t.Status)
		keep := (f.PhaseID == "" || t.PhaseID == f.PhaseID) &&
			(f.Status == "" || t.Status == f.Status) &&
			(f.AssigneeID == "" || t.AssigneeID == f.AssigneeID) &&
			(lo == "" || !t.DueOn.IsZero()) &&
			(!f.Overdue || (st.Kind != KindResolved && st.Kind != KindCompleted))
		return t, keep, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// dueRange bounds a query of tasks by due date (their index sort keys
// start with it) as the filter asks; lo is the lower bound, empty says no
// task can match.
func (s *Service) dueRange(c *workspace.Caller, q *store.Query, f TaskFilter) (lo string, empty bool) {
	hi := ""
	if !f.DueAfter.IsZero() {
		lo = f.DueAfter.String()
	}
	if !f.DueBefore.IsZero() {
		hi = f.DueBefore.String() + "#~" // after every id of that day
	}
	if f.Overdue {
		yesterday := domain.DateOf(s.clock.Now(), c.Org.Workspace.Location()).AddDays(-1).String() + "#~"
		if hi == "" || yesterday < hi {
			hi = yesterday
		}
	}
	switch {
	case lo != "" && hi != "" && hi < lo:
		return lo, true
	case lo != "" && hi != "":
		q.SK, q.A, q.B = store.SKBetween, lo, hi
	case lo != "":
		q.SK, q.A = store.SKGe, lo
	case hi != "":
		q.SK, q.A = store.SKLe, hi
	}
	return lo, false
}

// ListAssigned returns a page of the tasks assigned to one user across the
// projects the caller sees, by due date (tasks without one last): the
// caller's own ("my tasks") when f names no assignee. Phase and status
// filters belong to one project and are refused here; the other filters
// apply. Pages may be short while more remain, as in ListTasks.
func (s *Service) ListAssigned(ctx context.Context, c *workspace.Caller, f TaskFilter) (*domain.Page[*Task], error) {
	var pr domain.Problems
	if f.PhaseID != "" {
		pr.Add("phase_id", "project_filter_only")
	}
	if f.Status != "" {
		pr.Add("status", "project_filter_only")
	}
	if f.AssigneeID == "" || f.Mine {
		f.AssigneeID = c.User.ID
	}
	if _, ok := c.Org.User(f.AssigneeID); !ok {
		pr.Add("assignee_id", "unknown_user", "value", f.AssigneeID)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	q := store.Query{Index: store.GSI3, PK: assignedPK(c.Tenant(), f.AssigneeID), Cursor: f.Cursor}
	out := &domain.Page[*Task]{Items: []*Task{}}
	lo, empty := s.dueRange(c, &q, f)
	if empty {
		return out, nil
	}
	projects := map[string]*Project{} // read once a page's worth
	err := scan(ctx, s.st, q, domain.ListLimit(f.Limit), out, func(it store.Item) (*Task, bool, error) {
		t, err := decodeTask(c.Tenant(), it)
		if err != nil {
			return nil, false, err
		}
		p, seen := projects[t.ProjectID]
		if !seen {
			p, err = s.Get(ctx, c, t.ProjectID)
			if err != nil && domain.CodeOf(err) != "not_found" {
				return nil, false, err
			}
			projects[t.ProjectID] = p
		}
		if p == nil {
			return t, false, nil
		}
		st, _ := p.status(t.Status)
		keep := (lo == "" || !t.DueOn.IsZero()) && (!f.Overdue || (st.Kind != KindResolved && st.Kind != KindCompleted))
		return t, keep, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
