package sqlite_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"tend/internal/sqlite"
	"tend/internal/store"
	"tend/internal/store/storetest"
)

// MustOpen opens a fresh database in a temporary directory.
func MustOpen(tb testing.TB, opts sqlite.Options) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "tend.db"), opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		return MustOpen(t, sqlite.Options{Now: now})
	})
}

// A file made before the seg index was dropped opens with its items intact
// and without the index.
func TestReopenDropsSegIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tend.db")
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	k := store.Key{PK: "p", SK: "a"}
	if err := db.Put(t.Context(), store.Item{Key: k, Type: "thing", Doc: []byte(`{}`)}, store.NotExist); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE INDEX items_seg ON items (seg, pk, sk)`); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Get(t.Context(), k); err != nil {
		t.Fatalf("Get after reopening: %v", err)
	}
	if err := db.Put(t.Context(), store.Item{Key: k, Type: "thing"}, store.NotExist); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("NotExist over an item written before reopening: %v", err)
	}
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'items_seg'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("items_seg still there (%d, %v)", n, err)
	}
}
