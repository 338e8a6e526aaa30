// Package heatmeter wraps an item store so that every operation is charged,
// in DynamoDB's capacity units, to the partition keys it touches: the
// table's partition key and each secondary index's partition key it writes
// or queries. It works over either adapter (it only sees the store port),
// so the local runner on SQLite tells what the same work would cost each
// partition of the DynamoDB table, and so which key would be hot first.
//
// What it assumes, as DynamoDB bills (see units.go for item sizes):
//   - GetEventually reads eventually consistent (half a unit per 4 KB).
//   - Get, GetMany, Scan and queries of the table read strongly consistent
//     (the dynamo adapter sets ConsistentRead); queries of an index read
//     eventually consistent (a GSI cannot do otherwise). GetMany rounds
//     each item up on its own, as BatchGetItem does, and a key found
//     missing costs the minimum read, as GetItem does.
//   - A query costs the summed size of the page's items, rounded up per
//     4 KB, at least one (half a) unit, charged to the queried partition.
//   - A write (Put, Delete, Incr) costs the larger of the old and new item
//     on the table's key. Each index the new item is in is charged the new
//     item's size on its key; an index whose key the write moves or removes
//     is charged the old item's size on the old key too (a delete from that
//     partition), as DynamoDB writes a GSI with ALL projection. To know the
//     old item the meter reads it from the inner store first, uncharged.
//   - A write whose condition fails costs its table write and no index
//     write; an absent item deleted costs the minimum write.
//   - In a transaction every op costs twice: puts, deletes and adds as
//     above, condition checks as a write of the checked item. A cancelled
//     transaction is charged its table writes, as a failed condition.
//   - Incr and TxAdd are an update of the counter item (an absent one is
//     created holding only the counter).
//   - Expired items still held by the backend are not seen (the inner
//     store hides them) and so cost nothing to overwrite or read past.
//   - Items read with Query.DocsOnly may come back without their other
//     index keys; their size is then under-counted by those keys.
package heatmeter

import (
	"context"
	"errors"
	"strings"
	"sync"

	"tend/internal/store"
)

// Part is one partition key: of the table (Index "") or of an index.
type Part struct {
	Index string
	PK    string
}

func (p Part) String() string {
	if p.Index == "" {
		return p.PK
	}
	return p.Index + " " + p.PK
}

// Units are capacity units charged to one partition key.
type Units struct {
	Read, Write float64
}

// Store is a metered store.Store.
type Store struct {
	inner store.Store
	mu    sync.Mutex
	parts map[Part]*Units
	// writers are the workspaces whose items each key was written for:
	// a key without a workspace in it that every workspace writes grows
	// with the number of workspaces.
	writers map[Part]map[string]bool
}

var _ store.Store = (*Store)(nil)

// New wraps inner.
func New(inner store.Store) *Store {
	return &Store{inner: inner, parts: map[Part]*Units{}, writers: map[Part]map[string]bool{}}
}

// Inner is the wrapped store.
func (s *Store) Inner() store.Store { return s.inner }

// Reset forgets every charge (a workload's setup is not its work).
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.parts = map[Part]*Units{}
	s.writers = map[Part]map[string]bool{}
}

// Writers returns how many workspaces' items wrote each key (items of no
// workspace, whose table key does not begin "T#<tenant>#", count none).
func (s *Store) Writers() map[Part]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[Part]int, len(s.writers))
	for p, ts := range s.writers {
		out[p] = len(ts)
	}
	return out
}

// TenantOf is the workspace of an item's table key, "" for none.
func TenantOf(pk string) string {
	rest, ok := strings.CutPrefix(pk, "T#")
	if !ok {
		return ""
	}
	tenant, _, _ := strings.Cut(rest, "#")
	return tenant
}

// wrote notes that an item of tenant's was written to p.
func (s *Store) wrote(p Part, tenant string) {
	if tenant == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.writers[p]
	if ts == nil {
		ts = map[string]bool{}
		s.writers[p] = ts
	}
	ts[tenant] = true
}

// Charges returns a copy of the units charged to each partition key.
func (s *Store) Charges() map[Part]Units {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[Part]Units, len(s.parts))
	for p, u := range s.parts {
		out[p] = *u
	}
	return out
}

func (s *Store) charge(p Part, read, write float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.parts[p]
	if u == nil {
		u = &Units{}
		s.parts[p] = u
	}
	u.Read += read
	u.Write += write
}

func table(pk string) Part { return Part{PK: pk} }

// old reads the item a write replaces, uncharged; nil when there is none.
func (s *Store) old(ctx context.Context, key store.Key) (*store.Item, error) {
	it, err := s.inner.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// chargeWrite charges a write turning old into new (either nil: a create
// or a delete) times factor; indexes only when applied.
func (s *Store) chargeWrite(key store.Key, old, new *store.Item, factor float64, applied bool) {
	size := 0
	if old != nil {
		size = ItemSize(*old)
	}
	if new != nil {
		size = max(size, ItemSize(*new))
	}
	tenant := TenantOf(key.PK)
	s.charge(table(key.PK), 0, factor*WriteUnits(size))
	s.wrote(table(key.PK), tenant)
	if !applied {
		return
	}
	for i, name := range store.Indexes {
		var was, is store.IndexKey
		if old != nil {
			was = old.Index[i]
		}
		if new != nil {
			is = new.Index[i]
		}
		if is.PK != "" {
			s.charge(Part{name, is.PK}, 0, factor*WriteUnits(ItemSize(*new)))
			s.wrote(Part{name, is.PK}, tenant)
		}
		if was.PK != "" && was != is {
			s.charge(Part{name, was.PK}, 0, factor*WriteUnits(ItemSize(*old)))
			s.wrote(Part{name, was.PK}, tenant)
		}
	}
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, key store.Key) (store.Item, error) {
	return s.get(ctx, key, s.inner.Get, true)
}

// GetEventually implements store.Store: charged as an eventually
// consistent read, half a strongly consistent one.
func (s *Store) GetEventually(ctx context.Context, key store.Key) (store.Item, error) {
	return s.get(ctx, key, s.inner.GetEventually, false)
}

func (s *Store) get(ctx context.Context, key store.Key, read func(context.Context, store.Key) (store.Item, error), consistent bool) (store.Item, error) {
	it, err := read(ctx, key)
	size := 0
	if err == nil {
		size = ItemSize(it)
	}
	s.charge(table(key.PK), ReadUnits(size, consistent), 0)
	return it, err
}

// GetMany implements store.Store.
func (s *Store) GetMany(ctx context.Context, keys []store.Key) ([]store.Item, error) {
	items, err := s.inner.GetMany(ctx, keys)
	if err != nil {
		return items, err
	}
	found := make(map[store.Key]int, len(items))
	for _, it := range items {
		found[it.Key] = ItemSize(it)
	}
	seen := make(map[store.Key]bool, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			s.charge(table(k.PK), ReadUnits(found[k], true), 0)
		}
	}
	return items, nil
}

// Put implements store.Store.
func (s *Store) Put(ctx context.Context, it store.Item, cond store.Cond) error {
	old, err := s.old(ctx, it.Key)
	if err != nil {
		return err
	}
	err = s.inner.Put(ctx, it, cond)
	s.chargeWrite(it.Key, old, &it, 1, err == nil)
	return err
}

// Delete implements store.Store.
func (s *Store) Delete(ctx context.Context, key store.Key, cond store.Cond) error {
	old, err := s.old(ctx, key)
	if err != nil {
		return err
	}
	err = s.inner.Delete(ctx, key, cond)
	s.chargeWrite(key, old, nil, 1, err == nil)
	return err
}

// Incr implements store.Store.
func (s *Store) Incr(ctx context.Context, key store.Key, delta int64) (int64, error) {
	old, err := s.old(ctx, key)
	if err != nil {
		return 0, err
	}
	n, err := s.inner.Incr(ctx, key, delta)
	s.chargeWrite(key, old, added(key, old, delta), 1, err == nil)
	return n, err
}

// added is the counter item after adding delta to old.
func added(key store.Key, old *store.Item, delta int64) *store.Item {
	if old == nil {
		return &store.Item{Key: key, N: delta}
	}
	it := *old
	it.N += delta
	return &it
}

// Transact implements store.Store.
func (s *Store) Transact(ctx context.Context, ops []store.TxOp) error {
	olds := make([]*store.Item, len(ops))
	if store.ValidateTx(ops) == nil {
		for i, op := range ops {
			var err error
			if olds[i], err = s.old(ctx, op.Key); err != nil {
				return err
			}
		}
	}
	err := s.inner.Transact(ctx, ops)
	if errors.Is(err, store.ErrInvalid) {
		return err // refused before DynamoDB would see it
	}
	applied := err == nil
	for i, op := range ops {
		old := olds[i]
		switch {
		case op.IsPut():
			s.chargeWrite(op.Key, old, &op.Item, 2, applied)
		case op.IsDelete():
			s.chargeWrite(op.Key, old, nil, 2, applied)
		case op.IsCheck():
			s.chargeWrite(op.Key, old, nil, 2, false)
		case op.IsAdd():
			s.chargeWrite(op.Key, old, added(op.Key, old, op.Delta), 2, applied)
		}
	}
	return err
}

// Query implements store.Store.
func (s *Store) Query(ctx context.Context, q store.Query) (store.Page, error) {
	page, err := s.inner.Query(ctx, q)
	if err != nil {
		return page, err
	}
	size := 0
	for _, it := range page.Items {
		size += ItemSize(it)
	}
	s.charge(Part{q.Index, q.PK}, ReadUnits(size, q.Index == ""), 0)
	return page, nil
}

// ScanPK is the pseudo partition key scans are charged to: a scan reads
// every partition, a little of each.
const ScanPK = "(scan)"

// Scan implements store.Store.
func (s *Store) Scan(ctx context.Context, sc store.Scan) (store.Page, error) {
	page, err := s.inner.Scan(ctx, sc)
	if err != nil {
		return page, err
	}
	size := 0
	for _, it := range page.Items {
		size += ItemSize(it)
	}
	s.charge(table(ScanPK), ReadUnits(size, true), 0)
	return page, nil
}
