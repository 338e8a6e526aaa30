package customerlist

import (
	"context"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// CountCap is the most customers a count counts exactly: past it, a count
// answers CountCap with Capped set ("10,000+"), having read no further.
const CountCap = 10000

// Count is how many customers a list query matches.
type Count struct {
	Count int `json:"count"`
	// Capped says there are more than Count (which is then CountCap).
	Capped bool `json:"capped"`
	// Partial says the request ran out of time before it had counted
	// every match: there are at least Count.
	Partial bool `json:"partial,omitempty"`
}

// CountCustomers counts the customers ListCustomers would list for q
// (pinned or not; q.Sort, q.Limit and q.Cursor play no part), exactly up to
// CountCap.
func (s *Service) CountCustomers(ctx context.Context, c *workspace.Caller, q ListQuery) (*Count, error) {
	if q.Deleted {
		if err := c.RequireAdmin(); err != nil {
			return nil, err
		}
	}
	q.Sort, q.Cursor = "", ""
	plan, err := s.plan(c, q)
	if err != nil {
		return nil, err
	}
	out := &Count{}
	// counted counts a customer read; it says when to stop.
	counted := func(r *domain.Customer) (stop bool) {
		if r != nil && (r.DeletedAt != nil) == q.Deleted && plan.match(r) {
			if out.Count == CountCap {
				out.Capped = true
				return true
			}
			out.Count++
		}
		if plan.spent() {
			out.Partial = true
			return true
		}
		return false
	}
	if !q.Deleted {
		streams, err := s.filterStreams(ctx, plan)
		if err != nil {
			return nil, err
		}
		if len(streams) > 0 {
			return out, s.countStreams(ctx, c.Tenant(), streams, counted)
		}
	}
	if plan.q == "" && !q.Deleted {
		if sources, ok := s.exactSources(c.Tenant(), plan); ok {
			return s.countKeys(ctx, c.Tenant(), sources, plan.spent)
		}
	}
	sources := s.sourcesFor(c.Tenant(), plan.scope, plan.filter)
	if q.Deleted {
		sources = []*source{indexSource(store.GSI1, customer.TrashPK(c.Tenant()))}
	}
	for _, src := range sources {
		src.start("", true, sourcePage(CountCap, len(sources)))
	}
	m := &merger{st: s.st, sources: sources, ascending: true}
	for {
		it, src, _, ok, err := m.next(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		r, err := s.resolve(ctx, c.Tenant(), src, it)
		if err != nil {
			return nil, err
		}
		if counted(r) {
			return out, nil
		}
	}
}

// exactSources are index sources holding exactly the customers a list
// without q shows, so that a count need not read them: the scope's when
// there is no filter; the owners' or warehouses' an admin's filter is
// nothing but a choice of. ok is false for any other list.
func (s *Service) exactSources(tenant string, p *listPlan) ([]*source, bool) {
	if p.filter.Empty() {
		return s.scopeSources(tenant, p.scope), true
	}
	if !p.scope.All() {
		return nil, false
	}
	var out []*source
	switch {
	case p.filter.Only(domain.FieldOwner):
		owners, _ := p.filter.OneOf(domain.FieldOwner)
		for _, u := range owners {
			if u == "" {
				return nil, false // the unowned have no owner key
			}
			out = append(out, indexSources(store.GSI2, customer.OwnerPKs(tenant, u))...)
		}
	case p.filter.Only(domain.FieldWarehouse):
		warehouses, _ := p.filter.OneOf(domain.FieldWarehouse)
		for _, w := range warehouses {
			out = append(out, indexSources(store.GSI3, customer.WarehousePKs(tenant, w))...)
		}
	default:
		return nil, false
	}
	return out, true
}

// countKeys counts the customers sources hold, each once, up to CountCap,
// reading every source at the same time and in no order. Their list keys
// are counted without reading the customers, but for shares, which may
// point to one gone.
func (s *Service) countKeys(ctx context.Context, tenant string, sources []*source, spent func() bool) (*Count, error) {
	out := &Count{}
	seen := make(map[string]bool, CountCap+1)
	page := min(CountCap*5/4/max(len(sources), 1)+10, 1000)
	for _, src := range sources {
		src.start("", true, page)
	}
	for {
		var open []*source
		var qs []store.Query
		for _, src := range sources {
			if !src.done {
				open, qs = append(open, src), append(qs, src.q)
			}
		}
		if len(qs) == 0 {
			return out, nil
		}
		pages, err := store.QueryEach(ctx, s.st, qs)
		if err != nil {
			return nil, store.CursorError(err)
		}
		for i, src := range open {
			src.q.Cursor, src.done = pages[i].Cursor, pages[i].Cursor == ""
			for _, it := range pages[i].Items {
				if src.refs {
					r, err := s.resolve(ctx, tenant, src, it)
					if err != nil {
						return nil, err
					}
					if r == nil || r.DeletedAt != nil {
						continue
					}
				}
				seen[src.key(it)] = true
			}
		}
		if out.Count = len(seen); out.Count > CountCap {
			out.Count, out.Capped = CountCap, true
			return out, nil
		}
		if spent() {
			out.Partial = true
			return out, nil
		}
	}
}

// countStreams hands counted the customers the index streams name, each
// once, until it says stop or they run out.
func (s *Service) countStreams(ctx context.Context, tenant string, streams []idStream, counted func(*domain.Customer) bool) error {
	seen := map[string]bool{}
	for _, ids := range streams {
		cursor := ""
		for {
			hits, err := ids(ctx, cursor, 500)
			if err != nil {
				return err
			}
			fresh := hits.IDs[:0:0]
			for _, id := range hits.IDs {
				if !seen[id] {
					seen[id] = true
					fresh = append(fresh, id)
				}
			}
			found, err := s.fetch(ctx, tenant, fresh)
			if err != nil {
				return err
			}
			for _, r := range found {
				if counted(r) {
					return nil
				}
			}
			if cursor = hits.Cursor; cursor == "" {
				break
			}
		}
	}
	return nil
}
