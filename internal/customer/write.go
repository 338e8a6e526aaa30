package customer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// errStale: the customer changed between read and write; read it again.
var errStale = errors.New("customer: customer changed concurrently")

// audit is one history entry a write makes: who changed what.
type audit struct {
	actor   domain.Actor
	action  string
	changes []domain.FieldChange
}

// commit writes after in place of before (nil for a new customer) in one
// transaction with its history entry, its duplicate-check claims, its
// share items and any extra ops. It writes nothing and returns false when
// nothing changed.
func (s *Service) commit(ctx context.Context, o *workspace.Org, before, after *customerRecord, actor domain.Actor, action string, extra []store.TxOp) (bool, error) {
	var beforeC *domain.Customer
	if before != nil {
		beforeC = &before.Customer
	}
	return s.commitAudited(ctx, o, before, after, []audit{{actor, action, diff(beforeC, &after.Customer)}}, extra)
}

// commitAudited is commit with the history entries given: one per actor
// when several changed the customer in one write.
func (s *Service) commitAudited(ctx context.Context, o *workspace.Org, before, after *customerRecord, entries []audit, extra []store.TxOp) (bool, error) {
	var beforeClaims map[string]string
	var beforeShares []string
	cond := store.NotExist
	if before != nil {
		beforeClaims, beforeShares = before.Claims, before.SharedWith
		cond = store.IfVersion(before.Version)
	}
	changed := false
	for _, e := range entries {
		changed = changed || len(e.changes) > 0
	}
	if before != nil && !changed && len(extra) == 0 {
		return false, nil
	}
	now := s.now()
	after.UpdatedAt = now
	after.Version = 1
	if before != nil {
		after.Version = before.Version + 1
	} else {
		after.UpdatedAt = after.CreatedAt
	}
	if (before == nil && after.OwnerID != "") || (before != nil && before.OwnerID != after.OwnerID) {
		// A new owner: their time to care for the customer starts now.
		after.AssignedAt, after.OwnerCaredAt = &now, nil
		if after.OwnerID == "" {
			after.AssignedAt = nil
		}
	}
	ops := claimOps(o.Duplicates, beforeClaims, after)
	ops = append(ops, shareOps(after, beforeShares)...)
	ops = append(ops, store.TxPut(after.item(), cond))
	ops = append(ops, indexOps(before, after)...)
	for i, e := range entries {
		if len(e.changes) == 0 && len(entries) > 1 {
			continue
		}
		// Entries of one write keep their order in the history.
		at := now.Add(time.Duration(i))
		ops = append(ops, store.TxPut(historyItem(after.TenantID, after.ID, after.Version, at, e.actor, e.action, e.changes), store.NotExist))
	}
	ops = append(ops, extra...)
	err := s.store.Transact(ctx, ops)
	if err == nil {
		return true, nil
	}
	i := store.FailedOp(err)
	switch {
	case i < 0:
		return false, fmt.Errorf("customer: write customer %s: %w", after.ID, err)
	case ops[i].IsPut() && ops[i].Item.Type == typeClaim:
		return false, s.duplicateError(ctx, o, ops[i].Key)
	case ops[i].Key == customerKey(after.TenantID, after.ID):
		if before == nil {
			return false, fmt.Errorf("customer: customer id %s taken: %w", after.ID, err)
		}
		return false, errStale
	}
	return false, fmt.Errorf("customer: write customer %s: %w", after.ID, err)
}

// shareOps keeps the share items (which list a customer for the users it
// is shared with) in step with shared_with.
func shareOps(r *customerRecord, before []string) []store.TxOp {
	var ops []store.TxOp
	sk := listKey(r.CreatedAt, r.ID)
	for _, u := range before {
		if !slices.Contains(r.SharedWith, u) {
			ops = append(ops, store.TxDelete(store.Key{PK: SharePK(r.TenantID, u), SK: sk}, store.None))
		}
	}
	for _, u := range r.SharedWith {
		if !slices.Contains(before, u) {
			ops = append(ops, store.TxPut(store.Item{Key: store.Key{PK: SharePK(r.TenantID, u), SK: sk}, Type: typeShare, Version: 1,
				Doc: store.Doc(map[string]string{"customer_id": r.ID})}, store.None))
		}
	}
	return ops
}

// change is one attempt at changing a customer: it edits after (a copy of
// before) and may add ops to the transaction.
type change func(before, after *customerRecord) ([]store.TxOp, error)

// Change is one change to a customer: it edits after, a copy of before,
// and returns the ops to write in the same transaction.
type Change func(before, after *domain.Customer) ([]store.TxOp, error)

// Mutate reads a customer, applies fn and writes the result with its
// history entry and fn's ops in one transaction, again from a fresh read
// when another write got there first. It returns the customer as written.
func (s *Service) Mutate(ctx context.Context, o *workspace.Org, id string, actor domain.Actor, action string, fn Change) (*domain.Customer, error) {
	r, err := s.mutate(ctx, o, id, actor, action, func(before, after *customerRecord) ([]store.TxOp, error) {
		return fn(&before.Customer, &after.Customer)
	})
	if err != nil {
		return nil, err
	}
	return &r.Customer, nil
}

// mutate reads a customer, applies fn and commits, again from a fresh read
// when another write got there first. It returns the customer as written
// (or as it was, when fn changed nothing).
func (s *Service) mutate(ctx context.Context, o *workspace.Org, id string, actor domain.Actor, action string, fn change) (*customerRecord, error) {
	var out *customerRecord
	err := retryStale(func() error {
		before, err := s.loadCustomer(ctx, o.Workspace.ID, id)
		if err != nil {
			return err
		}
		after := before.clone()
		after.Cause = nil // a user's write starts no chain
		extra, err := fn(before, after)
		if err != nil {
			return err
		}
		wrote, err := s.commit(ctx, o, before, after, actor, action, extra)
		out = after
		if !wrote {
			out = before
		}
		return err
	})
	return out, err
}

// retryStale runs an attempt at a write again while it finds the customer
// changed since it read it, up to nine times, then calls it a conflict.
func retryStale(attempt func() error) error {
	for range 9 {
		if err := attempt(); !errors.Is(err, errStale) {
			return err
		}
	}
	return domain.VersionConflict("customer")
}

// CanChange refuses a customer the caller may not change: 404 when they
// can't even see it, 403 when it is only shared with them.
func CanChange(c *workspace.Caller, r *domain.Customer) error {
	sc := c.Org.ScopeOf(c.User)
	if r.DeletedAt != nil && !c.IsAdmin() {
		return domain.NotFound("customer")
	}
	if sc.CanWrite(r) {
		return nil
	}
	if sc.CanRead(r) {
		return domain.Errorf(domain.ErrForbidden, "shared_read_only")
	}
	return domain.NotFound("customer")
}

// CanEdit refuses what CanChange refuses, and a customer in the trash.
func CanEdit(c *workspace.Caller, r *domain.Customer) error {
	if err := CanChange(c, r); err != nil {
		return err
	}
	return Live(r)
}

// Live refuses a customer in the trash.
func Live(r *domain.Customer) error {
	if r.DeletedAt != nil {
		return domain.NotFound("customer")
	}
	return nil
}

// CreateCustomer creates a customer for the caller. A non-admin who names
// no owner becomes the owner, and may only give it to someone whose
// customers they manage.
func (s *Service) CreateCustomer(ctx context.Context, c *workspace.Caller, in *Input) (*domain.Customer, error) {
	sc := c.Org.ScopeOf(c.User)
	r, err := s.createCustomer(ctx, c.Org, in, c.Actor(), &sc, nil)
	if err != nil {
		return nil, err
	}
	return View(c.Org, &r.Customer), nil
}

// Also are writes a system actor makes in the same transaction as its
// change to a customer (a webhook's replay marker), given the customer's
// id: a new customer has one only once it is being written. When one of
// them fails its condition, so does the change.
type Also func(customerID string) []store.TxOp

// Ops are the writes for the customer of an id; none when a is nil.
func (a Also) Ops(customerID string) []store.TxOp {
	if a == nil {
		return nil
	}
	return a(customerID)
}

// CreateCustomerAs creates a customer on behalf of a system actor (a
// webhook, an import), without a caller's scope, writing also with it.
func (s *Service) CreateCustomerAs(ctx context.Context, o *workspace.Org, in *Input, actor domain.Actor, also Also) (*domain.Customer, error) {
	r, err := s.createCustomer(ctx, o, in, actor, nil, also)
	if err != nil {
		return nil, err
	}
	return View(o, &r.Customer), nil
}

func (s *Service) createCustomer(ctx context.Context, o *workspace.Org, in *Input, actor domain.Actor, sc *workspace.Scope, also Also) (*customerRecord, error) {
	now := s.now()
	r := &customerRecord{TenantID: o.Workspace.ID, Customer: domain.Customer{ID: domain.NewID("cus"), CreatedAt: now, UpdatedAt: now}}
	normaliseCustomer(&r.Customer)
	if sc != nil && !sc.All() && !in.Sets(domain.FieldOwner) {
		r.OwnerID = sc.Self()
	}
	p := in.apply(o, &r.Customer, true, now)
	if sc != nil && p.Empty() && !sc.CanAssign(r.OwnerID, r.WarehouseID) {
		p.Add(domain.FieldOwner, "owner_not_allowed")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	// Refuse a known duplicate before taking a code, so that codes only
	// skip a number when two creates race for the same value.
	if err := s.precheckClaims(ctx, o, r); err != nil {
		return nil, err
	}
	n, err := s.codes.Next(ctx, o.Workspace.ID)
	if err != nil {
		return nil, fmt.Errorf("customer: next customer code: %w", err)
	}
	r.Code = fmt.Sprintf("KH%06d", n)
	if _, err := s.commit(ctx, o, nil, r, actor, "created", also.Ops(r.ID)); err != nil {
		return nil, err
	}
	return r, nil
}

// GetCustomer returns a customer the caller may see.
func (s *Service) GetCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error) {
	r, err := s.loadCustomer(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	if r.DeletedAt != nil && !c.IsAdmin() {
		return nil, domain.NotFound("customer")
	}
	if !c.Org.ScopeOf(c.User).CanRead(&r.Customer) {
		return nil, domain.NotFound("customer")
	}
	return View(c.Org, &r.Customer), nil
}

// UpdateCustomer applies a patch. Without a version in the input, a patch
// that lost a race with another write is applied again to the fresh
// customer; with one, it is refused.
func (s *Service) UpdateCustomer(ctx context.Context, c *workspace.Caller, id string, in *Input) (*domain.Customer, error) {
	sc := c.Org.ScopeOf(c.User)
	r, err := s.mutate(ctx, c.Org, id, c.Actor(), "updated", func(before, after *customerRecord) ([]store.TxOp, error) {
		if err := CanEdit(c, &before.Customer); err != nil {
			return nil, err
		}
		if in.Version != nil && *in.Version != before.Version {
			return nil, domain.VersionConflict("customer")
		}
		p := in.apply(c.Org, &after.Customer, false, s.now())
		if p.Empty() && (after.OwnerID != before.OwnerID || after.WarehouseID != before.WarehouseID) && !sc.CanAssign(after.OwnerID, after.WarehouseID) {
			p.Add(domain.FieldOwner, "owner_not_allowed")
		}
		return nil, p.Err()
	})
	if err != nil {
		return nil, err
	}
	return View(c.Org, &r.Customer), nil
}

// DeleteCustomer moves a customer to the trash, releasing its duplicate
// claims; admins can restore it.
func (s *Service) DeleteCustomer(ctx context.Context, c *workspace.Caller, id string) error {
	_, err := s.mutate(ctx, c.Org, id, c.Actor(), "deleted", func(before, after *customerRecord) ([]store.TxOp, error) {
		if err := CanEdit(c, &before.Customer); err != nil {
			return nil, err
		}
		now := s.now()
		after.DeletedAt = &now
		return nil, nil
	})
	return err
}

// RestoreCustomer takes a customer out of the trash (admins only). It is
// refused when another customer has taken one of its unique values since.
func (s *Service) RestoreCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	r, err := s.mutate(ctx, c.Org, id, c.Actor(), "restored", func(before, after *customerRecord) ([]store.TxOp, error) {
		if before.DeletedAt == nil {
			return nil, domain.Errorf(domain.ErrConflict, "not_deleted")
		}
		after.DeletedAt = nil
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return View(c.Org, &r.Customer), nil
}
