package sqlite_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"tend/internal/sqlite"
	"tend/internal/store"
)

// A file opened for loading goes without its secondary indexes; what was
// loaded is found through them once the file is opened again.
func TestLoadingLeavesTheIndexesForTheNextOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tend.db")
	clock := newClock()
	indexes := func() []string {
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		rows, err := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'items_g%' ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			out = append(out, n)
		}
		return out
	}
	db, err := sqlite.Open(path, clock, sqlite.Options{Loading: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := indexes(); len(got) != 0 {
		t.Errorf("loading with indexes %v", got)
	}
	var items []store.Item
	for i := range 30 {
		it := store.Item{Key: store.Key{PK: fmt.Sprintf("C#%02d", i), SK: "A"}, Type: "t", Version: 1, Doc: []byte(`{}`)}
		it.Index[0] = store.IndexKey{PK: "ALL", SK: fmt.Sprintf("%02d", 29-i)}
		items = append(items, it)
	}
	if err := db.BulkLoad(t.Context(), items); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = MustOpenAt(t, path, clock)
	if got, want := indexes(), []string{"items_g1", "items_g2", "items_g3", "items_g4"}; !slices.Equal(got, want) {
		t.Errorf("indexes after loading %v, want %v", got, want)
	}
	page, err := db.Query(t.Context(), store.Query{Index: store.GSI1, PK: "ALL", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 30 || page.Items[0].PK != "C#29" || page.Items[29].PK != "C#00" {
		t.Errorf("GSI1 answered %d items, first %v", len(page.Items), page.Items[:min(1, len(page.Items))])
	}
}

// MustOpenAt opens the database file at path.
func MustOpenAt(tb testing.TB, path string, clock store.Clock) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(path, clock, sqlite.Options{})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
