// Package store declares the item-store port: a small key-value contract
// shaped like the core of DynamoDB, so that the same repositories run over
// DynamoDB in AWS and over an embedded SQLite file on a laptop.
//
// Both adapters are held to this contract by the conformance suite in
// package storetest.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors returned by every adapter. Check them with errors.Is.
var (
	// ErrNotFound: the item does not exist (or has expired).
	ErrNotFound = errors.New("store: item not found")
	// ErrConditionFailed: a conditional write's condition did not hold.
	ErrConditionFailed = errors.New("store: condition failed")
	// ErrInvalid: the request itself is malformed (empty key, too many
	// transaction items, the same item twice in one transaction, ...).
	ErrInvalid = errors.New("store: invalid request")
)

// Change is one change of an item, as the table's stream (the local change
// feed) hands it: Old is nil for a new item, New nil for a removed one.
type Change struct {
	Type     string
	Old, New *Item
}

// MaxTransactItems is DynamoDB's limit on items in one transaction.
const MaxTransactItems = 100

// Indexes names the secondary keys an item may carry. Their meaning is
// overloaded per item type, as usual in a single-table design.
const (
	GSI1 = "GSI1"
	GSI2 = "GSI2"
	GSI3 = "GSI3"
	GSI4 = "GSI4"
)

// Indexes lists every secondary index, in order.
var Indexes = []string{GSI1, GSI2, GSI3, GSI4}

// Key addresses one item.
type Key struct {
	PK, SK string
}

func (k Key) String() string { return k.PK + "|" + k.SK }

// IndexKey is an item's key in one secondary index. An item without a
// partition key for an index is not in that index (a sparse index).
type IndexKey struct {
	PK, SK string
}

// Item is one stored record.
type Item struct {
	Key
	// Type names what the item holds ("customer", "user", ...). The DynamoDB
	// stream is filtered on it.
	Type string
	// Index holds the item's keys in the secondary indexes GSI1..GSI4.
	Index [4]IndexKey
	// Version is stored as given; a Put with IfVersion(n) checks that the
	// stored item is at version n. Callers write n+1.
	Version int64
	// ExpiresAt, when not zero, is when the item stops existing: reads,
	// queries and conditions treat it as absent from then on, whether or
	// not the backend has physically removed it yet.
	ExpiresAt time.Time
	// N is an atomic counter, changed by Incr and TxAdd.
	N int64
	// Doc is the entity, as a JSON object.
	Doc []byte
}

// CondKind selects what a conditional write requires.
type CondKind int

const (
	// Always: no condition.
	Always CondKind = iota
	// MustNotExist: there is no live item at the key.
	MustNotExist
	// MustExist: there is a live item at the key.
	MustExist
	// AtVersion: there is a live item at the key with the given version.
	AtVersion
)

// Cond is the condition of a write.
type Cond struct {
	Kind    CondKind
	Version int64
}

// Condition constructors, for readable call sites.
var (
	None     = Cond{Kind: Always}
	NotExist = Cond{Kind: MustNotExist}
	Exists   = Cond{Kind: MustExist}
)

// IfVersion requires the stored item to be at version v.
func IfVersion(v int64) Cond { return Cond{Kind: AtVersion, Version: v} }

// SKOp is a condition on the sort key of a query, one of DynamoDB's key
// conditions.
type SKOp int

const (
	SKAny SKOp = iota
	SKEq
	SKLt
	SKLe
	SKGt
	SKGe
	SKBetween // inclusive at both ends
	SKBeginsWith
)

// Query reads one partition of the table or of a secondary index.
type Query struct {
	// Index is "" for the table, or one of GSI1..GSI4.
	Index string
	PK    string
	// SK restricts the sort key: SK op A (and B for SKBetween).
	SK   SKOp
	A, B string
	// Reverse returns items in descending sort-key order.
	Reverse bool
	// Limit caps the items read for one page (default 100, max 1000).
	Limit int
	// Cursor continues a previous page.
	Cursor string
	// DocsOnly says the caller reads the items' keys, versions, counters,
	// expiry and documents, not their secondary keys: an adapter may leave
	// out every secondary key but the queried index's (a projection, which
	// spares reading and copying them). Items read so must not be written
	// back as they are.
	DocsOnly bool
}

// Page is one page of results. A page may hold fewer than Limit items even
// when more remain; iterate until Cursor is empty.
type Page struct {
	Items  []Item
	Cursor string
}

// Scan reads one segment of the whole table, paged.
type Scan struct {
	Segment, Segments int
	Limit             int
	Cursor            string
}

// TxOp is one operation of a transaction.
type TxOp struct {
	kind  txKind
	Item  Item
	Key   Key
	Cond  Cond
	Delta int64
}

type txKind int

const (
	txPut txKind = iota + 1
	txDelete
	txCheck
	txAdd
)

// TxPut writes item if cond holds.
func TxPut(item Item, cond Cond) TxOp {
	return TxOp{kind: txPut, Item: item, Key: item.Key, Cond: cond}
}

// TxDelete removes the item at key if cond holds.
func TxDelete(key Key, cond Cond) TxOp { return TxOp{kind: txDelete, Key: key, Cond: cond} }

// TxCheck only checks cond on the item at key.
func TxCheck(key Key, cond Cond) TxOp { return TxOp{kind: txCheck, Key: key, Cond: cond} }

// TxAdd adds delta to the counter of the item at key, creating it if absent.
func TxAdd(key Key, delta int64) TxOp { return TxOp{kind: txAdd, Key: key, Delta: delta} }

// IsPut, IsDelete, IsCheck and IsAdd tell adapters what an op is.
func (o TxOp) IsPut() bool    { return o.kind == txPut }
func (o TxOp) IsDelete() bool { return o.kind == txDelete }
func (o TxOp) IsCheck() bool  { return o.kind == txCheck }
func (o TxOp) IsAdd() bool    { return o.kind == txAdd }

// TxError reports which item of a transaction made it fail. It wraps
// ErrConditionFailed when that item's condition did not hold.
type TxError struct {
	Index int
	Err   error
}

func (e *TxError) Error() string {
	return fmt.Sprintf("store: transaction item %d: %v", e.Index, e.Err)
}

func (e *TxError) Unwrap() error { return e.Err }

// Store is the item-store port.
type Store interface {
	// Get returns the live item at key, or ErrNotFound.
	Get(ctx context.Context, key Key) (Item, error)
	// GetEventually is Get without the promise of seeing the latest write:
	// it may answer the item as it was a moment ago (up to about a second on
	// DynamoDB, whose eventually consistent read costs half a strongly
	// consistent one). For what a cache checks now and then, never for a
	// read that a write's condition relies on.
	GetEventually(ctx context.Context, key Key) (Item, error)
	// GetMany returns the live items among keys (at most 100), in any order;
	// missing keys are left out.
	GetMany(ctx context.Context, keys []Key) ([]Item, error)
	// Put writes item if cond holds, else ErrConditionFailed.
	Put(ctx context.Context, item Item, cond Cond) error
	// Delete removes the item at key if cond holds, else ErrConditionFailed.
	// Deleting an absent item with no condition is not an error.
	Delete(ctx context.Context, key Key, cond Cond) error
	// Transact applies every op or none. When a condition fails the error is
	// a *TxError naming the op, wrapping ErrConditionFailed.
	Transact(ctx context.Context, ops []TxOp) error
	// Incr atomically adds delta to the counter at key (creating it at 0)
	// and returns the new value.
	Incr(ctx context.Context, key Key, delta int64) (int64, error)
	// Query reads one page of a partition.
	Query(ctx context.Context, q Query) (Page, error)
	// Scan reads one page of one segment of the table.
	Scan(ctx context.Context, s Scan) (Page, error)
}

// Validate checks the parts of a transaction every adapter refuses alike.
func ValidateTx(ops []TxOp) error {
	if len(ops) == 0 {
		return fmt.Errorf("%w: empty transaction", ErrInvalid)
	}
	if len(ops) > MaxTransactItems {
		return fmt.Errorf("%w: %d items in one transaction (max %d)", ErrInvalid, len(ops), MaxTransactItems)
	}
	seen := make(map[Key]struct{}, len(ops))
	for i, op := range ops {
		if op.kind == 0 {
			return fmt.Errorf("%w: transaction item %d has no operation", ErrInvalid, i)
		}
		if err := ValidateKey(op.Key); err != nil {
			return fmt.Errorf("transaction item %d: %w", i, err)
		}
		if _, dup := seen[op.Key]; dup {
			return fmt.Errorf("%w: transaction touches %s twice", ErrInvalid, op.Key)
		}
		seen[op.Key] = struct{}{}
	}
	return nil
}

// ValidateKey refuses empty key parts.
func ValidateKey(k Key) error {
	if k.PK == "" || k.SK == "" {
		return fmt.Errorf("%w: empty key %q/%q", ErrInvalid, k.PK, k.SK)
	}
	return nil
}

// Clock tells adapters the time that decides expiry. It is required: a
// store on the wall clock under a test on its own clock would let items
// expire, or live, on the wrong day. domain.Clock satisfies it.
type Clock interface {
	Now() time.Time
}

// ErrNoClock is returned by an adapter's constructor given no clock.
var ErrNoClock = errors.New("store: a clock is required")

// Live reports whether an item with the given expiry exists at now.
func Live(expiresAt, now time.Time) bool {
	return expiresAt.IsZero() || now.Before(expiresAt)
}

// Limit returns the page size to use for a requested limit.
func Limit(n int) int {
	switch {
	case n <= 0:
		return 100
	case n > 1000:
		return 1000
	}
	return n
}

// QueryAll reads every page of a query: for lists known to stay small (a
// workspace's set-up, the rules due on a tick).
func QueryAll(ctx context.Context, st Store, q Query) ([]Item, error) {
	var all []Item
	for it, err := range Items(ctx, st, q) {
		if err != nil {
			return nil, err
		}
		all = append(all, it)
	}
	return all, nil
}
