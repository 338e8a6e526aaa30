package task

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Filter narrows a list of tasks; empty fields don't filter.
type Filter struct {
	AssigneeID string
	CustomerID string
	Status     string
	Limit      int
	Cursor     string
}

// maxScanned bounds the items one page reads while skipping tasks the
// filter or the caller's rights leave out; the page then ends early, with
// a cursor to go on.
const maxScanned = 2000

// List returns a page of tasks, newest first. Without a filter an admin
// gets every task of the workspace and anyone else the tasks assigned to
// them; a filter by assignee or customer lists those tasks that the caller
// may see. A page may hold fewer tasks than the limit while more remain:
// go on until the cursor is empty.
func (s *Service) List(ctx context.Context, c *workspace.Caller, f Filter) (*domain.Page[*Task], error) {
	q, err := s.plan(ctx, c, f)
	if err != nil {
		return nil, err
	}
	limit := domain.ListLimit(f.Limit)
	out := &domain.Page[*Task]{Items: []*Task{}}
	for scanned := 0; ; {
		// Read no more than the page still needs, so that the store's
		// cursor is exactly where this page ends.
		q.Limit = limit - len(out.Items)
		page, err := s.st.Query(ctx, q)
		if errors.Is(err, store.ErrInvalid) && q.Cursor != "" {
			return nil, domain.InvalidCursor()
		}
		if err != nil {
			return nil, fmt.Errorf("task: list %s: %w", q.PK, err)
		}
		for _, it := range page.Items {
			t, err := decode(it)
			if err != nil {
				return nil, err
			}
			if keep(c, t, f) {
				out.Items = append(out.Items, t)
			}
		}
		scanned += len(page.Items)
		q.Cursor = page.Cursor
		if q.Cursor == "" || len(out.Items) >= limit || scanned >= maxScanned {
			out.NextCursor = q.Cursor
			return out, nil
		}
	}
}

// plan checks the filter and picks the index that reads the fewest tasks.
func (s *Service) plan(ctx context.Context, c *workspace.Caller, f Filter) (store.Query, error) {
	var p domain.Problems
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		p.Add("status", "invalid_value", "value", f.Status)
	}
	if _, ok := c.Org.User(f.AssigneeID); f.AssigneeID != "" && !ok {
		p.Add("assignee_id", "unknown_user", "value", f.AssigneeID)
	}
	if err := p.Err(); err != nil {
		return store.Query{}, err
	}
	t := c.Tenant()
	q := store.Query{Reverse: true, Cursor: f.Cursor}
	assignee := f.AssigneeID
	if assignee == "" && f.CustomerID == "" && !c.IsAdmin() {
		assignee = c.User.ID
	}
	switch {
	case assignee != "" && f.Status != "":
		q.Index, q.PK = store.GSI4, statusPK(t, assignee, f.Status)
	case assignee != "":
		q.Index, q.PK = store.GSI2, assigneePK(t, assignee)
	case f.CustomerID != "":
		q.Index, q.PK = store.GSI3, customerPK(t, f.CustomerID)
	default:
		q.Index, q.PK = store.GSI1, allPK(t)
	}
	if f.CustomerID != "" {
		// The customer must be one the caller may see.
		if _, err := s.customers.GetCustomer(ctx, c, f.CustomerID); err != nil {
			return store.Query{}, err
		}
	}
	return q, nil
}

// keep reports whether a listed task passes the filter and may be seen.
func keep(c *workspace.Caller, t *Task, f Filter) bool {
	return (f.AssigneeID == "" || t.AssigneeID == f.AssigneeID) &&
		(f.CustomerID == "" || t.CustomerID == f.CustomerID) &&
		(f.Status == "" || t.Status == f.Status) &&
		canSee(c, t)
}
