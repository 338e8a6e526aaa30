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
	// Without q or a filter every live customer the sources hold counts:
	// their list keys are counted without reading the customers (a share
	// still is: it may point to one gone).
	everyone := plan.q == "" && plan.filter.Empty() && !q.Deleted
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
		if everyone && !src.refs {
			if out.Count == CountCap {
				out.Capped = true
				return out, nil
			}
			out.Count++
			continue
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
