package customerlist

import (
	"context"
	"slices"
	"strings"

	"tend/internal/custindex"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/rules"
)

// Modes of the rest phase's cursor (listCursor.Mode).
const (
	modeKeys   = ""    // list keys in creation order, merged over sources
	modeIndex  = "idx" // a search or sort index, walked
	modeMemory = "mem" // every candidate read and sorted in memory (at most memoryMax)
)

// memoryMax is the most candidates a list sorts in memory: a staff
// member's own customers, a filter's owner, a search's few matches. Past
// it the list walks the whole workspace's sort index and keeps the
// customers in scope that match, within the time budget.
const memoryMax = 2000

// memoryCursorMax is the most candidates a later page of a list sorted in
// memory reads (they may have grown since its first page).
const memoryCursorMax = 4 * memoryMax

// listLive returns the rest phase of a list of live customers: after the
// pinned ones, in the list's order, from the cursor on.
//
//   - Creation order (the default) without q, and without a filter an
//     index serves (email, phone, a pipeline's steps, tags): the list
//     keys of the sources that hold every candidate (the scope's, or the
//     owners' or warehouses' a filter requires), merged.
//   - q in the default order: the search index's order (by the word or
//     phone matched), walked.
//   - Any other order, q or not: the candidates (a search's, the step or
//     tag index's matches, the sources' customers) sorted in memory when
//     there are at most memoryMax; else the sort index of the whole
//     workspace walked (an admin's unfiltered list goes there at once; a
//     scoped caller's unfiltered list first reads it once, before its own
//     customers), or the list keys merged (creation order).
//
// A walk of an index, for a caller who sees only some customers, passes
// over the others on the index items (indexKeep) rather than reading them.
func (s *Service) listLive(ctx context.Context, p *listPlan, cur listCursor) (restPage, error) {
	tenant := p.org.Workspace.ID
	sources := func() []*source { return s.sourcesFor(tenant, p.scope, p.filter) }
	indexed := slices.Contains(custindex.SortFields, p.field)
	mode := cur.Mode
	// The rest phase starts afresh after the pinned phase, or from a
	// cursor the pinned phase ended with.
	if cur.Phase != "rest" || (cur.Mode == modeKeys && cur.Key == "") {
		cur = listCursor{Phase: "rest"}
		switch {
		case p.q != "" && !p.explicit:
			mode = modeIndex
		case p.q == "" && !p.sorted && !p.indexedFilter():
			mode = modeKeys
		case p.q == "" && indexed && p.scope.All() && p.filter.Empty():
			mode = modeIndex
		default:
			if p.q == "" && indexed && p.filter.Empty() {
				// A scoped caller's sorted list: one read of the sort
				// index, passing over others' customers, fills the page
				// when the caller has a fair share of the workspace's; a
				// smaller scope is read whole and sorted in memory.
				keep, err := s.indexKeep(ctx, p)
				if err != nil {
					return restPage{}, err
				}
				page, err := s.walk(ctx, p, s.sortedStream(tenant, p.field, !p.ascending, keep), "", true)
				if err != nil || !page.short {
					return page, err
				}
			}
			all, complete, err := s.candidates(ctx, p, sources, memoryMax)
			if err != nil {
				return restPage{}, err
			}
			switch {
			case complete:
				return memoryPage(p, all, cur)
			case indexed:
				mode = modeIndex
			default: // creation order (q with the sort asked for, a filter)
				mode = modeKeys
			}
		}
	}
	switch mode {
	case modeKeys:
		return s.listRest(ctx, p, sources(), cur, false)
	case modeIndex:
		if !indexed && (p.q == "" || p.explicit) {
			return restPage{}, domain.InvalidCursor()
		}
		keep, err := s.indexKeep(ctx, p)
		if err != nil {
			return restPage{}, err
		}
		ids := s.sortedStream(tenant, p.field, !p.ascending, keep)
		if p.q != "" && !p.explicit {
			ids = s.searchStream(tenant, p.q, keep)
		}
		return s.walk(ctx, p, ids, cur.Key, false)
	case modeMemory:
		// The candidates were at most memoryMax when the first page was
		// read; a cursor naming a larger set (grown since, or not one this
		// list gave) is refused rather than read without bound.
		all, complete, err := s.candidates(ctx, p, sources, memoryCursorMax)
		if err != nil {
			return restPage{}, err
		}
		if !complete {
			return restPage{}, domain.InvalidCursor()
		}
		return memoryPage(p, all, cur)
	}
	return restPage{}, domain.InvalidCursor()
}

// candidates reads the customers the list shows, in no particular order:
// those the indexes name when they can (a search's matches when there is
// q; when the filter requires an email or a phone, their search's; when
// it requires steps of a pipeline or tags, the customers at those steps
// or with those tags), else the sources' customers. It stops,
// incomplete, past max of them (0: no bound).
func (s *Service) candidates(ctx context.Context, p *listPlan, sources func() []*source, max int) ([]*domain.Customer, bool, error) {
	var all []*domain.Customer
	add := func(r *domain.Customer) bool {
		if r != nil && s.keep(p, r, false) {
			all = append(all, customer.View(p.org, r))
		}
		return max == 0 || len(all) <= max
	}
	streams, err := s.filterStreams(ctx, p)
	if err != nil {
		return nil, false, err
	}
	for _, ids := range streams {
		cursor := ""
		for {
			hits, err := ids(ctx, cursor, 500)
			if err != nil {
				return nil, false, err
			}
			found, err := s.fetch(ctx, p.org.Workspace.ID, hits.IDs)
			if err != nil {
				return nil, false, err
			}
			for _, r := range found {
				if !add(r) {
					return nil, false, nil
				}
			}
			if cursor = hits.Cursor; cursor == "" {
				break
			}
		}
	}
	if len(streams) > 0 {
		return dedupe(all), true, nil
	}
	srcs := sources()
	for _, src := range srcs {
		src.start("", true, 500)
	}
	m := &merger{st: s.st, sources: srcs, ascending: true}
	for {
		it, src, _, ok, err := m.next(ctx)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return all, true, nil
		}
		r, err := s.resolve(ctx, p.org.Workspace.ID, src, it)
		if err != nil {
			return nil, false, err
		}
		if !add(r) {
			return nil, false, nil
		}
	}
}

// memoryPage sorts every candidate and cuts the page the cursor asks for.
func memoryPage(p *listPlan, all []*domain.Customer, cur listCursor) (restPage, error) {
	p.sort(all)
	items, next, err := pageOf(all, cur, p.limit, "rest")
	if next != "" {
		c, _ := decodeListCursor(next)
		c.Mode = modeMemory
		next = c.encode()
	}
	return restPage{items: items, next: next}, err
}

// filterStreams are the index reads that name every customer the list
// may show, when q or the filter allows (none: it does not).
func (s *Service) filterStreams(ctx context.Context, p *listPlan) ([]idStream, error) {
	if p.q == "" && !p.indexedFilter() {
		return nil, nil
	}
	keep, err := s.indexKeep(ctx, p)
	if err != nil {
		return nil, err
	}
	tenant := p.org.Workspace.ID
	switch {
	case p.q != "":
		return []idStream{s.searchStream(tenant, p.q, keep)}, nil
	case len(p.searchable()) > 0:
		var out []idStream
		for _, v := range p.searchable() {
			out = append(out, s.searchStream(tenant, v, keep))
		}
		return out, nil
	}
	if pipeline, steps := p.steps(); len(steps) > 0 {
		return []idStream{func(ctx context.Context, cursor string, limit int) (custindex.Hits, error) {
			return custindex.InSteps(ctx, s.st, tenant, pipeline, steps, keep, cursor, limit)
		}}, nil
	}
	tags := p.tags()
	return []idStream{func(ctx context.Context, cursor string, limit int) (custindex.Hits, error) {
		return custindex.Tagged(ctx, s.st, tenant, tags, keep, cursor, limit)
	}}, nil
}

// indexedFilter reports whether an index names every customer the filter
// may match (filterStreams).
func (p *listPlan) indexedFilter() bool {
	_, steps := p.steps()
	return len(p.searchable()) > 0 || len(steps) > 0 || len(p.tags()) > 0
}

// tags are the tags a filter requires one of (has_any, has_all, in every
// group): the tag index finds the customers that may hold them.
func (p *listPlan) tags() []string {
	tags, _ := p.filter.OneOf(domain.FieldTags)
	return tags
}

// steps are the steps of a pipeline the filter requires one of (eq or in,
// in every group): the step index finds the customers at them.
func (p *listPlan) steps() (string, []string) {
	for _, f := range p.filter.Reads() {
		if pipeline, ok := strings.CutPrefix(f, rules.StepFieldPrefix); ok {
			if steps, ok := p.filter.OneOf(f); ok {
				return pipeline, steps
			}
		}
	}
	return "", nil
}

// searchable are the values a filter requires of the email or the phone
// (eq or in, in every group): the search index finds the customers that
// may hold them, and the filter keeps those that do.
func (p *listPlan) searchable() []string {
	for _, field := range []string{domain.FieldEmail, domain.FieldPhone} {
		if vs, ok := p.filter.OneOf(field); ok {
			return vs
		}
	}
	return nil
}

// dedupe leaves each customer once (several searches may find one).
func dedupe(all []*domain.Customer) []*domain.Customer {
	seen := make(map[string]bool, len(all))
	return slices.DeleteFunc(all, func(c *domain.Customer) bool {
		if seen[c.ID] {
			return true
		}
		seen[c.ID] = true
		return false
	})
}
