package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"tend/internal/store"
)

// fixedClock stands at one time: these tests don't depend on expiry.
type fixedClock struct{}

func (fixedClock) Now() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }

// Past the bound of the read statement cache, reads run unprepared and
// still return the same results.
func TestReadStmtsBound(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "tend.db"), fixedClock{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.reads.max = 1
	ctx := t.Context()
	for i := range 5 {
		if err := db.Put(ctx, store.Item{Key: store.Key{PK: "p", SK: fmt.Sprint(i)}, Type: "thing"}, store.None); err != nil {
			t.Fatal(err)
		}
	}
	queries := []struct {
		q    store.Query
		want int
	}{
		{store.Query{PK: "p"}, 5},
		{store.Query{PK: "p", SK: store.SKGe, A: "3"}, 2},
		{store.Query{PK: "p", Reverse: true, Limit: 2}, 2},
	}
	for range 2 {
		for _, tc := range queries {
			page, err := db.Query(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) != tc.want {
				t.Fatalf("%+v: %d items, want %d", tc.q, len(page.Items), tc.want)
			}
		}
		if _, err := db.Get(ctx, store.Key{PK: "p", SK: "4"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(db.reads.m); n != 1 {
		t.Fatalf("%d statements cached, bound 1", n)
	}
}

// A write whose context is already done fails and leaves nothing behind,
// and the writer's prepared statements keep working after it.
func TestCanceledWrite(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "tend.db"), fixedClock{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	done, cancel := context.WithCancel(t.Context())
	cancel()
	k := store.Key{PK: "p", SK: "a"}
	if err := db.Put(done, store.Item{Key: k, Type: "thing"}, store.NotExist); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a done context: %v", err)
	}
	if _, err := db.Get(t.Context(), k); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after a canceled Put: %v", err)
	}
	if err := db.Put(t.Context(), store.Item{Key: k, Type: "thing"}, store.NotExist); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Get(t.Context(), k); err != nil {
		t.Fatal(err)
	}
}
