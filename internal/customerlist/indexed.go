package customerlist

import (
	"context"

	"tend/internal/custindex"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
)

// idStream reads a page of customer ids in a list's order from a cursor:
// a search (custindex.Search) or a sort index (custindex.Sorted).
type idStream func(ctx context.Context, cursor string, limit int) (custindex.Hits, error)

func (s *Service) searchStream(tenant, q string, keep custindex.Keep) idStream {
	return func(ctx context.Context, cursor string, limit int) (custindex.Hits, error) {
		return custindex.SearchKept(ctx, s.st, tenant, q, keep, cursor, limit)
	}
}

func (s *Service) sortedStream(tenant, field string, desc bool, keep custindex.Keep) idStream {
	return func(ctx context.Context, cursor string, limit int) (custindex.Hits, error) {
		return custindex.SortedKept(ctx, s.st, tenant, field, desc, keep, cursor, limit)
	}
}

// walk lists the customers an index names, in its order, keeping those the
// list shows, until the page is full, the index runs out or the budget
// does (or, once, after one batch: the page is then short when not full).
// Each batch asks for no more ids than the page still needs, so that a
// full page ends at a batch's end, where the index's cursor is.
func (s *Service) walk(ctx context.Context, p *listPlan, ids idStream, cursor string, once bool) (restPage, error) {
	out := restPage{items: []*domain.Customer{}}
	for {
		hits, err := ids(ctx, cursor, p.limit-len(out.items))
		if err != nil {
			return restPage{}, err
		}
		customers, err := s.fetch(ctx, p.org.Workspace.ID, hits.IDs)
		if err != nil {
			return restPage{}, err
		}
		for _, r := range customers {
			if s.keep(p, r, false) {
				out.items = append(out.items, customer.View(p.org, r))
			}
		}
		cursor = hits.Cursor
		if cursor == "" {
			return out, nil
		}
		next := listCursor{Phase: "rest", Mode: modeIndex, Key: cursor}.encode()
		if len(out.items) == p.limit {
			out.next = next
			return out, nil
		}
		if once {
			out.next, out.short = next, true
			return out, nil
		}
		if p.spent() {
			out.next, out.partial = next, true
			return out, nil
		}
	}
}

// fetch reads the customers of ids, in that order; those gone are left
// out.
func (s *Service) fetch(ctx context.Context, tenant string, ids []string) ([]*domain.Customer, error) {
	byID := make(map[string]*domain.Customer, len(ids))
	for start := 0; start < len(ids); start += 100 { // GetMany's most
		batch := ids[start:min(start+100, len(ids))]
		keys := make([]store.Key, len(batch))
		for i, id := range batch {
			keys[i] = customer.ItemKey(tenant, id)
		}
		items, err := s.st.GetMany(ctx, keys)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			r, err := decode(it)
			if err != nil {
				return nil, err
			}
			byID[r.ID] = r
		}
	}
	out := make([]*domain.Customer, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}
