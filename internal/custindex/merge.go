package custindex

import (
	"context"

	"tend/internal/store"
)

// keyRange is a range of index sort keys, both ends included.
type keyRange struct{ lo, hi string }

func (r keyRange) contains(k string) bool { return r.lo <= k && k <= r.hi }

// start is where a read of the range in one direction begins.
func (r keyRange) start(desc bool) string {
	if desc {
		return r.hi
	}
	return r.lo
}

// source is one key range of one shard, read a page at a time.
type source struct {
	q    store.Query
	skip string // the cursor's key, which the range may include
	buf  []store.Item
	done bool
}

// reader merges the sources of a read into one stream in key order, the
// pattern of customerlist's merger: every dry source is read at the same
// time, a page of about its share of the page asked for.
type reader struct {
	st      store.Store
	sources []*source
	desc    bool
	read    int
	last    string // the last key returned
}

// pageShare is how many items each source reads a page: twice its share
// of the page, so that an uneven spread over the shards seldom needs a
// second round.
func pageShare(limit, sources int) int { return min(max(2*limit/sources+2, 4), 1000) }

// rangeSet is key ranges read in each of a set of partitions.
type rangeSet struct {
	pks    []string
	ranges []keyRange
}

// newReader reads ranges of every partition in pks, after the key after
// (exclusive; "" from the start), ascending or descending.
func newReader(st store.Store, pks []string, ranges []keyRange, desc bool, after string, limit int) *reader {
	return newSetReader(st, []rangeSet{{pks, ranges}}, desc, after, limit)
}

// newSetReader is newReader over several sets of partitions and ranges,
// merged into one order. Each set reads its share of the page as if it
// held every item (one may).
func newSetReader(st store.Store, sets []rangeSet, desc bool, after string, limit int) *reader {
	r := &reader{st: st, desc: desc}
	for _, set := range sets {
		r.add(set, after, pageShare(limit, len(set.pks)*len(set.ranges)))
	}
	return r
}

func (r *reader) add(set rangeSet, after string, share int) {
	desc := r.desc
	for _, pk := range set.pks {
		for _, kr := range set.ranges {
			lo, hi := kr.lo, kr.hi
			if after != "" {
				if desc {
					hi = min(hi, after)
				} else {
					lo = max(lo, after)
				}
			}
			s := &source{q: store.Query{Index: store.GSI1, PK: pk, SK: store.SKBetween, A: lo, B: hi, Reverse: desc, Limit: share, DocsOnly: true},
				skip: after, done: lo > hi}
			r.sources = append(r.sources, s)
		}
	}
}

func (s *source) dry() bool { return len(s.buf) == 0 && !s.done }

// fill reads a page of every dry source, at the same time.
func (r *reader) fill(ctx context.Context) error {
	var dry []*source
	var qs []store.Query
	for _, s := range r.sources {
		if s.dry() {
			dry = append(dry, s)
			qs = append(qs, s.q)
		}
	}
	if len(qs) == 0 {
		return nil
	}
	pages, err := store.QueryEach(ctx, r.st, qs)
	if err != nil {
		return store.CursorError(err)
	}
	for i, s := range dry {
		s.buf, s.q.Cursor, s.done = pages[i].Items, pages[i].Cursor, pages[i].Cursor == ""
		r.read += len(s.buf)
		if len(s.buf) > 0 && s.buf[0].Index[0].SK == s.skip {
			s.buf = s.buf[1:] // the cursor's own key, read again at a bound
		}
	}
	return nil
}

// next returns the next item in key order and its key; false at the end.
func (r *reader) next(ctx context.Context) (store.Item, string, bool, error) {
	for {
		if err := r.fill(ctx); err != nil {
			return store.Item{}, "", false, err
		}
		var best *source
		for _, s := range r.sources {
			if len(s.buf) == 0 {
				continue
			}
			k := s.buf[0].Index[0].SK
			if best == nil || (!r.desc && k < best.buf[0].Index[0].SK) || (r.desc && k > best.buf[0].Index[0].SK) {
				best = s
			}
		}
		if best != nil {
			it := best.buf[0]
			best.buf = best.buf[1:]
			if k := it.Index[0].SK; k != r.last || r.last == "" {
				// Ranges may overlap (a search's "nguyen-van" and "nguyen"):
				// an item read from two of them comes once.
				r.last = k
				return it, k, true, nil
			}
			continue
		}
		if !r.anyDry() {
			return store.Item{}, "", false, nil
		}
	}
}

func (r *reader) anyDry() bool {
	for _, s := range r.sources {
		if s.dry() {
			return true
		}
	}
	return false
}

// collect reads until it has limit ids, the index ends, or (readCap > 0)
// it has gone past readCap items; accept turns an item into an id or
// passes it over. (Counting the items gone past, not those read, lets a
// shard that runs dry early read on while the others' pages still serve.)
// The cursor is the last key gone past, not encoded.
func (r *reader) collect(ctx context.Context, limit, readCap int, accept func(store.Item, string) (string, bool, error)) (Hits, error) {
	hits := Hits{IDs: []string{}}
	last := ""
	passed := 0
	for len(hits.IDs) < limit {
		if readCap > 0 && passed >= readCap && last != "" {
			hits.Read, hits.Cursor = r.read, last
			return hits, nil
		}
		it, key, ok, err := r.next(ctx)
		if err != nil {
			return Hits{}, err
		}
		if !ok {
			hits.Read = r.read
			return hits, nil
		}
		last, passed = key, passed+1
		id, keep, err := accept(it, key)
		if err != nil {
			return Hits{}, err
		}
		if keep {
			hits.IDs = append(hits.IDs, id)
		}
	}
	// A full page: is there more after it?
	more, err := r.any(ctx)
	if err != nil {
		return Hits{}, err
	}
	if hits.Read = r.read; more {
		hits.Cursor = last
	}
	return hits, nil
}

// any reports whether the reader has an item left.
func (r *reader) any(ctx context.Context) (bool, error) {
	for {
		if err := r.fill(ctx); err != nil {
			return false, err
		}
		for _, s := range r.sources {
			if len(s.buf) > 0 {
				return true, nil
			}
		}
		if !r.anyDry() {
			return false, nil
		}
	}
}
