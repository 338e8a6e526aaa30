package customerlist

import (
	"context"
	"slices"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
)

// listPinned returns the visible, currently pinned customers that match,
// sorted, from the cursor on. The pinned set is small (a sparse index), so
// it is read whole.
func (s *Service) listPinned(ctx context.Context, p *listPlan, cur listCursor) ([]*domain.Customer, string, error) {
	src := indexSource(store.GSI4, customer.PinnedPK(p.org.Workspace.ID))
	src.start("", p.ascending, 500)
	m := &merger{st: s.st, sources: []*source{src}, ascending: p.ascending}
	var all []*domain.Customer
	for {
		it, _, _, ok, err := m.next(ctx)
		if err != nil {
			return nil, "", err
		}
		if !ok {
			break
		}
		r, err := decode(it)
		if err != nil {
			return nil, "", err
		}
		if r.DeletedAt == nil && r.Pinned(p.now) && p.match(r) {
			all = append(all, customer.View(p.org, r))
		}
	}
	if p.sorted {
		p.sort(all)
	}
	return pageOf(all, cur, p.limit, "pin")
}

// pageOf cuts a page out of a fully sorted list, after the customer the
// cursor names (or at its offset if that customer has gone).
func pageOf(all []*domain.Customer, cur listCursor, limit int, phase string) ([]*domain.Customer, string, error) {
	start := 0
	if cur.Phase == phase && (cur.After != "" || cur.Offset > 0) {
		start = min(cur.Offset, len(all))
		if i := slices.IndexFunc(all, func(c *domain.Customer) bool { return c.ID == cur.After }); i >= 0 {
			start = i + 1
		}
	}
	end := min(start+limit, len(all))
	page := all[start:end]
	if end < len(all) {
		return page, listCursor{Phase: phase, After: page[len(page)-1].ID, Offset: end}.encode(), nil
	}
	return page, "", nil
}

// restPage is the part of a page after the pinned customers.
type restPage struct {
	items   []*domain.Customer
	next    string
	partial bool
	short   bool // a walk's one batch did not fill the page (walk once)
}

// listRest returns customers that are not pinned (all, in the trash). It
// reads until the page is full or the sources run out, however few
// customers match, unless the time budget runs out first: then it answers
// the customers it has found as a partial page, with a cursor after the
// last customer it read.
func (s *Service) listRest(ctx context.Context, p *listPlan, sources []*source, cur listCursor, trash bool) (restPage, error) {
	if p.sorted {
		return s.listSorted(ctx, p, sources, cur, trash)
	}
	after := ""
	if cur.Phase == "rest" {
		after = cur.Key
	}
	for _, src := range sources {
		src.start(after, p.ascending, sourcePage(p.limit, len(sources)))
	}
	m := &merger{st: s.st, sources: sources, ascending: p.ascending}
	out := restPage{items: []*domain.Customer{}}
	for {
		it, src, key, ok, err := m.next(ctx)
		if err != nil {
			return restPage{}, store.CursorError(err)
		}
		if !ok {
			return out, nil
		}
		r, err := s.resolve(ctx, p.org.Workspace.ID, src, it)
		if err != nil {
			return restPage{}, err
		}
		if r != nil && s.keep(p, r, trash) {
			out.items = append(out.items, customer.View(p.org, r))
			if len(out.items) == p.limit {
				out.next = listCursor{Phase: "rest", Key: key}.encode()
				return out, nil
			}
		}
		// Checked after a customer is read, so that every request moves
		// the cursor on, however little time it is given.
		if p.spent() {
			out.next, out.partial = listCursor{Phase: "rest", Key: key}.encode(), true
			return out, nil
		}
	}
}

// sourcePage is how many items each source reads at a time: about its
// share of a page (customers spread evenly over the shards), with room for
// some that the filter drops. A source that runs short reads on.
func sourcePage(limit, sources int) int {
	return min(max(2*limit/sources+5, 10), 500)
}

func (s *Service) keep(p *listPlan, r *domain.Customer, trash bool) bool {
	if (r.DeletedAt != nil) != trash {
		return false
	}
	if !trash && r.Pinned(p.now) {
		return false // listed in the pinned phase
	}
	return p.match(r)
}

// listSorted reads every customer in scope, sorts them and cuts a page.
func (s *Service) listSorted(ctx context.Context, p *listPlan, sources []*source, cur listCursor, trash bool) (restPage, error) {
	for _, src := range sources {
		src.start("", false, 500)
	}
	m := &merger{st: s.st, sources: sources}
	var all []*domain.Customer
	for {
		it, src, _, ok, err := m.next(ctx)
		if err != nil {
			return restPage{}, err
		}
		if !ok {
			break
		}
		r, err := s.resolve(ctx, p.org.Workspace.ID, src, it)
		if err != nil {
			return restPage{}, err
		}
		if r != nil && s.keep(p, r, trash) {
			all = append(all, customer.View(p.org, r))
		}
	}
	p.sort(all)
	items, next, err := pageOf(all, cur, p.limit, "rest")
	return restPage{items: items, next: next}, err
}
