package customer_test

import (
	"fmt"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

func benchService(b *testing.B) (*customer.Service, *workspace.Caller) {
	w := tendtest.MustOpen(b, tendtest.Options{Name: "Bench", Clock: tendtest.NewClock(time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC))})
	return w.Customers, w.Admin()
}

func newInput(b *testing.B, i int) *customer.Input {
	in, err := customer.ParseInput(fmt.Appendf(nil, `{"name":"Khách hàng số %d","phone":"09%08d","email":"kh%d@example.vn","tags":["bench"]}`, i, i, i))
	if err != nil {
		b.Fatal(err)
	}
	return in
}

// BenchmarkCreateCustomer: a create with its code, history and duplicate
// claims (email, phone) in one SQLite transaction.
func BenchmarkCreateCustomer(b *testing.B) {
	svc, c := benchService(b)
	b.ResetTimer()
	for i := range b.N {
		if _, err := svc.CreateCustomer(b.Context(), c, newInput(b, i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListFiltered: one page of a text search and a filter over 2,000
// customers (an admin's list merges the 16 shards).
func BenchmarkListFiltered(b *testing.B) {
	svc, c := benchService(b)
	for i := range 2000 {
		if _, err := svc.CreateCustomer(b.Context(), c, newInput(b, i)); err != nil {
			b.Fatal(err)
		}
	}
	q := customer.ListQuery{Q: "khach hang so 1", Filter: `[[{"field":"tags","op":"has_any","value":["bench"]}]]`, Limit: 50}
	b.ResetTimer()
	for range b.N {
		page, err := svc.ListCustomers(b.Context(), c, q)
		if err != nil || len(page.Items) != 50 {
			b.Fatalf("page of %d, %v", len(page.Items), err)
		}
	}
}
