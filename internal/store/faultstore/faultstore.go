// Package faultstore wraps an item store so that tests can make chosen
// writes fail, before they take effect or after, as a crash or a lost
// answer would: the fault is injected where it happens in production (at
// the store), not through hooks the code under test must call.
package faultstore

import (
	"context"
	"errors"

	"tend/internal/store"
)

// ErrInjected is the error of an injected fault.
var ErrInjected = errors.New("faultstore: injected failure")

// Fault says what becomes of a write.
type Fault int

const (
	// None lets the write happen.
	None Fault = iota
	// Before fails the write without applying it.
	Before
	// After applies the write, then reports it failed.
	After
)

// Write is a write the store is asked for: the items it puts (Put, and
// Transact's puts), the keys it deletes, and the keys it touches (every
// op).
type Write struct {
	Puts    []store.Item
	Deletes []store.Key
	Keys    []store.Key
}

// PutsOf returns the first item of a type the write puts.
func (w Write) PutsOf(typ string) (store.Item, bool) {
	for _, it := range w.Puts {
		if it.Type == typ {
			return it, true
		}
	}
	return store.Item{}, false
}

// Store is a store.Store whose writes pass a decision first.
type Store struct {
	store.Store
	decide func(Write) Fault
}

// New wraps inner; decide is called for every write (concurrently, when
// the code under test writes concurrently).
func New(inner store.Store, decide func(Write) Fault) *Store {
	return &Store{Store: inner, decide: decide}
}

func (s *Store) do(w Write, apply func() error) error {
	switch s.decide(w) {
	case Before:
		return ErrInjected
	case After:
		if err := apply(); err != nil {
			return err
		}
		return ErrInjected
	}
	return apply()
}

// Put implements store.Store.
func (s *Store) Put(ctx context.Context, it store.Item, cond store.Cond) error {
	return s.do(Write{Puts: []store.Item{it}, Keys: []store.Key{it.Key}}, func() error { return s.Store.Put(ctx, it, cond) })
}

// Delete implements store.Store.
func (s *Store) Delete(ctx context.Context, key store.Key, cond store.Cond) error {
	return s.do(Write{Deletes: []store.Key{key}, Keys: []store.Key{key}}, func() error { return s.Store.Delete(ctx, key, cond) })
}

// Transact implements store.Store.
func (s *Store) Transact(ctx context.Context, ops []store.TxOp) error {
	var w Write
	for _, op := range ops {
		w.Keys = append(w.Keys, op.Key)
		switch {
		case op.IsPut():
			w.Puts = append(w.Puts, op.Item)
		case op.IsDelete():
			w.Deletes = append(w.Deletes, op.Key)
		}
	}
	return s.do(w, func() error { return s.Store.Transact(ctx, ops) })
}

// Incr implements store.Store.
func (s *Store) Incr(ctx context.Context, key store.Key, delta int64) (int64, error) {
	var n int64
	err := s.do(Write{Keys: []store.Key{key}}, func() error {
		var err error
		n, err = s.Store.Incr(ctx, key, delta)
		return err
	})
	return n, err
}
