package task

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// Limits of a task's values.
const (
	maxTitle       = 500
	maxDescription = 10000
	maxRelated     = 50 // keeps a task and its notifications within one transaction
	maxRef         = 100
)

// apply checks in against the workspace and writes it into t, reporting
// every problem at once. c is nil for automation, which may name any
// customer of the workspace; a user may only name customers they can see.
// Values the task already has are not checked again, so that a task stays
// editable when, say, its customer has since moved out of the caller's
// sight.
func (s *Service) apply(ctx context.Context, o *workspace.Org, c *workspace.Caller, t *Task, in *Input, creating bool) error {
	if in == nil {
		in = &Input{}
	}
	var p domain.Problems
	if in.Title != nil {
		t.Title = check.Text(&p, "title", *in.Title, maxTitle, true)
	} else if creating {
		p.Add("title", "required")
	}
	if in.Description != nil {
		t.Description = check.Lines(&p, "description", *in.Description, maxDescription, false)
	}
	if in.Type != nil {
		t.Type = check.OneOf(&p, "type", *in.Type, Types, TypeTodo, creating)
	}
	if in.Priority != nil {
		t.Priority = check.OneOf(&p, "priority", *in.Priority, Priorities, PriorityNormal, creating)
	}
	if in.Status != nil {
		t.Status = check.OneOf(&p, "status", *in.Status, Statuses, StatusOpen, creating)
	}
	if in.AssigneeID != nil {
		id := strings.TrimSpace(*in.AssigneeID)
		if id == "" {
			p.Add("assignee_id", "required")
		} else if creating || id != t.AssigneeID {
			checkAssignee(o, &p, id)
		}
		t.AssigneeID = id
	} else if creating {
		p.Add("assignee_id", "required")
	}
	if in.RelatedUserIDs != nil {
		t.RelatedUserIDs = checkRelated(o, &p, *in.RelatedUserIDs, t.RelatedUserIDs)
	}
	if in.CustomerID != nil {
		id := strings.TrimSpace(*in.CustomerID)
		if id != "" && id != t.CustomerID {
			if err := s.checkCustomer(ctx, o, c, &p, id); err != nil {
				return err
			}
		}
		t.CustomerID = id
	}
	if in.OrderID != nil {
		t.OrderID = check.Text(&p, "order_id", *in.OrderID, maxRef, false)
	}
	if in.DueOn != nil {
		t.DueOn = *in.DueOn
		if !t.DueOn.IsZero() {
			if _, err := domain.ParseDate(t.DueOn.String()); err != nil {
				p.Add("due_on", "invalid_date")
			}
		}
	}
	return p.Err()
}

// checkAssignee requires an active user of the workspace.
func checkAssignee(o *workspace.Org, p *domain.Problems, id string) {
	u, ok := o.User(id)
	switch {
	case !ok:
		p.Add("assignee_id", "unknown_user", "value", id)
	case !u.Active:
		p.Add("assignee_id", "user_inactive", "value", id)
	}
}

// checkRelated drops empty and repeated ids and requires the others to be
// users of the workspace (those already on the task are kept as they are).
func checkRelated(o *workspace.Org, p *domain.Problems, ids, had []string) []string {
	out := make([]string, 0, len(ids))
	for i, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" || slices.Contains(out, id) {
			continue
		}
		if _, ok := o.User(id); !ok && !slices.Contains(had, id) {
			p.Add(fmt.Sprintf("related_user_ids[%d]", i), "unknown_user", "value", id)
		}
		out = append(out, id)
	}
	if len(out) > maxRelated {
		p.Add("related_user_ids", "too_many", "max", fmt.Sprint(maxRelated))
	}
	return out
}

// checkCustomer requires a live customer of the workspace that the caller,
// if any, may see. Only a failure to read is returned as an error.
func (s *Service) checkCustomer(ctx context.Context, o *workspace.Org, c *workspace.Caller, p *domain.Problems, id string) error {
	var cu *domain.Customer
	var err error
	if c != nil {
		cu, err = s.customers.GetCustomer(ctx, c, id)
	} else {
		cu, err = s.customers.CustomerImage(ctx, o.Workspace.ID, id)
	}
	switch {
	case errors.Is(err, domain.ErrNotFound):
		p.Add("customer_id", "unknown_customer", "value", id)
	case err != nil:
		return fmt.Errorf("task: check customer %s: %w", id, err)
	case cu.Deleted():
		p.Add("customer_id", "unknown_customer", "value", id)
	}
	return nil
}
