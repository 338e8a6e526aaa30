package custindex

import (
	"context"
	"fmt"

	gojson "github.com/goccy/go-json"

	"tend/internal/store"
)

// Keep is what a read keeps of the customers an index names, told by the
// index items alone (their documents carry who a customer belongs to): a
// staff member's search or sorted list passes over other people's
// customers without reading them. A nil Keep keeps every customer.
type Keep func(id, owner, warehouse string) bool

func (k Keep) keeps(id, owner, warehouse string) bool { return k == nil || k(id, owner, warehouse) }

// Tagged returns the ids of customers with any of tags (compared folded,
// as a tags filter compares them) or with more tags than the index holds
// (ManyTags: the caller's filter decides), those keep keeps, in index
// order, from cursor on. A customer with several of the tags comes once
// for each: the caller removes repeats. Like Search, it reads at most about
// 20 index items per id asked for.
func Tagged(ctx context.Context, st store.Store, tenant string, tags []string, keep Keep, cursor string, limit int) (Hits, error) {
	after, err := decodeCursor(cursor)
	if err != nil {
		return Hits{}, err
	}
	limit = store.Limit(limit)
	ranges := []keyRange{tagRange(ManyTags)}
	for _, t := range tags {
		if f := TagToken(t); f != "" {
			ranges = append(ranges, tagRange(f))
		}
	}
	r := newReader(st, tokenPKs(tenant, KindTag), ranges, false, after, expected(limit, keep != nil))
	hits, err := r.collect(ctx, limit, limit*searchReadCap, func(it store.Item, _ string) (string, bool, error) {
		var d tokenDoc
		if err := gojson.Unmarshal(it.Doc, &d); err != nil {
			return "", false, fmt.Errorf("custindex: decode token %s: %w", it.Key, err)
		}
		return d.ID, keep.keeps(d.ID, d.Owner, d.House), nil
	})
	if err != nil {
		return Hits{}, err
	}
	if hits.Cursor != "" {
		hits.Cursor = encodeCursor(hits.Cursor)
	}
	return hits, nil
}

// tagRange holds the token keys of one tag: "g:<tag>#<id>".
func tagRange(tag string) keyRange {
	p := KindTag + ":" + tag + "#"
	return keyRange{p, p + keyMax}
}
