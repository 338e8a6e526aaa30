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
	lo, hi := "", ""
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
	out := &domain.Page[*Task]{Items: []*Task{}}
	switch {
	case lo != "" && hi != "" && hi < lo:
		return out, nil
	case lo != "" && hi != "":
		q.SK, q.A, q.B = store.SKBetween, lo, hi
	case lo != "":
		q.SK, q.A = store.SKGe, lo
	case hi != "":
		q.SK, q.A = store.SKLe, hi
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
