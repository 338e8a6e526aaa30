package sqlite_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"tend/internal/sqlite"
	"tend/internal/store"
	"tend/internal/store/storetest"
)

// Every write lands on the change feed with its images, in the same
// transaction: a failed transaction leaves no entry.
func TestChangeFeed(t *testing.T) {
	ctx := t.Context()
	db := MustOpen(t, newClock(), sqlite.Options{FeedTypes: []string{"customer"}})
	k := store.Key{PK: "T#1#C#a", SK: "A"}
	put := func(v int64, doc string, cond store.Cond) error {
		return db.Put(ctx, store.Item{Key: k, Type: "customer", Version: v, Doc: []byte(doc)}, cond)
	}
	if err := put(1, `{"name":"A"}`, store.NotExist); err != nil {
		t.Fatal(err)
	}
	if err := put(2, `{"name":"B"}`, store.IfVersion(1)); err != nil {
		t.Fatal(err)
	}
	if err := put(3, `{"name":"C"}`, store.IfVersion(1)); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("stale put: %v", err)
	}
	// Not a feed type: not recorded.
	if err := db.Put(ctx, store.Item{Key: store.Key{PK: "T#1", SK: "X"}, Type: "setting", Version: 1}, store.None); err != nil {
		t.Fatal(err)
	}
	err := db.Transact(ctx, []store.TxOp{
		store.TxPut(store.Item{Key: store.Key{PK: "T#1#C#b", SK: "A"}, Type: "customer", Version: 1, Doc: []byte(`{}`)}, store.NotExist),
		store.TxCheck(k, store.IfVersion(9)),
	})
	if err == nil {
		t.Fatal("transaction with a failing check committed")
	}
	if err := db.Delete(ctx, k, store.None); err != nil {
		t.Fatal(err)
	}
	changes, err := db.Changes(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind, old, new string
	}{
		{sqlite.Insert, "", `{"name":"A"}`},
		{sqlite.Modify, `{"name":"A"}`, `{"name":"B"}`},
		{sqlite.Remove, `{"name":"B"}`, ""},
	}
	if len(changes) != len(want) {
		t.Fatalf("%d changes, want %d: %+v", len(changes), len(want), changes)
	}
	for i, w := range want {
		c := changes[i]
		if c.Kind != w.kind || c.Key != k || docOf(c.Old) != w.old || docOf(c.New) != w.new {
			t.Fatalf("change %d = %s %s old %s new %s; want %+v", i, c.Kind, c.Key, docOf(c.Old), docOf(c.New), w)
		}
		if i > 0 && c.Seq <= changes[i-1].Seq {
			t.Fatal("sequence numbers do not increase")
		}
	}
	if changes[1].New.Version != 2 || changes[1].Old.Version != 1 {
		t.Fatalf("versions in the images: old %d new %d", changes[1].Old.Version, changes[1].New.Version)
	}
	if err := db.TrimChanges(ctx, changes[1].Seq); err != nil {
		t.Fatal(err)
	}
	rest, _ := db.Changes(ctx, 0, 100)
	if len(rest) != 1 || rest[0].Kind != sqlite.Remove {
		t.Fatalf("after trimming: %+v", rest)
	}
}

func docOf(it *store.Item) string {
	if it == nil {
		return ""
	}
	return string(it.Doc)
}

// A put on condition NotExist over an expired item is recorded as an
// insert, without the expired item as its old image; one refused over a
// live item records nothing.
func TestChangeFeedNotExistOverExpired(t *testing.T) {
	ctx := t.Context()
	clock := &storetest.Clock{}
	clock.Set(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	db := MustOpen(t, clock, sqlite.Options{})
	k := store.Key{PK: "idem", SK: "key-1"}
	first := store.Item{Key: k, Type: "idem", Version: 1, ExpiresAt: clock.Now().Add(time.Minute), Doc: []byte(`{"n":1}`)}
	if err := db.Put(ctx, first, store.NotExist); err != nil {
		t.Fatal(err)
	}
	if err := db.Put(ctx, first, store.NotExist); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("NotExist over a live item: %v", err)
	}
	// At the second of expiry the item is gone.
	clock.Add(time.Minute)
	second := store.Item{Key: k, Type: "idem", Version: 1, Doc: []byte(`{"n":2}`)}
	if err := db.Put(ctx, second, store.NotExist); err != nil {
		t.Fatalf("NotExist over an expired item: %v", err)
	}
	changes, err := db.Changes(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 {
		t.Fatalf("%d changes, want 2: %+v", len(changes), changes)
	}
	for i, want := range []string{`{"n":1}`, `{"n":2}`} {
		if c := changes[i]; c.Kind != sqlite.Insert || c.Old != nil || docOf(c.New) != want {
			t.Fatalf("change %d = %s old %v new %s; want an insert of %s", i, c.Kind, c.Old, docOf(c.New), want)
		}
	}
	got, err := db.Get(ctx, k)
	if err != nil || string(got.Doc) != `{"n":2}` || !got.ExpiresAt.IsZero() {
		t.Fatalf("Get = %+v, %v", got, err)
	}
}

// Writes that skip reading the item first (unconditional puts of a type
// the feed leaves out, counters, unconditional deletes) still record what
// the feed must see: a fed item they replace, add to or delete.
func TestChangeFeedOfOneStatementWrites(t *testing.T) {
	ctx := t.Context()
	clock := &storetest.Clock{}
	clock.Set(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	db := MustOpen(t, clock, sqlite.Options{FeedTypes: []string{"customer"}})
	k := store.Key{PK: "T#1#C#a", SK: "A"}
	customer := store.Item{Key: k, Type: "customer", Version: 1, N: 1, Doc: []byte(`{"name":"A"}`)}
	steps := []struct {
		name string
		do   func() error
		want []string // kind, old doc, new doc of each change recorded
		get  string   // type and N of the item at k after, or "" when gone
	}{
		{"customer put", func() error { return db.Put(ctx, customer, store.None) },
			[]string{sqlite.Insert, "", `{"name":"A"}`}, "customer 1"},
		{"counter over a fed item", func() error { _, err := db.Incr(ctx, k, 2); return err },
			[]string{sqlite.Modify, `{"name":"A"}`, `{"name":"A"}`}, "customer 3"},
		{"unfed item over a fed one", func() error {
			return db.Put(ctx, store.Item{Key: k, Type: "setting", Version: 1, Doc: []byte(`{"s":1}`)}, store.None)
		}, []string{sqlite.Modify, `{"name":"A"}`, `{"s":1}`}, "setting 0"},
		{"unfed item over its own type", func() error {
			return db.Put(ctx, store.Item{Key: k, Type: "setting", Version: 2, Doc: []byte(`{"s":2}`)}, store.None)
		}, nil, "setting 0"},
		{"unfed delete", func() error { return db.Delete(ctx, k, store.None) }, nil, ""},
		{"counter started", func() error { _, err := db.Incr(ctx, k, 5); return err }, nil, " 5"},
		{"fed item over a counter", func() error { return db.Put(ctx, customer, store.None) },
			[]string{sqlite.Modify, ``, `{"name":"A"}`}, "customer 1"},
		{"fed delete", func() error { return db.Delete(ctx, k, store.None) },
			[]string{sqlite.Remove, `{"name":"A"}`, ""}, ""},
		{"expired fed item deleted", func() error {
			expiring := customer
			expiring.ExpiresAt = clock.Now().Add(time.Minute)
			if err := db.Put(ctx, expiring, store.NotExist); err != nil {
				return err
			}
			clock.Add(time.Hour)
			return db.Delete(ctx, k, store.None)
		}, []string{sqlite.Insert, "", `{"name":"A"}`}, ""},
	}
	var after int64
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		changes, err := db.Changes(ctx, after, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range changes {
			got = append(got, c.Kind, docOf(c.Old), docOf(c.New))
			after = c.Seq
		}
		if !slices.Equal(got, st.want) {
			t.Errorf("%s: changes %q, want %q", st.name, got, st.want)
		}
		state := ""
		if it, err := db.Get(ctx, k); err == nil {
			state = fmt.Sprintf("%s %d", it.Type, it.N)
		} else if !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		if state != st.get {
			t.Errorf("%s: item at the key is %q, want %q", st.name, state, st.get)
		}
	}
}
