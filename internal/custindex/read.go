package custindex

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	gojson "github.com/goccy/go-json"

	"tend/internal/domain"
	"tend/internal/store"
)

// Hits is a page of customer ids read from an index, in its order.
type Hits struct {
	IDs    []string
	Cursor string // "" when the index has no more
	Read   int    // index items read (for budgets and the bench's figures)
}

// keyMax is above every key of a range: the largest code point.
const keyMax = "\U0010FFFF"

// searchReadCap bounds the index items one Search reads per id asked for:
// a query whose longest word matches many customers and the others few
// answers fewer ids, with a cursor, rather than read without end.
const searchReadCap = 20

// Search returns the ids of customers matching q: every word of q (folded:
// no case, no diacritics) must match a word of the name by prefix, or the
// code, or the email (whole or before @, by prefix), or the phone (any form:
// 0912…, +84912…, legacy 11-digit, or its last 4+ digits). Ids come in index
// order, each once, from cursor on. It reads at most about 20 index items
// per id asked for: it may answer fewer than limit ids with a cursor, and
// is then called again from that cursor.
func Search(ctx context.Context, st store.Store, tenant, q, cursor string, limit int) (Hits, error) {
	terms := parseQuery(q)
	after, err := decodeCursor(cursor)
	if err != nil || len(terms) == 0 {
		return Hits{IDs: []string{}}, err
	}
	limit = store.Limit(limit)
	lead := driver(terms)
	var ranges []keyRange
	for _, p := range lead.prefixes() {
		ranges = append(ranges, keyRange{p, p + keyMax})
	}
	var pks []string
	for n := range TokenShards {
		pks = append(pks, TokenPK(tenant, n))
	}
	r := newReader(st, pks, ranges, false, after, limit)
	return r.collect(ctx, limit, limit*searchReadCap, func(it store.Item, key string) (string, bool, error) {
		var d tokenDoc
		if err := gojson.Unmarshal(it.Doc, &d); err != nil {
			return "", false, fmt.Errorf("custindex: decode token %s: %w", it.Key, err)
		}
		if lead.firstKey(&d) != key {
			return "", false, nil // listed under its first matching token
		}
		for _, t := range terms {
			if !t.matches(&d) {
				return "", false, nil
			}
		}
		return d.ID, true, nil
	})
}

// Sorted returns the ids of every live customer of the workspace in the
// order of field (one of SortFields), descending when desc, ties by id;
// customers without a value (no revenue, never cared for...) last in both
// directions. Descending is the index read backwards: ties by id
// descending, and those without a value last, by id descending.
func Sorted(ctx context.Context, st store.Store, tenant, field string, desc bool, cursor string, limit int) (Hits, error) {
	if !isSortField(field) {
		return Hits{}, fmt.Errorf("custindex: %w: no sort index on %q", store.ErrInvalid, field)
	}
	after, err := decodeCursor(cursor)
	if err != nil {
		return Hits{}, err
	}
	limit = store.Limit(limit)
	var pks []string
	for n := range SortShards {
		pks = append(pks, SortPK(tenant, field, n))
	}
	phases := [][]keyRange{{{flagValue, flagNone + keyMax}}}
	if desc {
		phases = [][]keyRange{{{flagValue, flagValue + keyMax}}, {{flagNone, flagNone + keyMax}}}
	}
	// A cursor is in one phase: the read goes on from it there.
	first := 0
	for i, ranges := range phases {
		if after != "" && ranges[0].contains(after) {
			first = i
		}
	}
	hits := Hits{IDs: []string{}}
	for i := first; i < len(phases); i++ {
		from := ""
		if i == first {
			from = after
		}
		r := newReader(st, pks, phases[i], desc, from, limit-len(hits.IDs))
		page, err := r.collect(ctx, limit-len(hits.IDs), 0, func(it store.Item, _ string) (string, bool, error) {
			d, err := store.Decode[sortDoc](it)
			if err != nil {
				return "", false, err
			}
			return d.ID, true, nil
		})
		if err != nil {
			return Hits{}, err
		}
		hits.IDs = append(hits.IDs, page.IDs...)
		hits.Read += page.Read
		hits.Cursor = page.Cursor
		if page.Cursor != "" {
			return hits, nil
		}
		if i+1 < len(phases) && len(hits.IDs) == limit {
			// The page is full at the end of a phase: the next one starts
			// from its beginning.
			hits.Cursor = encodeCursor(phases[i+1][0].start(desc))
			return hits, nil
		}
	}
	return hits, nil
}

func isSortField(f string) bool {
	for _, s := range SortFields {
		if s == f {
			return true
		}
	}
	return false
}

// A cursor is the last index key a read went past, which the next read
// starts after.
func encodeCursor(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || strings.ContainsRune(string(b), 0) {
		return "", domain.InvalidCursor()
	}
	return string(b), nil
}
