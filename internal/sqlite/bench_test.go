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
