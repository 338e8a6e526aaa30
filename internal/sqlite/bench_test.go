package sqlite_test

import (
	"fmt"
	"testing"

	"tend/internal/sqlite"
	"tend/internal/store"
)

// BenchmarkQueryIndex reads a 10,000-item index partition in pages of 200,
// the access pattern of a daily run over a shard. Reported per item.
func BenchmarkQueryIndex(b *testing.B) {
	db := MustOpen(b, newClock(), sqlite.Options{})
	doc := []byte(`{"id":"cus_x","name":"Khách hàng","phone":"+84900000000","email":"kh@example.vn","fields":{"customer_type":"Thường"},"tags":["a"],"pipelines":{},"revenue":0,"created_at":"2026-03-01T00:00:00Z"}`)
	const n = 10000
	for i := 0; i < n; i += 100 {
		var ops []store.TxOp
		for j := i; j < i+100; j++ {
			it := store.Item{Key: store.Key{PK: fmt.Sprintf("T#1#C#%05d", j), SK: "A"}, Type: "customer", Version: 1, Doc: doc}
			it.Index[0] = store.IndexKey{PK: "T#1#CS#00", SK: fmt.Sprintf("2026-03-01#%05d", j)}
			it.Index[1] = store.IndexKey{PK: "T#1#OWN#-", SK: fmt.Sprintf("2026-03-01#%05d", j)}
			ops = append(ops, store.TxPut(it, store.None))
		}
		if err := db.Transact(b.Context(), ops); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		q := store.Query{Index: store.GSI1, PK: "T#1#CS#00", Limit: 200}
		read := 0
		for {
			page, err := db.Query(b.Context(), q)
			if err != nil {
				b.Fatal(err)
			}
			read += len(page.Items)
			if page.Cursor == "" {
				break
			}
			q.Cursor = page.Cursor
		}
		if read != n {
			b.Fatalf("read %d", read)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
}

// benchDoc is a customer document of a typical size.
var benchDoc = []byte(`{"id":"cus_x","name":"Khách hàng","phone":"+84900000000","email":"kh@example.vn","fields":{"customer_type":"Thường"},"tags":["a"],"pipelines":{},"revenue":0,"created_at":"2026-03-01T00:00:00Z"}`)

func benchCustomer(i int) store.Item {
	it := store.Item{Key: store.Key{PK: fmt.Sprintf("T#1#C#%08d", i), SK: "A"}, Type: "customer", Version: 1, Doc: benchDoc}
	it.Index[0] = store.IndexKey{PK: "T#1#CS#00", SK: fmt.Sprintf("2026-03-01#%08d", i)}
	it.Index[1] = store.IndexKey{PK: "T#1#OWN#-", SK: fmt.Sprintf("2026-03-01#%08d", i)}
	return it
}

// BenchmarkPutNotExist: single conditional puts of new customers, each its
// own transaction, every write recorded in the feed.
func BenchmarkPutNotExist(b *testing.B) {
	db := MustOpen(b, newClock(), sqlite.Options{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := db.Put(b.Context(), benchCustomer(i), store.NotExist); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransact4: the transaction of a customer create: the customer,
// its history entry and a duplicate claim, all new, and a counter.
func BenchmarkTransact4(b *testing.B) {
	db := MustOpen(b, newClock(), sqlite.Options{})
	counter := store.Key{PK: "T#1", SK: "STEPCOUNT#s1"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		cust := benchCustomer(i)
		hist := store.Item{Key: store.Key{PK: cust.PK, SK: "H#2026-03-01T00:00:00Z"}, Type: "history", Version: 1, Doc: []byte(`{"action":"created"}`)}
		claim := store.Item{Key: store.Key{PK: "T#1", SK: fmt.Sprintf("UNQ#email#kh%d@example.vn", i)}, Type: "claim", Version: 1, Doc: []byte(`{"customer":"cus_x"}`)}
		err := db.Transact(b.Context(), []store.TxOp{
			store.TxPut(cust, store.NotExist),
			store.TxPut(hist, store.NotExist),
			store.TxPut(claim, store.NotExist),
			store.TxAdd(counter, 1),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGet reads customers at random among 10,000.
func BenchmarkGet(b *testing.B) {
	db := MustOpen(b, newClock(), sqlite.Options{})
	const n = 10000
	for i := 0; i < n; i += 100 {
		var ops []store.TxOp
		for j := i; j < i+100; j++ {
			ops = append(ops, store.TxPut(benchCustomer(j), store.None))
		}
		if err := db.Transact(b.Context(), ops); err != nil {
			b.Fatal(err)
		}
	}
	keys := make([]store.Key, n)
	for i := range keys {
		keys[i] = benchCustomer((i * 7919) % n).Key
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := db.Get(b.Context(), keys[i%n]); err != nil {
			b.Fatal(err)
		}
	}
}

// indexOps are the writes of a customer's 14 index items (version v, the
// owner in the document), a counter and a waiting item taken away: what
// a lead's create or assignment puts beside the customer itself.
func indexOps(c, v int) []store.TxOp {
	var ops []store.TxOp
	for i := range 14 {
		ops = append(ops, store.TxPut(store.Item{Key: store.Key{PK: fmt.Sprintf("T#1#C#%08d", c), SK: fmt.Sprintf("IX#T#w:word%02d", i)},
			Type: "customer_index", Version: int64(v),
			Index: [4]store.IndexKey{{PK: fmt.Sprintf("T#1#TOK#%02d", (c*7+i)%64), SK: fmt.Sprintf("w:word%02d#%08d", i, c)}},
			Doc:   fmt.Appendf(nil, `{"owner":"usr_%d","warehouse":"wh_1","words":["nguyen","van","an"]}`, v)}, store.None))
	}
	return append(ops, store.TxAdd(store.Key{PK: fmt.Sprintf("T#1#N#%02d", c%16), SK: "n"}, 1),
		store.TxDelete(store.Key{PK: fmt.Sprintf("T#1#WAIT#%02d", c%16), SK: fmt.Sprint(c)}, store.None))
}

// indexFeed is the feed as the local runner opens it: index items,
// counters and waiting items are left out, so their puts and adds take
// one statement, without reading the item first.
var indexFeed = sqlite.Options{FeedTypes: []string{"customer"}}

// BenchmarkIndexCreate: the index writes of new customers, one
// transaction each.
func BenchmarkIndexCreate(b *testing.B) {
	db := MustOpen(b, newClock(), indexFeed)
	b.ResetTimer()
	for i := range b.N {
		if err := db.Transact(b.Context(), indexOps(i, 1)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndexRewrite: the index writes of an assignment, over 3,000
// customers' items: the same keys, new documents.
func BenchmarkIndexRewrite(b *testing.B) {
	const n = 3000
	db := MustOpen(b, newClock(), indexFeed)
	for c := range n {
		if err := db.Transact(b.Context(), indexOps(c, 1)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if err := db.Transact(b.Context(), indexOps(i%n, i+2)); err != nil {
			b.Fatal(err)
		}
	}
}
