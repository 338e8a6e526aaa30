package customer

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	gojson "github.com/goccy/go-json"

	"tend/internal/store"
)

// allPerJob is how many "all" index shards one job of a run over every
// customer reads.
const allPerJob = allShards / Shards

// ShardPage reads one page of job shard (of Shards) of a workspace's live
// customers: the "all" index shards shard, shard+Shards, … in turn. Its
// cursor is "<n>:<cursor of the n-th of them>"; a cursor without the
// prefix is read as the first one's, which is how a run started before
// the split (one partition a job: the first of its shards now) goes on.
func ShardPage(ctx context.Context, st store.Store, tenant string, shard, limit int, cursor string) (store.Page, error) {
	part, inner := 0, cursor
	if n, rest, ok := strings.Cut(cursor, ":"); ok {
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 || i >= allPerJob {
			return store.Page{}, fmt.Errorf("customer: shard %d: bad cursor %q", shard, cursor)
		}
		part, inner = i, rest
	}
	q := store.Query{Index: store.GSI1, PK: AllPK(tenant, shard+part*Shards), Limit: limit, Cursor: inner, DocsOnly: true}
	page, err := st.Query(ctx, q)
	if err != nil {
		return store.Page{}, fmt.Errorf("customer: read shard %d: %w", shard, err)
	}
	switch {
	case page.Cursor != "":
		page.Cursor = strconv.Itoa(part) + ":" + page.Cursor
	case part+1 < allPerJob:
		page.Cursor = strconv.Itoa(part+1) + ":"
	}
	return page, nil
}

// ShardedIndexKeys is the backfill's fixer for the sharded list keys: a
// customer or a claim stored with its secondary keys in an earlier layout
// gets them as it would be written now. Other items are left alone.
func ShardedIndexKeys(it store.Item) (store.Item, bool, error) {
	next := it
	switch it.Type {
	case typeCustomer:
		r := new(customerRecord)
		if err := gojson.Unmarshal(it.Doc, r); err != nil {
			return it, false, fmt.Errorf("customer: decode customer %s: %w", it.Key, err)
		}
		next.Index = r.indexKeys()
	case typeClaim:
		// Workspace items are claims too (a user's e-mail): a customer's
		// duplicate-check claim is the one keyed T#<t>#UNQ#…|UNQ.
		tenant, rest, _ := strings.Cut(strings.TrimPrefix(it.PK, "T#"), "#")
		if it.SK != "UNQ" || !strings.HasPrefix(rest, "UNQ#") || it.Index[0].PK == "" {
			return it, false, nil
		}
		var c claimDoc
		if err := gojson.Unmarshal(it.Doc, &c); err != nil {
			return it, false, fmt.Errorf("customer: decode claim %s: %w", it.Key, err)
		}
		next.Index[0].PK = claimIndexPK(tenant, c.Criterion, it.Index[0].SK)
	default:
		return it, false, nil
	}
	return next, next.Index != it.Index, nil
}
