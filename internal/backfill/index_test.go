package backfill_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"tend/internal/backfill"
	"tend/internal/custindex"
	"tend/internal/customer"
	"tend/internal/store"
	"tend/internal/store/faultstore"
)

// storeIndexAsBefore leaves a customer's partition as a write before the
// search index did: no index items.
func (f *fixture) storeIndexAsBefore(id string) {
	f.t.Helper()
	items, err := store.QueryAll(f.t.Context(), f.w.DB, store.Query{PK: customer.Partition(f.tenant, id), SK: store.SKBeginsWith, A: custindex.SKPrefix})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, it := range items {
		if err := f.w.DB.Delete(f.t.Context(), it.Key, store.None); err != nil {
			f.t.Fatal(err)
		}
	}
}

// indexMismatch says how a customer's index items differ from what its
// own write would leave, "" when they don't.
func (f *fixture) indexMismatch(id string) string {
	f.t.Helper()
	c, err := f.w.Customers.GetCustomer(f.t.Context(), f.w.Admin(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	want := map[store.Key]store.Item{}
	for _, op := range custindex.Ops(f.tenant, id, nil, custindex.Entries(c)) {
		want[op.Key] = op.Item
	}
	have, err := store.QueryAll(f.t.Context(), f.w.DB, store.Query{PK: customer.Partition(f.tenant, id), SK: store.SKBeginsWith, A: custindex.SKPrefix})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, h := range have {
		w, ok := want[h.Key]
		if !ok || w.Index != h.Index || !bytes.Equal(w.Doc, h.Doc) {
			return "wrong or stale " + h.SK
		}
		delete(want, h.Key)
	}
	for k := range want {
		return "missing " + k.SK
	}
	return ""
}

func (f *fixture) search(q string) []string {
	f.t.Helper()
	hits, err := custindex.Search(f.t.Context(), f.w.DB, f.tenant, q, "", 50)
	if err != nil {
		f.t.Fatal(err)
	}
	slices.Sort(hits.IDs)
	return hits.IDs
}

// Customers stored before the search index are found by no search and
// listed by no sort until the backfill writes their index items; a stale
// item is removed; a customer renamed while the backfill writes its
// items is indexed as renamed; a second run writes nothing.
func TestBackfillWritesTheSearchIndex(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	var ids []string
	for i, name := range []string{"Nguyễn Văn An", "Nguyễn Thị Bình", "Trần Chi"} {
		f.clock.Set(epoch.Add(time.Duration(i) * time.Minute))
		in, err := customer.ParseInput(fmt.Appendf(nil, `{"name":%q,"phone":"09120000%02d"}`, name, i))
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.w.Customers.CreateCustomer(ctx, f.w.Admin(), in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		f.storeIndexAsBefore(c.ID)
	}
	an, binh, chi := ids[0], ids[1], ids[2]
	stale := store.Item{Key: store.Key{PK: customer.Partition(f.tenant, chi), SK: custindex.SKPrefix + "T#w:cu"}, Type: custindex.ItemType, Version: 1, Doc: []byte(`{"id":"` + chi + `"}`)}
	stale.Index[0] = store.IndexKey{PK: custindex.TokenPK(f.tenant, 0), SK: "w:cu#" + chi}
	if err := f.w.DB.Put(ctx, stale, store.None); err != nil {
		t.Fatal(err)
	}
	if got := f.search("nguyen"); len(got) != 0 {
		t.Fatalf("before the backfill, found %q", got)
	}
	// Bình renamed while the backfill writes her items: her write puts only
	// the entries it changes.
	renamed := false
	f.faults = func(w faultstore.Write) faultstore.Fault {
		if it, ok := w.PutsOf(custindex.ItemType); ok && it.PK == customer.Partition(f.tenant, binh) && !renamed {
			renamed = true
			in, err := customer.ParseInput([]byte(`{"name":"Nguyễn Thị Bảo"}`))
			if err == nil {
				_, err = f.w.Customers.UpdateCustomer(ctx, f.w.Admin(), binh, in)
			}
			if err != nil {
				t.Errorf("rename: %v", err)
			}
		}
		return faultstore.None
	}
	if failed := f.run(); len(failed) > 0 {
		t.Fatal(failed)
	}
	if !renamed {
		t.Fatal("the backfill never wrote Bình's index")
	}
	for _, id := range ids {
		if m := f.indexMismatch(id); m != "" {
			t.Errorf("customer %s after the backfill: %s", id, m)
		}
	}
	for q, want := range map[string][]string{"nguyen": {an, binh}, "bao": {binh}, "binh": nil, "chi": {chi}, "cu": nil, "0001": {binh}} {
		slices.Sort(want)
		if got := f.search(q); !slices.Equal(got, want) {
			t.Errorf("Search(%q) = %q, want %q", q, got, want)
		}
	}
	hits, err := custindex.Sorted(ctx, f.w.DB, f.tenant, "name", false, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{binh, an, chi}; !slices.Equal(hits.IDs, want) {
		t.Errorf("sorted by name %q, want %q", hits.IDs, want)
	}

	// A second run writes nothing but its own bookkeeping.
	for _, sk := range append([]string{"RUN"}, segments()...) {
		if err := f.w.DB.Delete(ctx, store.Key{PK: "BACKFILL#" + backfill.RunID, SK: sk}, store.None); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var wrote []string
	f.faults = func(w faultstore.Write) faultstore.Fault {
		mu.Lock()
		defer mu.Unlock()
		for _, it := range w.Puts {
			if it.Type != "backfill_run" {
				wrote = append(wrote, "put "+it.Key.String())
			}
		}
		for _, k := range w.Deletes {
			wrote = append(wrote, "delete "+k.String())
		}
		return faultstore.None
	}
	f.svc = backfill.New(f.reads, f.q, f.clock, slog.New(slog.DiscardHandler))
	if failed := f.run(); len(failed) > 0 {
		t.Fatal(failed)
	}
	if len(wrote) > 0 {
		t.Fatalf("a second run wrote %v", wrote)
	}
}
