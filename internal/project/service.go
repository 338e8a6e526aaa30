package project

import (
	"context"
	"errors"
	"fmt"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Customers reads the customers tasks are about, as the caller may see
// them.
type Customers interface {
	GetCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error)
}

// Service keeps projects and their tasks.
type Service struct {
	st        store.Store
	clock     domain.Clock
	customers Customers
}

// New returns the project service over a store.
func New(st store.Store, clock domain.Clock, customers Customers) *Service {
	return &Service{st: st, clock: clock, customers: customers}
}

// Create makes a project owned by the caller unless it names another
// owner (an admin may; others own what they make), with the default
// statuses in the workspace's language unless it names its own.
func (s *Service) Create(ctx context.Context, c *workspace.Caller, in *Input) (*Project, error) {
	now := s.clock.Now().UTC()
	p := &Project{ID: domain.NewID("prj"), TenantID: c.Tenant(), OwnerID: c.User.ID, MemberIDs: []string{},
		Statuses: defaultStatuses(c.Org.Workspace.Language), Phases: []Phase{},
		CreatedBy: c.Actor(), CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := apply(c.Org, p, in, true); err != nil {
		return nil, err
	}
	if !c.IsAdmin() && p.OwnerID != c.User.ID {
		return nil, domain.Forbidden()
	}
	if err := s.st.Put(ctx, p.item(), store.NotExist); err != nil {
		return nil, fmt.Errorf("project: create: %w", err)
	}
	return p, nil
}

// Get returns a project the caller may see.
func (s *Service) Get(ctx context.Context, c *workspace.Caller, id string) (*Project, error) {
	p, err := s.loadProject(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	if !canSee(c, p) {
		return nil, domain.NotFound("project")
	}
	return p, nil
}

// Update changes a project: its owner or an admin. Statuses and phases
// given replace the project's; tasks keep the ids they name.
func (s *Service) Update(ctx context.Context, c *workspace.Caller, id string, in *Input) (*Project, error) {
	p, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if !canManage(c, p) {
		return nil, domain.Forbidden()
	}
	if err := domain.CheckVersion(in.Version, p.Version, "project"); err != nil {
		return nil, err
	}
	if err := apply(c.Org, p, in, false); err != nil {
		return nil, err
	}
	prev := p.Version
	p.Version, p.UpdatedAt = prev+1, s.clock.Now().UTC()
	err = s.st.Put(ctx, p.item(), store.IfVersion(prev))
	if errors.Is(err, store.ErrConditionFailed) {
		return nil, domain.VersionConflict("project")
	}
	if err != nil {
		return nil, fmt.Errorf("project: update %s: %w", id, err)
	}
	return p, nil
}

// Delete removes a project that has no tasks left: its owner or an admin.
func (s *Service) Delete(ctx context.Context, c *workspace.Caller, id string) error {
	p, err := s.Get(ctx, c, id)
	if err != nil {
		return err
	}
	if !canManage(c, p) {
		return domain.Forbidden()
	}
	page, err := s.st.Query(ctx, store.Query{Index: store.GSI1, PK: tasksPK(p.TenantID, p.ID), Limit: 1, DocsOnly: true})
	if err != nil {
		return fmt.Errorf("project: read tasks of %s: %w", id, err)
	}
	if len(page.Items) > 0 {
		return domain.Errorf(domain.ErrConflict, "project_has_tasks")
	}
	err = s.st.Delete(ctx, projectKey(p.TenantID, p.ID), store.IfVersion(p.Version))
	if errors.Is(err, store.ErrConditionFailed) {
		return domain.VersionConflict("project")
	}
	if err != nil {
		return fmt.Errorf("project: delete %s: %w", id, err)
	}
	return nil
}

// maxScanned bounds the items one page of a list reads while skipping
// what the caller may not see or the filter leaves out; the page then ends
// early, with a cursor to go on.
const maxScanned = 2000

// List returns a page of the projects the caller may see, oldest first. A
// page may hold fewer projects than the limit while more remain: go on
// until the cursor is empty.
func (s *Service) List(ctx context.Context, c *workspace.Caller, limit int, cursor string) (*domain.Page[*Project], error) {
	out := &domain.Page[*Project]{Items: []*Project{}}
	err := scan(ctx, s.st, store.Query{Index: store.GSI1, PK: projectsPK(c.Tenant()), Cursor: cursor}, domain.ListLimit(limit), out,
		func(it store.Item) (*Project, bool, error) {
			p, err := decodeProject(c.Tenant(), it)
			return p, err == nil && canSee(c, p), err
		})
	return out, err
}

// scan fills a page from a query, keeping what keep says to, reading no
// more than the page still needs so that the store's cursor is exactly
// where the page ends.
func scan[T any](ctx context.Context, st store.Store, q store.Query, limit int, out *domain.Page[T], keep func(store.Item) (T, bool, error)) error {
	for scanned := 0; ; {
		q.Limit = limit - len(out.Items)
		page, err := st.Query(ctx, q)
		if errors.Is(err, store.ErrInvalid) && q.Cursor != "" {
			return domain.InvalidCursor()
		}
		if err != nil {
			return fmt.Errorf("project: list %s: %w", q.PK, err)
		}
		for _, it := range page.Items {
			v, ok, err := keep(it)
			if err != nil {
				return err
			}
			if ok {
				out.Items = append(out.Items, v)
			}
		}
		scanned += len(page.Items)
		q.Cursor = page.Cursor
		if q.Cursor == "" || len(out.Items) >= limit || scanned >= maxScanned {
			out.NextCursor = q.Cursor
			return nil
		}
	}
}
