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
