// Package storetest is the conformance suite of the item-store port. Every
// adapter runs it with a few lines:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, clock store.Clock) store.Store { ... })
//	}
package storetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tend/internal/store"
)

// NewStore returns an empty store whose notion of "now" (for expiry) is
// the clock's.
type NewStore func(t *testing.T, clock store.Clock) store.Store

// Clock is a settable clock for tests: it stands where it was last set.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *Clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *Clock) Set(t time.Time)     { c.mu.Lock(); c.t = t.UTC(); c.mu.Unlock() }
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Run runs every conformance test against stores made by newStore.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store, *Clock)
	}{
		{"GetMissing", testGetMissing},
		{"PutGetRoundTrip", testRoundTrip},
		{"GetEventually", testGetEventually},
		{"PutConditions", testPutConditions},
		{"DeleteConditions", testDeleteConditions},
		{"Expiry", testExpiry},
		{"ExpiredCounters", testExpiredCounters},
		{"GetMany", testGetMany},
		{"QueryKeyConditions", testQueryKeyConditions},
		{"QueryPaging", testQueryPaging},
		{"SecondaryIndexes", testSecondaryIndexes},
		{"QueryDocsOnly", testQueryDocsOnly},
		{"TransactAllOrNothing", testTransactAllOrNothing},
		{"TransactLimits", testTransactLimits},
		{"Counters", testCounters},
		{"ScanSegments", testScanSegments},
		{"RaceConditionalPut", testRaceConditionalPut},
		{"RaceCounter", testRaceCounter},
		{"RaceOptimisticVersion", testRaceOptimisticVersion},
		{"RaceTransactUniqueness", testRaceTransactUniqueness},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := &Clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
			s := newStore(t, clock)
			tc.fn(t, s, clock)
		})
	}
}

func doc(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func item(pk, sk string, v any) store.Item {
	return store.Item{Key: store.Key{PK: pk, SK: sk}, Type: "thing", Version: 1, Doc: doc(v)}
}

// sameJSON compares two JSON documents by meaning, not by bytes.
func sameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("stored doc is not JSON: %v (%s)", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want doc is not JSON: %v", err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Fatalf("doc = %s, want %s", gb, wb)
	}
}

func mustPut(t *testing.T, s store.Store, it store.Item) {
	t.Helper()
	if err := s.Put(t.Context(), it, store.None); err != nil {
		t.Fatalf("Put %s: %v", it.Key, err)
	}
}

func testGetMissing(t *testing.T, s store.Store, _ *Clock) {
	_, err := s.Get(t.Context(), store.Key{PK: "p", SK: "missing"})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get missing: err = %v, want ErrNotFound", err)
	}
	if err := s.Delete(t.Context(), store.Key{PK: "p", SK: "missing"}, store.None); err != nil {
		t.Fatalf("unconditional Delete of a missing item: %v", err)
	}
	if _, err := s.Get(t.Context(), store.Key{PK: "", SK: "x"}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("Get with empty PK: err = %v, want ErrInvalid", err)
	}
}

// GetEventually may lag behind a write on DynamoDB, but answers the item
// once it has settled, as Get does: missing, invalid, present, expired.
func testGetEventually(t *testing.T, s store.Store, clock *Clock) {
	ctx := t.Context()
	k := store.Key{PK: "p", SK: "eventually"}
	if _, err := s.GetEventually(ctx, k); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetEventually missing: err = %v, want ErrNotFound", err)
	}
	if _, err := s.GetEventually(ctx, store.Key{PK: "p"}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("GetEventually with empty SK: err = %v, want ErrInvalid", err)
	}
	it := store.Item{Key: k, Type: "counter", Version: 3, N: 42, ExpiresAt: clock.Now().Add(time.Hour), Doc: doc(map[string]string{"a": "b"})}
	mustPut(t, s, it)
	got, err := s.GetEventually(ctx, k)
	if err != nil {
		t.Fatalf("GetEventually: %v", err)
	}
	if got.Key != k || got.Type != "counter" || got.Version != 3 || got.N != 42 || !got.ExpiresAt.Equal(it.ExpiresAt) {
		t.Fatalf("GetEventually = %+v, want %+v", got, it)
	}
	sameJSON(t, got.Doc, it.Doc)
	clock.Add(time.Hour + time.Second)
	if _, err := s.GetEventually(ctx, k); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetEventually after expiry: err = %v, want ErrNotFound", err)
	}
}

func testRoundTrip(t *testing.T, s store.Store, clock *Clock) {
	body := map[string]any{
		"name":    "Nguyễn Văn A",
		"revenue": 3500000,
		"ratio":   0.25,
		"big":     json.Number("9007199254740993"),
		"tags":    []any{"vip", "hà nội"},
		"nested":  map[string]any{"ok": true, "none": nil, "empty": ""},
		"list":    []any{},
	}
	it := store.Item{
		Key:       store.Key{PK: "T#1#C#a", SK: "A"},
		Type:      "customer",
		Index:     [4]store.IndexKey{{PK: "g1", SK: "s1"}, {}, {PK: "g3", SK: "s3"}, {}},
		Version:   7,
		ExpiresAt: clock.Now().Add(time.Hour),
		Doc:       doc(body),
	}
	mustPut(t, s, it)
	got, err := s.Get(t.Context(), it.Key)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Key != it.Key || got.Type != it.Type || got.Version != it.Version || got.Index != it.Index {
		t.Fatalf("Get = %+v, want %+v", got, it)
	}
	if !got.ExpiresAt.Equal(it.ExpiresAt) {
		t.Fatalf("ExpiresAt = %v, want %v", got.ExpiresAt, it.ExpiresAt)
	}
	sameJSON(t, got.Doc, it.Doc)
	// The big integer must survive exactly.
	if !bytes.Contains(got.Doc, []byte("9007199254740993")) {
		t.Fatalf("big integer lost precision: %s", got.Doc)
	}

	// A Put replaces the whole item, index keys included.
	it.Index = [4]store.IndexKey{}
	it.Doc = doc(map[string]any{"name": "B"})
	it.ExpiresAt = time.Time{}
	mustPut(t, s, it)
	got, err = s.Get(t.Context(), it.Key)
	if err != nil {
		t.Fatalf("Get after replace: %v", err)
	}
	if got.Index != ([4]store.IndexKey{}) || !got.ExpiresAt.IsZero() {
		t.Fatalf("replace kept old index keys or expiry: %+v", got)
	}
	sameJSON(t, got.Doc, it.Doc)
	page, err := s.Query(t.Context(), store.Query{Index: store.GSI1, PK: "g1"})
	if err != nil {
		t.Fatalf("Query GSI1: %v", err)
	}
	if len(page.Items) != 0 {
		t.Fatalf("item still in GSI1 after its index key was removed: %+v", page.Items)
	}
}

func testPutConditions(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	k := store.Key{PK: "p", SK: "a"}
	tests := []struct {
		name    string
		cond    store.Cond
		version int64
		wantErr error
	}{
		{"exists on missing", store.Exists, 1, store.ErrConditionFailed},
		{"version on missing", store.IfVersion(0), 1, store.ErrConditionFailed},
		{"not-exist on missing", store.NotExist, 1, nil},
		{"not-exist on existing", store.NotExist, 2, store.ErrConditionFailed},
		{"wrong version", store.IfVersion(5), 2, store.ErrConditionFailed},
		{"right version", store.IfVersion(1), 2, nil},
		{"old version again", store.IfVersion(1), 3, store.ErrConditionFailed},
		{"exists on existing", store.Exists, 3, nil},
		{"unconditional", store.None, 9, nil},
	}
	for _, tc := range tests {
		it := store.Item{Key: k, Type: "thing", Version: tc.version, Doc: doc(map[string]any{"step": tc.name})}
		err := s.Put(ctx, it, tc.cond)
		if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
			t.Fatalf("%s: Put err = %v, want %v", tc.name, err, tc.wantErr)
		}
	}
	got, err := s.Get(ctx, k)
	if err != nil || got.Version != 9 {
		t.Fatalf("final Get = %+v, %v; want version 9", got, err)
	}
}

func testDeleteConditions(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	k := store.Key{PK: "p", SK: "d"}
	if err := s.Delete(ctx, k, store.Exists); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("Delete missing with Exists: %v", err)
	}
	mustPut(t, s, store.Item{Key: k, Type: "thing", Version: 3, Doc: doc(map[string]int{"a": 1})})
	if err := s.Delete(ctx, k, store.IfVersion(2)); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("Delete wrong version: %v", err)
	}
	if _, err := s.Get(ctx, k); err != nil {
		t.Fatalf("item gone after a failed delete: %v", err)
	}
	if err := s.Delete(ctx, k, store.IfVersion(3)); err != nil {
		t.Fatalf("Delete right version: %v", err)
	}
	if _, err := s.Get(ctx, k); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after delete: %v", err)
	}
}

func testExpiry(t *testing.T, s store.Store, clock *Clock) {
	ctx := t.Context()
	k := store.Key{PK: "idem", SK: "key-1"}
	it := store.Item{Key: k, Type: "idem", Version: 1, ExpiresAt: clock.Now().Add(10 * time.Minute),
		Index: [4]store.IndexKey{{PK: "exp-idx", SK: "1"}}, Doc: doc(map[string]int{"a": 1})}
	if err := s.Put(ctx, it, store.NotExist); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if err := s.Put(ctx, it, store.NotExist); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("second Put before expiry: %v", err)
	}
	clock.Add(10*time.Minute + time.Second)
	if _, err := s.Get(ctx, k); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after expiry: err = %v, want ErrNotFound", err)
	}
	for _, q := range []store.Query{{PK: "idem"}, {Index: store.GSI1, PK: "exp-idx"}} {
		page, err := s.Query(ctx, q)
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		if len(page.Items) != 0 {
			t.Fatalf("Query %+v returned an expired item", q)
		}
	}
	if items, err := s.GetMany(ctx, []store.Key{k}); err != nil || len(items) != 0 {
		t.Fatalf("GetMany returned an expired item: %v %v", items, err)
	}
	if err := s.Put(ctx, store.Item{Key: k, Type: "idem", Version: 1, Doc: doc(map[string]int{"a": 2})}, store.Exists); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("Exists on an expired item: %v", err)
	}
	if err := s.Transact(ctx, []store.TxOp{store.TxPut(it, store.NotExist)}); err != nil {
		t.Fatalf("NotExist on an expired item in a transaction: %v", err)
	}
}

func testGetMany(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	var keys []store.Key
	for i := range 30 {
		it := item("many", fmt.Sprintf("k%02d", i), map[string]int{"i": i})
		if i%3 != 0 {
			mustPut(t, s, it)
		}
		keys = append(keys, it.Key)
	}
	keys = append(keys, store.Key{PK: "other", SK: "nope"})
	got, err := s.GetMany(ctx, keys)
	if err != nil {
		t.Fatalf("GetMany: %v", err)
	}
	if len(got) != 20 {
		t.Fatalf("GetMany returned %d items, want 20", len(got))
	}
	for _, it := range got {
		var d map[string]int
		if err := json.Unmarshal(it.Doc, &d); err != nil || fmt.Sprintf("k%02d", d["i"]) != it.SK {
			t.Fatalf("GetMany item %s has doc %s", it.Key, it.Doc)
		}
	}
	if items, err := s.GetMany(ctx, nil); err != nil || len(items) != 0 {
		t.Fatalf("GetMany(nil) = %v, %v", items, err)
	}
	if _, err := s.GetMany(ctx, make([]store.Key, 101)); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("GetMany of 101 keys: %v, want ErrInvalid", err)
	}
}

func sks(items []store.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.SK
	}
	return out
}

// queryAll follows cursors to the end.
func queryAll(t *testing.T, s store.Store, q store.Query) []store.Item {
	t.Helper()
	var all []store.Item
	for range 1000 {
		page, err := s.Query(t.Context(), q)
		if err != nil {
			t.Fatalf("Query %+v: %v", q, err)
		}
		all = append(all, page.Items...)
		if page.Cursor == "" {
			return all
		}
		q.Cursor = page.Cursor
	}
	t.Fatalf("Query %+v never ended", q)
	return nil
}

func testQueryKeyConditions(t *testing.T, s store.Store, _ *Clock) {
	for _, sk := range []string{"A", "H#2026-01-01#1", "H#2026-01-02#2", "H#2026-01-03#3", "N#1", "N#2", "Z"} {
		mustPut(t, s, item("cust", sk, map[string]string{"sk": sk}))
	}
	mustPut(t, s, item("cust2", "H#2026-01-01#9", nil))
	tests := []struct {
		name string
		q    store.Query
		want []string
	}{
		{"all", store.Query{PK: "cust"}, []string{"A", "H#2026-01-01#1", "H#2026-01-02#2", "H#2026-01-03#3", "N#1", "N#2", "Z"}},
		{"prefix", store.Query{PK: "cust", SK: store.SKBeginsWith, A: "H#"}, []string{"H#2026-01-01#1", "H#2026-01-02#2", "H#2026-01-03#3"}},
		{"prefix reverse", store.Query{PK: "cust", SK: store.SKBeginsWith, A: "H#", Reverse: true}, []string{"H#2026-01-03#3", "H#2026-01-02#2", "H#2026-01-01#1"}},
		{"eq", store.Query{PK: "cust", SK: store.SKEq, A: "N#1"}, []string{"N#1"}},
		{"lt", store.Query{PK: "cust", SK: store.SKLt, A: "H#2026-01-02"}, []string{"A", "H#2026-01-01#1"}},
		{"le", store.Query{PK: "cust", SK: store.SKLe, A: "N#1"}, []string{"A", "H#2026-01-01#1", "H#2026-01-02#2", "H#2026-01-03#3", "N#1"}},
		{"gt", store.Query{PK: "cust", SK: store.SKGt, A: "N#1"}, []string{"N#2", "Z"}},
		{"ge reverse", store.Query{PK: "cust", SK: store.SKGe, A: "N#1", Reverse: true}, []string{"Z", "N#2", "N#1"}},
		{"between", store.Query{PK: "cust", SK: store.SKBetween, A: "H#2026-01-02", B: "N#1"}, []string{"H#2026-01-02#2", "H#2026-01-03#3", "N#1"}},
		{"no partition", store.Query{PK: "nobody"}, nil},
		{"vietnamese prefix", store.Query{PK: "cust", SK: store.SKBeginsWith, A: "Đ"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := sks(queryAll(t, s, tc.q))
			if fmt.Sprint(got) != fmt.Sprint(tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := s.Query(t.Context(), store.Query{PK: ""}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("Query with empty PK: %v", err)
	}
	if _, err := s.Query(t.Context(), store.Query{PK: "cust", Index: "GSI9"}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("Query of an unknown index: %v", err)
	}
}

func testQueryPaging(t *testing.T, s store.Store, _ *Clock) {
	const n = 57
	for i := range n {
		mustPut(t, s, item("paged", fmt.Sprintf("%03d", i), map[string]int{"i": i}))
	}
	for _, reverse := range []bool{false, true} {
		q := store.Query{PK: "paged", Limit: 10, Reverse: reverse}
		var got []string
		pages := 0
		for {
			page, err := s.Query(t.Context(), q)
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			if len(page.Items) > 10 {
				t.Fatalf("page of %d items, limit 10", len(page.Items))
			}
			got = append(got, sks(page.Items)...)
			pages++
			if page.Cursor == "" {
				break
			}
			q.Cursor = page.Cursor
		}
		if len(got) != n {
			t.Fatalf("reverse=%v: %d items over %d pages, want %d", reverse, len(got), pages, n)
		}
		want := slices.Clone(got)
		sort.Strings(want)
		if reverse {
			slices.Reverse(want)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("reverse=%v: items out of order: %v", reverse, got)
		}
		if len(slices.Compact(slices.Clone(want))) != n {
			t.Fatalf("reverse=%v: an item was returned twice", reverse)
		}
	}
	// A cursor from one query is refused, not misread, by another.
	if _, err := s.Query(t.Context(), store.Query{PK: "paged", Cursor: "not a cursor"}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("garbage cursor: err = %v, want ErrInvalid", err)
	}
}

func testSecondaryIndexes(t *testing.T, s store.Store, _ *Clock) {
	// Three customers of two owners, one pinned (a sparse index).
	for i, owner := range []string{"u1", "u2", "u1"} {
		it := item(fmt.Sprintf("C#%d", i), "A", map[string]any{"i": i})
		it.Index[0] = store.IndexKey{PK: "ALL", SK: fmt.Sprintf("2026-01-0%d#%d", i+1, i)}
		it.Index[1] = store.IndexKey{PK: "OWNER#" + owner, SK: fmt.Sprintf("2026-01-0%d#%d", i+1, i)}
		if i == 1 {
			it.Index[3] = store.IndexKey{PK: "PINNED", SK: "x"}
		}
		mustPut(t, s, it)
	}
	byOwner := queryAll(t, s, store.Query{Index: store.GSI2, PK: "OWNER#u1", Reverse: true})
	if len(byOwner) != 2 || byOwner[0].PK != "C#2" || byOwner[1].PK != "C#0" {
		t.Fatalf("GSI2 OWNER#u1 reverse = %v", byOwner)
	}
	if !bytes.Contains(byOwner[0].Doc, []byte(`"i"`)) || byOwner[0].Version != 1 {
		t.Fatalf("index query must return whole items, got %+v", byOwner[0])
	}
	all := queryAll(t, s, store.Query{Index: store.GSI1, PK: "ALL", SK: store.SKGt, A: "2026-01-01#0", Limit: 1})
	if len(all) != 2 {
		t.Fatalf("GSI1 paged range = %d items, want 2", len(all))
	}
	pinned := queryAll(t, s, store.Query{Index: store.GSI4, PK: "PINNED"})
	if len(pinned) != 1 || pinned[0].PK != "C#1" {
		t.Fatalf("sparse GSI4 = %v", pinned)
	}
	if got := queryAll(t, s, store.Query{Index: store.GSI3, PK: "ALL"}); len(got) != 0 {
		t.Fatalf("GSI3 should be empty, got %d", len(got))
	}
	// Moving an item between index partitions.
	moved := item("C#0", "A", map[string]any{"i": 0})
	moved.Version = 2
	moved.Index[1] = store.IndexKey{PK: "OWNER#u2", SK: "2026-01-01#0"}
	if err := s.Put(t.Context(), moved, store.IfVersion(1)); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if got := queryAll(t, s, store.Query{Index: store.GSI2, PK: "OWNER#u1"}); len(got) != 1 {
		t.Fatalf("OWNER#u1 after move = %d items, want 1", len(got))
	}
	if got := queryAll(t, s, store.Query{Index: store.GSI2, PK: "OWNER#u2"}); len(got) != 2 {
		t.Fatalf("OWNER#u2 after move = %d items, want 2", len(got))
	}
}

// A DocsOnly query reads the same items, in the same order and pages, as
// a full one: keys, versions, documents and the queried index's keys.
func testQueryDocsOnly(t *testing.T, s store.Store, _ *Clock) {
	for i := range 5 {
		it := item(fmt.Sprintf("C#%d", i), "A", map[string]any{"i": i})
		it.Index[0] = store.IndexKey{PK: "ALL", SK: fmt.Sprintf("2026-01-0%d#%d", i+1, i)}
		it.Index[2] = store.IndexKey{PK: "WH#1", SK: fmt.Sprintf("%d", 9-i)}
		mustPut(t, s, it)
	}
	for _, q := range []store.Query{
		{Index: store.GSI1, PK: "ALL", Limit: 2},
		{Index: store.GSI3, PK: "WH#1", Reverse: true, Limit: 3},
		{PK: "C#3"},
	} {
		full := queryAll(t, s, q)
		q.DocsOnly = true
		lean := queryAll(t, s, q)
		if len(lean) != len(full) || len(full) == 0 {
			t.Fatalf("%+v: %d items, a full query reads %d", q, len(lean), len(full))
		}
		n := indexOf(q.Index)
		for i := range full {
			f, l := full[i], lean[i]
			if l.Key != f.Key || l.Type != f.Type || l.Version != f.Version || !bytes.Equal(l.Doc, f.Doc) {
				t.Fatalf("%+v item %d: %+v, want %+v", q, i, l, f)
			}
			if n >= 0 && l.Index[n] != f.Index[n] {
				t.Fatalf("%+v item %d: queried index key %+v, want %+v", q, i, l.Index[n], f.Index[n])
			}
		}
	}
}

func indexOf(name string) int {
	for i, n := range store.Indexes {
		if n == name {
			return i
		}
	}
	return -1
}

func testTransactAllOrNothing(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	existing := item("T#1", "UNQ#email#a@x.vn", map[string]string{"customer": "c1"})
	mustPut(t, s, existing)
	counter := store.Key{PK: "T#1", SK: "STEPCOUNT#s1"}

	cust := item("T#1#C#c2", "A", map[string]string{"email": "a@x.vn"})
	claim := item("T#1", "UNQ#email#a@x.vn", map[string]string{"customer": "c2"})
	hist := item("T#1#C#c2", "H#1", map[string]string{"what": "created"})
	err := s.Transact(ctx, []store.TxOp{
		store.TxPut(cust, store.NotExist),
		store.TxAdd(counter, 1),
		store.TxPut(hist, store.None),
		store.TxPut(claim, store.NotExist),
	})
	var txErr *store.TxError
	if !errors.As(err, &txErr) || txErr.Index != 3 || !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("Transact err = %v, want *TxError at index 3 wrapping ErrConditionFailed", err)
	}
	for _, k := range []store.Key{cust.Key, hist.Key, counter} {
		if _, err := s.Get(ctx, k); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s was written by a failed transaction (err %v)", k, err)
		}
	}
	got, _ := s.Get(ctx, existing.Key)
	sameJSON(t, got.Doc, existing.Doc)

	// The same transaction with a free claim succeeds completely.
	claim.SK = "UNQ#email#b@x.vn"
	if err := s.Transact(ctx, []store.TxOp{
		store.TxPut(cust, store.NotExist),
		store.TxAdd(counter, 1),
		store.TxPut(hist, store.None),
		store.TxPut(claim, store.NotExist),
		store.TxCheck(existing.Key, store.IfVersion(1)),
	}); err != nil {
		t.Fatalf("Transact: %v", err)
	}
	for _, k := range []store.Key{cust.Key, hist.Key, claim.Key} {
		if _, err := s.Get(ctx, k); err != nil {
			t.Fatalf("%s not written: %v", k, err)
		}
	}
	c, err := s.Get(ctx, counter)
	if err != nil || c.N != 1 {
		t.Fatalf("counter = %+v, %v; want N=1", c, err)
	}

	// Delete and check conditions inside transactions.
	err = s.Transact(ctx, []store.TxOp{
		store.TxDelete(claim.Key, store.IfVersion(1)),
		store.TxCheck(store.Key{PK: "T#1", SK: "missing"}, store.Exists),
	})
	if !errors.As(err, &txErr) || txErr.Index != 1 {
		t.Fatalf("check of a missing item: err = %v, want *TxError at 1", err)
	}
	if _, err := s.Get(ctx, claim.Key); err != nil {
		t.Fatalf("claim deleted by a failed transaction: %v", err)
	}
	if err := s.Transact(ctx, []store.TxOp{store.TxDelete(claim.Key, store.IfVersion(1))}); err != nil {
		t.Fatalf("Transact delete: %v", err)
	}
	if _, err := s.Get(ctx, claim.Key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claim not deleted: %v", err)
	}
}

func testTransactLimits(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	ops := make([]store.TxOp, 0, 101)
	for i := range 100 {
		ops = append(ops, store.TxPut(item("big", fmt.Sprintf("%03d", i), map[string]int{"i": i}), store.NotExist))
	}
	if err := s.Transact(ctx, ops); err != nil {
		t.Fatalf("Transact of 100 items: %v", err)
	}
	if got := queryAll(t, s, store.Query{PK: "big"}); len(got) != 100 {
		t.Fatalf("%d items after a 100-item transaction", len(got))
	}
	ops = append(ops, store.TxPut(item("big", "100", nil), store.None))
	if err := s.Transact(ctx, ops); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("Transact of 101 items: err = %v, want ErrInvalid", err)
	}
	dup := []store.TxOp{store.TxPut(item("d", "1", nil), store.None), store.TxDelete(store.Key{PK: "d", SK: "1"}, store.None)}
	if err := s.Transact(ctx, dup); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("Transact touching one item twice: err = %v, want ErrInvalid", err)
	}
	if err := s.Transact(ctx, nil); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("empty Transact: err = %v, want ErrInvalid", err)
	}
}

func testCounters(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	k := store.Key{PK: "T#1", SK: "CTR#customer"}
	for i, delta := range []int64{1, 1, 5, -2} {
		want := []int64{1, 2, 7, 5}[i]
		got, err := s.Incr(ctx, k, delta)
		if err != nil || got != want {
			t.Fatalf("Incr(%d) = %d, %v; want %d", delta, got, err, want)
		}
	}
	it, err := s.Get(ctx, k)
	if err != nil || it.N != 5 {
		t.Fatalf("Get counter = %+v, %v", it, err)
	}
}

// An expired counter counts as absent: Incr and TxAdd start it again from
// their delta, and it lives on without the old expiry.
func testExpiredCounters(t *testing.T, s store.Store, clock *Clock) {
	ctx := t.Context()
	a, b := store.Key{PK: "T#1#RATE", SK: "ip-a"}, store.Key{PK: "T#1#RATE", SK: "ip-b"}
	for _, k := range []store.Key{a, b} {
		mustPut(t, s, store.Item{Key: k, Type: "rate", Version: 3, N: 7, ExpiresAt: clock.Now().Add(time.Minute), Doc: doc(map[string]int{"x": 1})})
	}
	clock.Add(2 * time.Minute)
	if n, err := s.Incr(ctx, a, 2); err != nil || n != 2 {
		t.Fatalf("Incr over an expired counter = %d, %v; want 2", n, err)
	}
	if n, err := s.Incr(ctx, a, 1); err != nil || n != 3 {
		t.Fatalf("Incr after the restart = %d, %v; want 3", n, err)
	}
	if err := s.Transact(ctx, []store.TxOp{store.TxAdd(b, 4), store.TxPut(item("other", "1", nil), store.NotExist)}); err != nil {
		t.Fatalf("TxAdd over an expired counter: %v", err)
	}
	clock.Add(time.Hour)
	for k, want := range map[store.Key]int64{a: 3, b: 4} {
		it, err := s.Get(ctx, k)
		if err != nil || it.N != want {
			t.Fatalf("counter %s an hour on = %+v, %v; want %d and live", k, it, err, want)
		}
	}
}

func testScanSegments(t *testing.T, s store.Store, _ *Clock) {
	const n = 120
	for i := range n {
		mustPut(t, s, item(fmt.Sprintf("P%03d", i), "A", nil))
	}
	const segments = 4
	seen := map[string]int{}
	for seg := range segments {
		sc := store.Scan{Segment: seg, Segments: segments, Limit: 7}
		for {
			page, err := s.Scan(t.Context(), sc)
			if err != nil {
				t.Fatalf("Scan: %v", err)
			}
			for _, it := range page.Items {
				seen[it.PK]++
			}
			if page.Cursor == "" {
				break
			}
			sc.Cursor = page.Cursor
		}
	}
	if len(seen) != n {
		t.Fatalf("segments saw %d distinct items, want %d", len(seen), n)
	}
	for pk, c := range seen {
		if c != 1 {
			t.Fatalf("%s seen %d times across segments", pk, c)
		}
	}
	if _, err := s.Scan(t.Context(), store.Scan{Segment: 4, Segments: 4}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("Scan of segment 4 of 4: %v", err)
	}
}

func testRaceConditionalPut(t *testing.T, s store.Store, _ *Clock) {
	const racers = 50
	var wins, losses atomic.Int32
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			it := item("race", "the-one", map[string]int{"winner": i})
			err := s.Put(t.Context(), it, store.NotExist)
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, store.ErrConditionFailed):
				losses.Add(1)
			default:
				t.Errorf("racer %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 || losses.Load() != racers-1 {
		t.Fatalf("%d wins and %d losses, want 1 and %d", wins.Load(), losses.Load(), racers-1)
	}
}

func testRaceCounter(t *testing.T, s store.Store, _ *Clock) {
	const racers, each = 50, 4
	k := store.Key{PK: "race", SK: "counter"}
	var wg sync.WaitGroup
	seen := make(chan int64, racers*each)
	for range racers {
		wg.Go(func() {
			for range each {
				n, err := s.Incr(t.Context(), k, 1)
				if err != nil {
					t.Errorf("Incr: %v", err)
					return
				}
				seen <- n
			}
		})
	}
	wg.Wait()
	close(seen)
	values := map[int64]bool{}
	for n := range seen {
		if values[n] {
			t.Fatalf("counter value %d handed out twice", n)
		}
		values[n] = true
	}
	it, err := s.Get(t.Context(), k)
	if err != nil || it.N != racers*each || len(values) != racers*each {
		t.Fatalf("counter = %d (%v), %d distinct values; want %d", it.N, err, len(values), racers*each)
	}
}

// testRaceOptimisticVersion: read-modify-write with version checks and
// retries never loses an update.
func testRaceOptimisticVersion(t *testing.T, s store.Store, _ *Clock) {
	k := store.Key{PK: "race", SK: "doc"}
	mustPut(t, s, store.Item{Key: k, Type: "thing", Version: 1, Doc: doc(map[string]int{"n": 0})})
	const racers = 20
	var wg sync.WaitGroup
	for range racers {
		wg.Go(func() {
			for attempt := 0; ; attempt++ {
				if attempt > 500 {
					t.Errorf("gave up after %d attempts", attempt)
					return
				}
				cur, err := s.Get(t.Context(), k)
				if err != nil {
					t.Errorf("Get: %v", err)
					return
				}
				var d map[string]int
				_ = json.Unmarshal(cur.Doc, &d)
				d["n"]++
				next := store.Item{Key: k, Type: "thing", Version: cur.Version + 1, Doc: doc(d)}
				err = s.Put(t.Context(), next, store.IfVersion(cur.Version))
				if err == nil {
					return
				}
				if !errors.Is(err, store.ErrConditionFailed) {
					t.Errorf("Put: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, _ := s.Get(t.Context(), k)
	var d map[string]int
	_ = json.Unmarshal(got.Doc, &d)
	if d["n"] != racers || got.Version != racers+1 {
		t.Fatalf("n = %d at version %d, want %d at %d", d["n"], got.Version, racers, racers+1)
	}
}

// testRaceTransactUniqueness: of many transactions claiming the same unique
// value, exactly one commits, and none leaves a partial write behind.
func testRaceTransactUniqueness(t *testing.T, s store.Store, _ *Clock) {
	const racers = 50
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			err := s.Transact(t.Context(), []store.TxOp{
				store.TxPut(item(fmt.Sprintf("C#%d", i), "A", map[string]int{"i": i}), store.NotExist),
				store.TxPut(item("UNQ", "email#same@x.vn", map[string]int{"owner": i}), store.NotExist),
			})
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, store.ErrConditionFailed):
			default:
				t.Errorf("racer %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d transactions committed, want exactly 1", wins.Load())
	}
	claim, err := s.Get(t.Context(), store.Key{PK: "UNQ", SK: "email#same@x.vn"})
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	var d map[string]int
	_ = json.Unmarshal(claim.Doc, &d)
	for i := range racers {
		_, err := s.Get(t.Context(), store.Key{PK: fmt.Sprintf("C#%d", i), SK: "A"})
		if (err == nil) != (i == d["owner"]) {
			t.Fatalf("customer %d exists=%v but claim owner is %d", i, err == nil, d["owner"])
		}
	}
}
