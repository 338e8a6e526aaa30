package customerlist

import (
	"context"

	"tend/internal/store"
)

// source is one ordered stream of customers: an index partition (all
// customers of a shard, an owner's, a warehouse's, the pinned ones) or a
// user's share items. Every source orders by the same list key
// (<created>#<id>), so sources merge into one ordered stream.
type source struct {
	q     store.Query
	index int  // which secondary index holds the list key; -1: the item's SK
	refs  bool // items are share references, not customers
	buf   []store.Item
	done  bool
}

func indexSource(index string, pk string) *source {
	n := 0
	for i, name := range store.Indexes {
		if name == index {
			n = i
		}
	}
	return &source{q: store.Query{Index: index, PK: pk}, index: n}
}

func shareSource(pk string) *source {
	return &source{q: store.Query{PK: pk}, index: -1, refs: true}
}

// start positions the source after key (exclusive) in the given order.
func (s *source) start(after string, ascending bool, pageSize int) {
	s.q.Reverse = !ascending
	s.q.Limit = pageSize
	if after == "" {
		return
	}
	s.q.A = after
	if ascending {
		s.q.SK = store.SKGt
	} else {
		s.q.SK = store.SKLt
	}
}

func (s *source) key(it store.Item) string {
	if s.index < 0 {
		return it.SK
	}
	return it.Index[s.index].SK
}

// peek returns the next item without consuming it.
func (s *source) peek(ctx context.Context, st store.Store) (store.Item, bool, error) {
	for len(s.buf) == 0 {
		if s.done {
			return store.Item{}, false, nil
		}
		page, err := st.Query(ctx, s.q)
		if err != nil {
			return store.Item{}, false, err
		}
		s.buf = page.Items
		s.q.Cursor = page.Cursor
		s.done = page.Cursor == ""
	}
	return s.buf[0], true, nil
}

func (s *source) pop() { s.buf = s.buf[1:] }

// merger yields the items of several sources in list-key order, each
// customer once.
type merger struct {
	st        store.Store
	sources   []*source
	ascending bool
	last      string
}

// next returns the next item, the source it came from and its list key.
func (m *merger) next(ctx context.Context) (store.Item, *source, string, bool, error) {
	for {
		var best *source
		var bestItem store.Item
		var bestKey string
		for _, s := range m.sources {
			it, ok, err := s.peek(ctx, m.st)
			if err != nil {
				return store.Item{}, nil, "", false, err
			}
			if !ok {
				continue
			}
			k := s.key(it)
			if best == nil || (m.ascending && k < bestKey) || (!m.ascending && k > bestKey) {
				best, bestItem, bestKey = s, it, k
			}
		}
		if best == nil {
			return store.Item{}, nil, "", false, nil
		}
		best.pop()
		// The same customer may come from several sources (its owner's and
		// its warehouse's); list keys are unique per customer.
		if bestKey == m.last {
			continue
		}
		m.last = bestKey
		return bestItem, best, bestKey, true, nil
	}
}
