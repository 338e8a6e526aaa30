package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"tend/internal/domain"
)

// Doc encodes an entity as an item's document. Only the project's own
// entity types are stored, and they always encode: a failure here is a
// bug, not a condition to handle.
func Doc(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: encode %T: %v", v, err))
	}
	return b
}

// Decode reads an item's document into a new T.
func Decode[T any](it Item) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(it.Doc, v); err != nil {
		return nil, fmt.Errorf("store: decode %s %s: %w", it.Type, it.Key, err)
	}
	return v, nil
}

// Load reads and decodes one item; a missing item is a NotFound user error
// naming what ("customer", "rule").
func Load[T any](ctx context.Context, st Store, key Key, what string) (*T, Item, error) {
	it, err := st.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return nil, it, domain.NotFound(what)
	}
	if err != nil {
		return nil, it, fmt.Errorf("read %s: %w", what, err)
	}
	v, err := Decode[T](it)
	return v, it, err
}

// CursorError turns an adapter's refusal of a page cursor into the user
// error for it; other errors pass as they are.
func CursorError(err error) error {
	if errors.Is(err, ErrInvalid) {
		return domain.InvalidCursor()
	}
	return err
}

// SortTime formats t so that sort keys order like times: fixed width, UTC,
// to the nanosecond. It is part of stored keys: never change it.
func SortTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// Items yields every item of a query, page after page; an error ends it.
func Items(ctx context.Context, st Store, q Query) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		for {
			page, err := st.Query(ctx, q)
			if err != nil {
				yield(Item{}, fmt.Errorf("query %s %s: %w", q.Index, q.PK, err))
				return
			}
			for _, it := range page.Items {
				if !yield(it, nil) {
					return
				}
			}
			if page.Cursor == "" {
				return
			}
			q.Cursor = page.Cursor
		}
	}
}

// FailedOp returns the index of the transaction op whose condition failed,
// or -1 when err is not a failed condition of a transaction.
func FailedOp(err error) int {
	var tx *TxError
	if errors.As(err, &tx) && errors.Is(err, ErrConditionFailed) {
		return tx.Index
	}
	return -1
}
