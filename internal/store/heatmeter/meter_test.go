package heatmeter_test

import (
	"context"
	"strings"
	"testing"

	"tend/internal/store"
	"tend/internal/store/heatmeter"
	"tend/internal/tendtest"
)

// An item of 2 + 1 ("PK", "P") + 2 + 1 ("SK", "S") + 1 + 1 ("T", "c") +
// 1 + 2 ("V", version 1 as a number) + 1 + 7 ("D", the document) bytes.
func TestItemSize(t *testing.T) {
	it := store.Item{Key: store.Key{PK: "P", SK: "S"}, Type: "c", Version: 1, Doc: []byte(`{"a":1}`)}
	if got := heatmeter.ItemSize(it); got != 19 {
		t.Errorf("ItemSize = %d, want 19", got)
	}
	it.Index[1] = store.IndexKey{PK: "O", SK: "x"} // + 6+1 + 6+1
	it.N = 12345                                   // + 1 + (5+1)/2+1
	if got := heatmeter.ItemSize(it); got != 19+14+5 {
		t.Errorf("ItemSize with an index key and a counter = %d, want %d", got, 19+14+5)
	}
	for _, owner := range []string{"", ownPK} {
		if got := heatmeter.ItemSize(sized(pkA, 2000, owner)); got != 2000 {
			t.Errorf("the tests' sized(2000, %q) is %d bytes", owner, got)
		}
	}
}

const (
	pkA   = "T#ws_1#C#cus_1" // 14 bytes
	pkB   = "T#ws_1#C#cus_2"
	ownPK = "T#ws_1#OWN#usr_1" // 16 bytes
	own2  = "T#ws_1#OWN#usr_2"
)

// sized is an item at pk|A (version 1, no type) of exactly size bytes:
// 2+14 + 2+1 + 1+2 = 22 bytes of keys and version, the rest document
// ("D" and {"x":"aaa..."}); an owner index key adds 6+16 + 6+1 = 29.
func sized(pk string, size int, owner string) store.Item {
	it := store.Item{Key: store.Key{PK: pk, SK: "A"}, Version: 1}
	rest := size - 22
	if owner != "" {
		it.Index[1] = store.IndexKey{PK: owner, SK: "x"}
		rest -= 29
	}
	it.Doc = []byte(`{"x":"` + strings.Repeat("a", rest-1-8) + `"}`)
	return it
}

type charges map[heatmeter.Part]heatmeter.Units

func table(pk string) heatmeter.Part { return heatmeter.Part{PK: pk} }
func gsi2(pk string) heatmeter.Part  { return heatmeter.Part{Index: store.GSI2, PK: pk} }

// Every kind of operation is charged the units worked out by hand from
// DynamoDB's rules (see the package comment).
func TestUnits(t *testing.T) {
	tests := []struct {
		name  string
		given []store.Item // stored before, uncharged
		run   func(ctx context.Context, m *heatmeter.Store) error
		want  charges
	}{
		{"get 5000 bytes: 2 strongly consistent read units", []store.Item{sized(pkA, 5000, "")},
			func(ctx context.Context, m *heatmeter.Store) error {
				_, err := m.Get(ctx, store.Key{PK: pkA, SK: "A"})
				return err
			},
			charges{table(pkA): {Read: 2}}},
		{"get 5000 bytes eventually consistent: 1 read unit, half of 2", []store.Item{sized(pkA, 5000, "")},
			func(ctx context.Context, m *heatmeter.Store) error {
				_, err := m.GetEventually(ctx, store.Key{PK: pkA, SK: "A"})
				return err
			},
			charges{table(pkA): {Read: 1}}},
		{"get a missing item eventually consistent: half a read unit", nil,
			func(ctx context.Context, m *heatmeter.Store) error {
				m.GetEventually(ctx, store.Key{PK: pkA, SK: "A"})
				return nil
			},
			charges{table(pkA): {Read: 0.5}}},
		{"get a missing item: 1 read unit", nil,
			func(ctx context.Context, m *heatmeter.Store) error {
				m.Get(ctx, store.Key{PK: pkA, SK: "A"})
				return nil
			},
			charges{table(pkA): {Read: 1}}},
		{"get many: each item rounded up alone, a missing one 1", []store.Item{sized(pkA, 5000, ""), sized(pkB, 100, "")},
			func(ctx context.Context, m *heatmeter.Store) error {
				_, err := m.GetMany(ctx, []store.Key{{PK: pkA, SK: "A"}, {PK: pkB, SK: "A"}, {PK: pkB, SK: "B"}, {PK: pkA, SK: "A"}})
				return err
			},
			charges{table(pkA): {Read: 2}, table(pkB): {Read: 2}}},
		{"put a new 2000-byte item with an owner: 2 on the table, 2 on the index", nil,
			func(ctx context.Context, m *heatmeter.Store) error {
				return m.Put(ctx, sized(pkA, 2000, ownPK), store.NotExist)
			},
			charges{table(pkA): {Write: 2}, gsi2(ownPK): {Write: 2}}},
		{"overwrite 3000 bytes with 500 under another owner: the larger on the table, a put and a delete on the index", []store.Item{sized(pkA, 3000, ownPK)},
			func(ctx context.Context, m *heatmeter.Store) error {
				return m.Put(ctx, sized(pkA, 500, own2), store.IfVersion(1))
			},
			charges{table(pkA): {Write: 3}, gsi2(own2): {Write: 1}, gsi2(ownPK): {Write: 3}}},
		{"overwrite under the same owner: one index write of the new item", []store.Item{sized(pkA, 3000, ownPK)},
			func(ctx context.Context, m *heatmeter.Store) error {
				return m.Put(ctx, sized(pkA, 500, ownPK), store.None)
			},
			charges{table(pkA): {Write: 3}, gsi2(ownPK): {Write: 1}}},
		{"a put whose condition fails: the table write only", []store.Item{sized(pkA, 3000, ownPK)},
			func(ctx context.Context, m *heatmeter.Store) error {
				m.Put(ctx, sized(pkA, 500, own2), store.NotExist)
				return nil
			},
			charges{table(pkA): {Write: 3}}},
		{"delete 1500 bytes with an owner: 2 on the table and on the index", []store.Item{sized(pkA, 1500, ownPK)},
			func(ctx context.Context, m *heatmeter.Store) error {
				return m.Delete(ctx, store.Key{PK: pkA, SK: "A"}, store.Exists)
			},
			charges{table(pkA): {Write: 2}, gsi2(ownPK): {Write: 2}}},
		{"delete an absent item: 1", nil,
			func(ctx context.Context, m *heatmeter.Store) error {
				return m.Delete(ctx, store.Key{PK: pkA, SK: "A"}, store.None)
			},
			charges{table(pkA): {Write: 1}}},
		{"incr a counter: 1", nil,
			func(ctx context.Context, m *heatmeter.Store) error {
				_, err := m.Incr(ctx, store.Key{PK: "T#ws_1#CTR", SK: "code"}, 1)
				return err
			},
			charges{table("T#ws_1#CTR"): {Write: 1}}},
		{"a transaction: every op twice", []store.Item{sized(pkB, 100, ownPK), sized("T#ws_1", 1100, "")},
			func(ctx context.Context, m *heatmeter.Store) error {
				return m.Transact(ctx, []store.TxOp{
					store.TxPut(sized(pkA, 1500, own2), store.NotExist),       // 2×2 table, 2×2 index
					store.TxDelete(store.Key{PK: pkB, SK: "A"}, store.Exists), // 2×1 table, 2×1 index
					store.TxCheck(store.Key{PK: "T#ws_1", SK: "A"}, store.Exists),
					store.TxAdd(store.Key{PK: "T#ws_1#CTR", SK: "code"}, 1),
				})
			},
			charges{table(pkA): {Write: 4}, gsi2(own2): {Write: 4}, table(pkB): {Write: 2}, gsi2(ownPK): {Write: 2},
				table("T#ws_1"): {Write: 4}, table("T#ws_1#CTR"): {Write: 2}}},
		{"a cancelled transaction: its table writes, twice", []store.Item{sized(pkA, 100, "")},
			func(ctx context.Context, m *heatmeter.Store) error {
				m.Transact(ctx, []store.TxOp{
					store.TxPut(sized(pkA, 1500, own2), store.NotExist),
					store.TxPut(sized(pkB, 100, ownPK), store.NotExist),
				})
				return nil
			},
			charges{table(pkA): {Write: 4}, table(pkB): {Write: 2}}},
		{"query the table: two 3000-byte items, 2 units; the same on an index, 1", []store.Item{sized(pkA, 3000, ownPK), func() store.Item {
			it := sized(pkA, 3000, ownPK)
			it.SK, it.Index[1].SK = "B", "y"
			return it
		}()},
			func(ctx context.Context, m *heatmeter.Store) error {
				if _, err := m.Query(ctx, store.Query{PK: pkA}); err != nil {
					return err
				}
				_, err := m.Query(ctx, store.Query{Index: store.GSI2, PK: ownPK})
				return err
			},
			charges{table(pkA): {Read: 2}, gsi2(ownPK): {Read: 1}}},
		{"query an empty index partition: half a unit", nil,
			func(ctx context.Context, m *heatmeter.Store) error {
				_, err := m.Query(ctx, store.Query{Index: store.GSI2, PK: ownPK})
				return err
			},
			charges{gsi2(ownPK): {Read: 0.5}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			db := tendtest.Store(t, tendtest.NewClock(tendtest.DefaultTime))
			for _, it := range tc.given {
				if err := db.Put(ctx, it, store.None); err != nil {
					t.Fatal(err)
				}
			}
			m := heatmeter.New(db)
			if err := tc.run(ctx, m); err != nil {
				t.Fatal(err)
			}
			assertCharges(t, m.Charges(), tc.want)
		})
	}
}

func assertCharges(t *testing.T, got, want charges) {
	t.Helper()
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: %+v, want %+v", p, got[p], w)
		}
	}
	for p, g := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: charged %+v, want nothing", p, g)
		}
	}
}

// Each key knows which workspaces' items were written to it: an item's
// table key and every index key it is written to or moved from.
func TestWriters(t *testing.T) {
	ctx := context.Background()
	m := heatmeter.New(tendtest.Store(t, tendtest.NewClock(tendtest.DefaultTime)))
	for _, it := range []store.Item{sized("T#ws_1#C#cus_1", 100, "SHARED"), sized("T#ws_2#C#cus_2", 100, "SHARED"), sized("LEADSRC#src_1", 100, "")} {
		if err := m.Put(ctx, it, store.None); err != nil {
			t.Fatal(err)
		}
	}
	moved := sized("T#ws_3#C#cus_3", 100, "")
	moved.Index[1] = store.IndexKey{PK: "SHARED", SK: "y"}
	if err := m.Put(ctx, moved, store.None); err != nil {
		t.Fatal(err)
	}
	moved.Index[1] = store.IndexKey{PK: "OTHER", SK: "y"}
	moved.Version = 2
	if err := m.Put(ctx, moved, store.None); err != nil {
		t.Fatal(err)
	}
	got := m.Writers()
	want := map[heatmeter.Part]int{table("T#ws_1#C#cus_1"): 1, table("T#ws_2#C#cus_2"): 1, table("T#ws_3#C#cus_3"): 1,
		gsi2("SHARED"): 3, gsi2("OTHER"): 1}
	if len(got) != len(want) {
		t.Fatalf("Writers = %v, want %v", got, want)
	}
	for p, n := range want {
		if got[p] != n {
			t.Errorf("Writers[%s] = %d, want %d", p, got[p], n)
		}
	}
	m.Reset()
	if len(m.Writers()) != 0 {
		t.Error("Reset kept the writers")
	}
}
