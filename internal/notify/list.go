package notify

import (
	"context"
	"errors"
	"fmt"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Filter narrows a list of messages.
type Filter struct {
	CustomerID string
	Status     Status
	Limit      int
	Cursor     string
}

// List returns delivery records, newest first: a customer's, to whoever
// may see the customer, or the whole workspace's, to an admin.
func (s *Service) List(ctx context.Context, c *workspace.Caller, f Filter) (*domain.Page[*Message], error) {
	q := store.Query{Index: store.GSI2, PK: listPK(c.Tenant()), Reverse: true, Limit: domain.ListLimit(f.Limit), Cursor: f.Cursor}
	switch {
	case f.CustomerID != "":
		if _, err := s.customers.GetCustomer(ctx, c, f.CustomerID); err != nil {
			return nil, err
		}
		q.Index, q.PK = store.GSI3, customerPK(c.Tenant(), f.CustomerID)
	case !c.User.IsAdmin():
		return nil, domain.Forbidden()
	}
	switch f.Status {
	case "", StatusQueued, StatusSending, StatusSent, StatusFailed, StatusSkipped:
	default:
		return nil, &domain.Error{Kind: domain.ErrInvalid, Code: "validation_failed",
			Fields: []domain.FieldError{{Path: "status", Code: "invalid_value"}}}
	}
	out := &domain.Page[*Message]{Items: []*Message{}}
	// A status filter reads past what it drops, a few pages at most per
	// answer; the cursor carries on from where the reading stopped.
	for range 10 {
		page, err := s.st.Query(ctx, q)
		if errors.Is(err, store.ErrInvalid) {
			return nil, &domain.Error{Kind: domain.ErrInvalid, Code: "validation_failed",
				Fields: []domain.FieldError{{Path: "cursor", Code: "invalid_cursor"}}}
		}
		if err != nil {
			return nil, fmt.Errorf("notify: list messages: %w", err)
		}
		for _, it := range page.Items {
			m, err := decodeMessage(it)
			if err != nil {
				return nil, err
			}
			if f.Status == "" || m.Status == f.Status {
				out.Items = append(out.Items, m)
			}
		}
		out.NextCursor = page.Cursor
		if page.Cursor == "" || len(out.Items) > 0 {
			break
		}
		q.Cursor = page.Cursor
	}
	return out, nil
}
