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

// keptBy is reader.collect's accept for reads that keep by who a customer
// belongs to: every index item's document (a token's or a sort key's)
// names its customer's id, owner and warehouse as a sortDoc does.
func keptBy(keep Keep) func(store.Item, string) (string, bool, error) {
	return func(it store.Item, _ string) (string, bool, error) {
		var d sortDoc
		if err := gojson.Unmarshal(it.Doc, &d); err != nil {
			return "", false, fmt.Errorf("custindex: decode index item %s: %w", it.Key, err)
		}
		return d.ID, keep.keeps(d.ID, d.Owner, d.House), nil
	}
}

// Tagged returns the ids of customers with any of tags (compared folded,
// as a tags filter compares them) or with more tags than the index holds
// (ManyTags: the caller's filter decides), those keep keeps, in index
// order, from cursor on. A customer with several of the tags comes once
// for each: the caller removes repeats. Like Search, it reads at most about
// 20 index items per id asked for.
func Tagged(ctx context.Context, st store.Store, tenant string, tags []string, keep Keep, cursor string, limit int) (Hits, error) {
	ranges := []keyRange{exactRange(KindTag, ManyTags)}
	for _, t := range tags {
		if f := TagToken(t); f != "" {
			ranges = append(ranges, exactRange(KindTag, f))
		}
	}
	return readExact(ctx, st, tenant, ranges, keep, cursor, limit)
}

// InSteps returns the ids of customers at any of steps of the pipeline,
// or in more pipelines than the index holds (ManySteps: the caller's
// filter decides), as Tagged does.
func InSteps(ctx context.Context, st store.Store, tenant, pipelineID string, steps []string, keep Keep, cursor string, limit int) (Hits, error) {
	if len(steps) == 0 {
		return Hits{IDs: []string{}}, nil
	}
	ranges := []keyRange{exactRange(KindStep, ManySteps)}
	for _, s := range steps {
		ranges = append(ranges, exactRange(KindStep, StepToken(pipelineID, s)))
	}
	return readExact(ctx, st, tenant, ranges, keep, cursor, limit)
}

// readExact reads the ids of the tag and step token ranges.
func readExact(ctx context.Context, st store.Store, tenant string, ranges []keyRange, keep Keep, cursor string, limit int) (Hits, error) {
	after, err := decodeCursor(cursor)
	if err != nil {
		return Hits{}, err
	}
	limit = store.Limit(limit)
	r := newReader(st, tokenPKs(tenant, KindTag), ranges, false, after, expected(limit, keep != nil))
	hits, err := r.collect(ctx, limit, limit*searchReadCap, keptBy(keep))
	if err != nil {
		return Hits{}, err
	}
	if hits.Cursor != "" {
		hits.Cursor = encodeCursor(hits.Cursor)
	}
	return hits, nil
}

// exactRange holds the token keys of one value: "<kind>:<value>#<id>".
func exactRange(kind, value string) keyRange {
	p := kind + ":" + value + "#"
	return keyRange{p, p + keyMax}
}
