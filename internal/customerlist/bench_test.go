package customerlist_test

import (
	"fmt"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/customerlist"
	"tend/internal/tendtest"
)

// BenchmarkListFiltered: one page of a text search and a filter over 2,000
// customers (an admin's list merges the 16 shards).
func BenchmarkListFiltered(b *testing.B) {
	w := tendtest.MustOpen(b, tendtest.Options{Name: "Bench", Clock: tendtest.NewClock(time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC))})
	c := w.Admin()
	for i := range 2000 {
		in, err := customer.ParseInput(fmt.Appendf(nil, `{"name":"Khách hàng số %d","phone":"09%08d","email":"kh%d@example.vn","tags":["bench"]}`, i, i, i))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Customers.CreateCustomer(b.Context(), c, in); err != nil {
			b.Fatal(err)
		}
	}
	lists := customerlist.New(w.DB, w.Clock, w.Customers)
	q := customerlist.ListQuery{Q: "khach hang so 1", Filter: `[[{"field":"tags","op":"has_any","value":["bench"]}]]`, Limit: 50}
	b.ResetTimer()
	for range b.N {
		page, err := lists.ListCustomers(b.Context(), c, q)
		if err != nil || len(page.Items) != 50 {
			b.Fatalf("page of %d, %v", len(page.Items), err)
		}
	}
}
