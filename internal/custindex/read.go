package custindex

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

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

// Sorted returns the ids of every live customer of the workspace in the
// order of field (one of SortFields), descending when desc, ties by id;
// customers without a value (no revenue, never cared for...) last in both
// directions. Descending is the index read backwards: ties by id
// descending, and those without a value last, by id descending.
func Sorted(ctx context.Context, st store.Store, tenant, field string, desc bool, cursor string, limit int) (Hits, error) {
	return SortedKept(ctx, st, tenant, field, desc, nil, cursor, limit)
}

// SortedKept is Sorted over the customers keep keeps (nil: all), passing
// over the others on the index items. Like Search, it then reads at most
// about 20 index items per id asked for, and may answer fewer ids with a
// cursor.
func SortedKept(ctx context.Context, st store.Store, tenant, field string, desc bool, keep Keep, cursor string, limit int) (Hits, error) {
	if !isSortField(field) {
		return Hits{}, fmt.Errorf("custindex: %w: no sort index on %q", store.ErrInvalid, field)
	}
	after, err := decodeCursor(cursor)
	if err != nil {
		return Hits{}, err
	}
	limit = store.Limit(limit)
	var pks []string
	for n := range ShardsOf(field) {
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
		r := newReader(st, pks, phases[i], desc, from, expected(limit-len(hits.IDs), keep != nil))
		readCap := 0
		if keep != nil {
			readCap = max((limit-len(hits.IDs))*searchReadCap-hits.Read, 1)
		}
		page, err := r.collect(ctx, limit-len(hits.IDs), readCap, keptBy(keep))
		if err != nil {
			return Hits{}, err
		}
		hits.IDs = append(hits.IDs, page.IDs...)
		hits.Read += page.Read
		if page.Cursor != "" {
			hits.Cursor = encodeCursor(page.Cursor)
			return hits, nil
		}
		if i+1 < len(phases) && len(hits.IDs) == limit {
			// The page is full at the end of a phase: the next page starts
			// at the beginning of the next phase, if it holds anything.
			next := newReader(st, pks, phases[i+1], desc, "", 1)
			more, err := next.any(ctx)
			if err != nil {
				return Hits{}, err
			}
			if hits.Read += next.read; more {
				hits.Cursor = encodeCursor(phases[i+1][0].start(desc))
			}
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
// starts after (a search's names the term it reads too).
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
