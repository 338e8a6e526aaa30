package inbox_test

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkUnread measures /v1/me's unread count over SQLite: one index
// entry read per unread notification, up to inbox.UnreadCap.
func BenchmarkUnread(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			bx := newBox(b)
			for i := range n {
				if err := bx.write(b.Context(), i, bx.w.Clock.Now().Add(-time.Duration(i)*time.Second)); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				got, err := bx.svc.Unread(b.Context(), bx.caller.Tenant(), bx.caller.User.ID)
				if err != nil || got != n {
					b.Fatalf("unread %d (%v), want %d", got, err, n)
				}
			}
		})
	}
}
