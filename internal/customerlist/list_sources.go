package customerlist

import (
	"context"
	"errors"
	"sync"

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

// indexSources are the sources of the shards of a sharded index key.
func indexSources(index string, pks []string) []*source {
	out := make([]*source, len(pks))
	for i, pk := range pks {
		out[i] = indexSource(index, pk)
	}
	return out
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

// dry reports whether the source has no item at hand and more to read.
func (s *source) dry() bool { return len(s.buf) == 0 && !s.done }

// read reads the source's next page.
func (s *source) read(ctx context.Context, st store.Store) error {
	page, err := st.Query(ctx, s.q)
	if err != nil {
		return err
	}
	s.buf = page.Items
	s.q.Cursor = page.Cursor
	s.done = page.Cursor == ""
	return nil
}

// peek returns the next item without consuming it.
func (s *source) peek(ctx context.Context, st store.Store) (store.Item, bool, error) {
	for s.dry() {
		if err := s.read(ctx, st); err != nil {
			return store.Item{}, false, err
		}
	}
	if len(s.buf) == 0 {
		return store.Item{}, false, nil
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

// fillAtOnce bounds the sources a merger reads at the same time.
const fillAtOnce = 16

// fill reads a page of every dry source at the same time: the shards of a
// sharded key all need their first page together, and one after the
// other they would add up their latencies.
func (m *merger) fill(ctx context.Context) error {
	var dry []*source
	for _, s := range m.sources {
		if s.dry() {
			dry = append(dry, s)
		}
	}
	if len(dry) < 2 {
		return nil
	}
	errs := make([]error, len(dry))
	slots := make(chan struct{}, fillAtOnce)
	var wg sync.WaitGroup
	for i, s := range dry {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			errs[i] = s.read(ctx, m.st)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// next returns the next item, the source it came from and its list key.
func (m *merger) next(ctx context.Context) (store.Item, *source, string, bool, error) {
	for {
		if err := m.fill(ctx); err != nil {
			return store.Item{}, nil, "", false, err
		}
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
