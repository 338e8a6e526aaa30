package custindex

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	gojson "github.com/goccy/go-json"

	"tend/internal/domain"
	"tend/internal/store"
)

// searchReadCap bounds the index items one Search reads per id asked for:
// a query whose read term matches many customers and the others few
// answers fewer ids, with a cursor, rather than read without end.
const searchReadCap = 20

// probeLimit is how many items the probe of a term reads in one shard.
const probeLimit = 16

// probeShard is the shard the probe reads.
const probeShard = 0

// Search returns the ids of customers matching q: every word of q (folded:
// no case, no diacritics) must match a word of the name by prefix, or the
// code, or the email (whole or before @, by prefix), or the phone (any form:
// 0912…, +84912…, legacy 11-digit, or its last 4+ digits). Ids come in index
// order, each once, from cursor on.
//
// One term of q is read from the index, the others checked on the token
// documents read. On a first page of a query of several words, a probe of
// one shard picks the term that matches fewest there (ties: the longest);
// its cursor names that term for the next pages. It reads at most about
// 20 index items per id asked for: it may answer fewer than limit ids with
// a cursor, and is then called again from that cursor.
func Search(ctx context.Context, st store.Store, tenant, q, cursor string, limit int) (Hits, error) {
	return SearchKept(ctx, st, tenant, q, nil, cursor, limit)
}

// SearchKept is Search over the customers keep keeps (nil: all), passing
// over the others on the index items, without reading them.
func SearchKept(ctx context.Context, st store.Store, tenant, q string, keep Keep, cursor string, limit int) (Hits, error) {
	terms := parseQuery(q)
	lead, after, err := decodeSearchCursor(cursor, len(terms))
	if err != nil || len(terms) == 0 {
		return Hits{IDs: []string{}}, err
	}
	limit = store.Limit(limit)
	probed := 0
	if cursor == "" {
		if lead, probed, err = probe(ctx, st, tenant, terms); err != nil {
			return Hits{}, err
		}
	}
	read := terms[lead]
	r := newSetReader(st, read.rangeSets(tenant), false, after, expected(limit, keep != nil || len(terms) > 1))
	hits, err := r.collect(ctx, limit, limit*searchReadCap, func(it store.Item, key string) (string, bool, error) {
		var d tokenDoc
		if err := gojson.Unmarshal(it.Doc, &d); err != nil {
			return "", false, fmt.Errorf("custindex: decode token %s: %w", it.Key, err)
		}
		if read.firstKey(&d) != key {
			return "", false, nil // listed under its first matching token
		}
		if !keep.keeps(d.ID, d.Owner, d.House) {
			return "", false, nil
		}
		for _, t := range terms {
			if !t.matches(&d) {
				return "", false, nil
			}
		}
		return d.ID, true, nil
	})
	if err != nil {
		return Hits{}, err
	}
	hits.Read += probed
	if hits.Cursor != "" {
		hits.Cursor = encodeCursor(strconv.Itoa(lead) + "|" + hits.Cursor)
	}
	return hits, nil
}

// expected is how many index items a read of limit ids likely goes
// through: limit, or, when it passes over some (other terms to match, a
// Keep), about as many as it may read. Each shard then reads its share of
// that at once, rather than a page's share in many small rounds (each
// query costs half a read unit, however little it reads).
func expected(limit int, passesOver bool) int {
	if passesOver {
		return limit * searchReadCap / 2
	}
	return limit
}

// probe picks the term to read: the one with fewest items in one shard's
// ranges of its prefixes (probeLimit at most each), ties to the one whose
// shortest prefix is longest. A query of one term needs no probe. It
// returns the term's index and the items read.
func probe(ctx context.Context, st store.Store, tenant string, terms []term) (int, int, error) {
	if len(terms) == 1 {
		return 0, 0, nil
	}
	var qs []store.Query
	var owner, scale []int
	for i, t := range terms {
		for _, p := range t.prefixes() {
			pk, shards := tokenShards(kindOf(p))
			qs = append(qs, store.Query{Index: store.GSI1, PK: pk(tenant, probeShard), SK: store.SKBeginsWith, A: p, Limit: probeLimit, DocsOnly: true})
			owner, scale = append(owner, i), append(scale, shards)
		}
	}
	pages, err := store.QueryEach(ctx, st, qs)
	if err != nil {
		return 0, 0, err
	}
	// A shard's count stands for count × shards customers: phone tokens
	// have fewer shards than words.
	counts := make([]int, len(terms))
	read := 0
	for i, p := range pages {
		counts[owner[i]] += len(p.Items) * scale[i]
		read += len(p.Items)
	}
	best := 0
	for i := range terms {
		if counts[i] < counts[best] || (counts[i] == counts[best] && terms[i].weight() > terms[best].weight()) {
			best = i
		}
	}
	return best, read, nil
}

// weight is the length of a term's shortest prefix: the longer, the fewer
// customers its widest range likely holds.
func (t term) weight() int {
	n := -1
	for _, p := range append(t.wordPrefixes(), t.digits) {
		if p != "" && (n < 0 || len(p) < n) {
			n = len(p)
		}
	}
	return n
}

// decodeSearchCursor reads a search's cursor: the term it reads and the
// key it goes on after.
func decodeSearchCursor(cursor string, terms int) (int, string, error) {
	raw, err := decodeCursor(cursor)
	if err != nil || raw == "" {
		return 0, "", err
	}
	n, key, ok := strings.Cut(raw, "|")
	lead, err := strconv.Atoi(n)
	if !ok || err != nil || lead < 0 || lead >= max(terms, 1) || key == "" {
		return 0, "", domain.InvalidCursor()
	}
	return lead, key, nil
}
