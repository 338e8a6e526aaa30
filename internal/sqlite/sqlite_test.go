package sqlite_test

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tend/internal/sqlite"
	"tend/internal/store"
	"tend/internal/store/storetest"
)

// MustOpen opens a fresh database in a temporary directory.
func MustOpen(tb testing.TB, clock store.Clock, opts sqlite.Options) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "tend.db"), clock, opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// newClock is a test clock standing at a fixed time.
func newClock() *storetest.Clock {
	c := &storetest.Clock{}
	c.Set(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	return c
}

// A store needs its clock: without one, Open refuses.
func TestOpenNeedsClock(t *testing.T) {
	if _, err := sqlite.Open(filepath.Join(t.TempDir(), "tend.db"), nil, sqlite.Options{}); !errors.Is(err, store.ErrNoClock) {
		t.Fatalf("Open without a clock: %v, want ErrNoClock", err)
	}
}

// The suite runs with every type on the feed, and with the feed limited to
// one type the suite does not use, as the local runner opens its file: then
// unconditional puts, counters and deletes take their one-statement paths.
func TestConformance(t *testing.T) {
	for name, opts := range map[string]sqlite.Options{
		"every type fed": {},
		"feed filtered":  {FeedTypes: []string{"customer"}},
	} {
		t.Run(name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, clock store.Clock) store.Store {
				return MustOpen(t, clock, opts)
			})
		})
	}
}

// A file made before the seg index was dropped opens with its items intact
// and without the index.
func TestReopenDropsSegIndex(t *testing.T) {
	path, clock := filepath.Join(t.TempDir(), "tend.db"), newClock()
	db, err := sqlite.Open(path, clock, sqlite.Options{})
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
	db, err = sqlite.Open(path, clock, sqlite.Options{})
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

// A file whose items table was made WITHOUT ROWID (before it kept rowids)
// opens rebuilt, with its items and their secondary keys intact.
func TestReopenRebuildsWithoutRowidTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tend.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, stmt := range []string{
		`CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, type TEXT NOT NULL DEFAULT '',
			g1pk TEXT, g1sk TEXT, g2pk TEXT, g2sk TEXT, g3pk TEXT, g3sk TEXT, g4pk TEXT, g4sk TEXT,
			ver INTEGER NOT NULL DEFAULT 0, exp INTEGER NOT NULL DEFAULT 0, n INTEGER NOT NULL DEFAULT 0,
			seg INTEGER NOT NULL, doc BLOB, PRIMARY KEY (pk, sk)) WITHOUT ROWID`,
		`CREATE INDEX items_g1 ON items (g1pk, g1sk, pk, sk) WHERE g1pk IS NOT NULL`,
		`INSERT INTO items (pk, sk, type, g1pk, g1sk, ver, seg, doc) VALUES ('C#1', 'A', 'thing', 'ALL', '1', 3, 7, '{"i":1}')`,
		`INSERT INTO items (pk, sk, type, g1pk, g1sk, ver, seg, doc) VALUES ('C#2', 'A', 'thing', 'ALL', '2', 1, 8, '{"i":2}')`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sqlite.Open(path, newClock(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	it, err := db.Get(t.Context(), store.Key{PK: "C#1", SK: "A"})
	if err != nil || it.Version != 3 || string(it.Doc) != `{"i":1}` {
		t.Fatalf("Get after the rebuild: %+v, %v", it, err)
	}
	page, err := db.Query(t.Context(), store.Query{Index: store.GSI1, PK: "ALL"})
	if err != nil || len(page.Items) != 2 || page.Items[1].PK != "C#2" {
		t.Fatalf("GSI1 after the rebuild: %+v, %v", page.Items, err)
	}
	if err := db.Put(t.Context(), store.Item{Key: store.Key{PK: "C#2", SK: "A"}, Type: "thing"}, store.NotExist); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("NotExist over an item of the old table: %v", err)
	}
	var def string
	if err := raw.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'items'`).Scan(&def); err != nil || strings.Contains(def, "WITHOUT ROWID") {
		t.Fatalf("items table is still %q (%v)", def, err)
	}
}

// Documents read by a query stay as they were read after the next rows
// (the adapter keeps the driver's own copy of each).
func TestQueryDocsStayIntact(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "tend.db"), newClock(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 300 {
		doc := fmt.Appendf(nil, `{"i":%d,"pad":%q}`, i, strings.Repeat("x", i))
		if err := db.Put(t.Context(), store.Item{Key: store.Key{PK: "P", SK: fmt.Sprintf("%04d", i)}, Type: "thing", Doc: doc}, store.None); err != nil {
			t.Fatal(err)
		}
	}
	for _, docsOnly := range []bool{false, true} {
		page, err := db.Query(t.Context(), store.Query{PK: "P", Limit: 1000, DocsOnly: docsOnly})
		if err != nil || len(page.Items) != 300 {
			t.Fatalf("query: %d items, %v", len(page.Items), err)
		}
		for i, it := range page.Items {
			if want := fmt.Sprintf(`{"i":%d,"pad":%q}`, i, strings.Repeat("x", i)); string(it.Doc) != want {
				t.Fatalf("item %d reads %.40q…, want %.40q…", i, it.Doc, want)
			}
		}
	}
}

// The writer keeps its savepoint and statement journals in memory
// (temp_store=MEMORY, 2): a group's journal spilled to a temporary file
// cost a pwrite per page it changed.
func TestWriterJournalsInMemory(t *testing.T) {
	db := MustOpen(t, newClock(), sqlite.Options{})
	got, err := sqlite.WriterPragma(db, "temp_store")
	if err != nil {
		t.Fatal(err)
	}
	if got != "2" {
		t.Errorf("temp_store = %s, want 2 (MEMORY)", got)
	}
}
