package customer

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"tend/internal/custindex"
	"tend/internal/store"
)

// indexOps keep the customer's search and sort index items in step with
// the customer, in its own transaction: they are never stale.
func indexOps(before, after *customerRecord) []store.TxOp {
	var was []custindex.Entry
	if before != nil {
		was = custindex.Entries(&before.Customer)
	}
	return custindex.Ops(after.TenantID, after.ID, was, custindex.Entries(&after.Customer))
}

// IndexItems is the backfill's fixer for the search and sort index (issue
// 17): a customer stored before it gets the index items it lacks, and
// loses any it should not have, in one transaction that holds only while
// the customer is at the version read. A customer written meanwhile is
// read again: a write only puts the entries it changes, so one made
// before the backfill got there may have left others missing. Other items
// are left alone. It reports whether it wrote.
func IndexItems(ctx context.Context, st store.Store, it store.Item) (bool, error) {
	if it.Type != typeCustomer {
		return false, nil
	}
	for range 5 {
		wrote, err := writeIndexItems(ctx, st, it)
		if store.FailedOp(err) < 0 {
			return wrote, err
		}
		// The customer changed since it was read: read it again.
		if it, err = st.Get(ctx, it.Key); errors.Is(err, store.ErrNotFound) {
			return false, nil
		} else if err != nil {
			return false, fmt.Errorf("customer: read customer %s: %w", it.Key, err)
		}
	}
	return false, fmt.Errorf("customer: customer %s keeps changing while its index is written", it.Key)
}

func writeIndexItems(ctx context.Context, st store.Store, it store.Item) (bool, error) {
	r, err := decodeCustomer(it)
	if err != nil {
		return false, err
	}
	want := map[store.Key]store.Item{}
	for _, op := range custindex.Ops(r.TenantID, r.ID, nil, custindex.Entries(&r.Customer)) {
		want[op.Key] = op.Item
	}
	have, err := store.QueryAll(ctx, st, store.Query{PK: it.PK, SK: store.SKBeginsWith, A: custindex.SKPrefix})
	if err != nil {
		return false, fmt.Errorf("customer: read index items of %s: %w", it.Key, err)
	}
	var ops []store.TxOp
	for _, h := range have {
		w, ok := want[h.Key]
		switch {
		case !ok:
			ops = append(ops, store.TxDelete(h.Key, store.None))
		case w.Index == h.Index && bytes.Equal(w.Doc, h.Doc):
			delete(want, h.Key)
		}
	}
	for _, w := range want {
		ops = append(ops, store.TxPut(w, store.None))
	}
	if len(ops) == 0 {
		return false, nil
	}
	ops = append(ops, store.TxCheck(it.Key, store.IfVersion(it.Version)))
	if err := st.Transact(ctx, ops); err != nil {
		return false, err
	}
	return true, nil
}
