package faultstore_test

import (
	"errors"
	"testing"

	"tend/internal/store"
	"tend/internal/store/faultstore"
	"tend/internal/tendtest"
)

// A write failed Before leaves nothing; one failed After is written but
// reported failed; the others pass through.
func TestFaults(t *testing.T) {
	ctx := t.Context()
	db := tendtest.Store(t, tendtest.NewClock(tendtest.DefaultTime))
	fs := faultstore.New(db, func(w faultstore.Write) faultstore.Fault {
		if it, ok := w.PutsOf("thing"); ok {
			switch it.SK {
			case "before":
				return faultstore.Before
			case "after":
				return faultstore.After
			}
		}
		return faultstore.None
	})
	tests := []struct {
		sk      string
		err     error
		written bool
	}{
		{"before", faultstore.ErrInjected, false},
		{"after", faultstore.ErrInjected, true},
		{"through", nil, true},
	}
	for _, tc := range tests {
		it := store.Item{Key: store.Key{PK: "p", SK: tc.sk}, Type: "thing", Doc: []byte(`{}`)}
		err := fs.Transact(ctx, []store.TxOp{store.TxPut(it, store.NotExist)})
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: Transact = %v, want %v", tc.sk, err, tc.err)
		}
		_, err = db.Get(ctx, it.Key)
		if got := err == nil; got != tc.written {
			t.Errorf("%s: written = %v, want %v", tc.sk, got, tc.written)
		}
	}
	if err := fs.Put(ctx, store.Item{Key: store.Key{PK: "p", SK: "before"}, Type: "thing"}, store.None); !errors.Is(err, faultstore.ErrInjected) {
		t.Errorf("Put before: %v", err)
	}
}
