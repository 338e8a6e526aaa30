package customerlist

import (
	"context"
	"encoding/json"
	"fmt"

	"tend/internal/custindex"
	"tend/internal/customer"
	"tend/internal/store"
)

// maxSharesKept is the most customers shared with a user that a read
// through the indexes names one by one: past it, the read keeps every
// customer on the index items and leaves the scope to the check on each
// customer read (slower, never wrong).
const maxSharesKept = memoryMax

// indexKeep is what the list's reads through the search and sort indexes
// keep, told by the index items: the customers of the caller's scope (its
// owners', its warehouses', those shared with the caller). nil for a
// caller who sees every customer. It errs on the side of keeping: every
// customer read is still checked (keep).
func (s *Service) indexKeep(ctx context.Context, p *listPlan) (custindex.Keep, error) {
	if p.scope.All() {
		return nil, nil
	}
	if p.keepRead {
		return p.keepIndex, nil
	}
	owners, warehouses := map[string]bool{}, map[string]bool{}
	for _, u := range p.scope.Owners() {
		owners[u] = true
	}
	for _, w := range p.scope.Warehouses() {
		warehouses[w] = true
	}
	shared, err := s.sharedWith(ctx, p.org.Workspace.ID, p.scope.Self())
	if err != nil {
		return nil, err
	}
	p.keepRead = true
	if shared == nil {
		return nil, nil // too many to name
	}
	p.keepIndex = func(id, owner, warehouse string) bool {
		return (owner != "" && owners[owner]) || (warehouse != "" && warehouses[warehouse]) || shared[id]
	}
	return p.keepIndex, nil
}

// sharedWith reads the ids of the customers shared with user, nil when
// there are more than maxSharesKept.
func (s *Service) sharedWith(ctx context.Context, tenant, user string) (map[string]bool, error) {
	out := map[string]bool{}
	if user == "" {
		return out, nil
	}
	q := store.Query{PK: customer.SharePK(tenant, user), Limit: 500}
	for {
		page, err := s.st.Query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("customerlist: read shares: %w", err)
		}
		for _, it := range page.Items {
			var ref struct {
				CustomerID string `json:"customer_id"`
			}
			if err := json.Unmarshal(it.Doc, &ref); err != nil {
				return nil, fmt.Errorf("customerlist: decode share %s: %w", it.Key, err)
			}
			out[ref.CustomerID] = true
		}
		if len(out) > maxSharesKept {
			return nil, nil
		}
		if page.Cursor == "" {
			return out, nil
		}
		q.Cursor = page.Cursor
	}
}
