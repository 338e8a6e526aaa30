package custindex_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"tend/internal/custindex"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/tendtest"
)

// sortWorld holds random customers, as the store has them after their
// writes.
type sortWorld struct {
	w         *tendtest.World
	customers map[string]*domain.Customer // live ones, by id
}

var system = domain.Actor{Kind: "system", ID: "test", Name: "Test"}

// newSortWorld makes n random customers: few distinct names, amounts and
// times, so that ties are common, some without a value, some deleted
// (and some of those restored), written at times that often repeat.
func newSortWorld(t *testing.T, rng *rand.Rand, n int) *sortWorld {
	t.Helper()
	ctx := t.Context()
	clock := tendtest.NewClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	sw := &sortWorld{w: tendtest.MustOpen(t, tendtest.Options{Name: "Sắp Xếp", Clock: clock}), customers: map[string]*domain.Customer{}}
	o := sw.w.Org()
	names := []string{"Nguyễn An", "nguyen an", "Nguyễn Anh", "Lê Bình", "Ánh", "An", "Đào", "Zoe", "Trần Thị Bé"}
	revenues := []int64{0, 0, -250_000, 100, 100, 9_000_000_000, -1, 1 << 62}
	when := func() *time.Time {
		if rng.IntN(3) == 0 {
			return nil
		}
		at := time.Date(2026, 2, 1+rng.IntN(4), 9, 0, 0, 0, time.UTC)
		return &at
	}
	for range n {
		if rng.IntN(2) == 0 {
			clock.Add(time.Duration(rng.IntN(3)) * time.Second)
		}
		in, err := customer.ParseInput(fmt.Appendf(nil, `{"name":%q}`, names[rng.IntN(len(names))]))
		if err != nil {
			t.Fatal(err)
		}
		c, err := sw.w.Customers.CreateCustomerAs(ctx, o, in, system, nil)
		if err != nil {
			t.Fatal(err)
		}
		rev, care, appt := revenues[rng.IntN(len(revenues))], when(), when()
		c, err = sw.w.Customers.Mutate(ctx, o, c.ID, system, "updated", func(_, after *domain.Customer) ([]store.TxOp, error) {
			after.Revenue, after.LastCareAt, after.NextAppointmentAt = rev, care, appt
			return nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sw.customers[c.ID] = c
		if rng.IntN(8) == 0 {
			if err := sw.w.Customers.DeleteCustomer(ctx, sw.w.Admin(), c.ID); err != nil {
				t.Fatal(err)
			}
			delete(sw.customers, c.ID)
			if rng.IntN(2) == 0 {
				if c, err = sw.w.Customers.RestoreCustomer(ctx, sw.w.Admin(), c.ID); err != nil {
					t.Fatal(err)
				}
				sw.customers[c.ID] = c
			}
		}
	}
	return sw
}

// value is a customer's value for a sort field, as the test orders it;
// false when it has none.
func value(c *domain.Customer, field string) (func(*domain.Customer) int, bool) {
	cmpTime := func(get func(*domain.Customer) *time.Time) (func(*domain.Customer) int, bool) {
		if get(c) == nil {
			return nil, false
		}
		return func(o *domain.Customer) int { return get(c).Compare(*get(o)) }, true
	}
	switch field {
	case "name":
		return func(o *domain.Customer) int { return strings.Compare(domain.Fold(c.Name), domain.Fold(o.Name)) }, c.Name != ""
	case "code":
		return func(o *domain.Customer) int { return strings.Compare(c.Code, o.Code) }, c.Code != ""
	case "revenue":
		return func(o *domain.Customer) int { return cmp.Compare(c.Revenue, o.Revenue) }, c.Revenue != 0
	case "last_care_at":
		return cmpTime(func(x *domain.Customer) *time.Time { return x.LastCareAt })
	case "next_appointment_at":
		return cmpTime(func(x *domain.Customer) *time.Time { return x.NextAppointmentAt })
	case "updated_at":
		return cmpTime(func(x *domain.Customer) *time.Time { return &x.UpdatedAt })
	}
	panic(field)
}

// want is the order the test expects: by value then id, those without a
// value last by id; descending the reverse of each part.
func (sw *sortWorld) want(field string, desc bool) []string {
	var valued, none []*domain.Customer
	for _, c := range sw.customers {
		if _, ok := value(c, field); ok {
			valued = append(valued, c)
		} else {
			none = append(none, c)
		}
	}
	slices.SortFunc(valued, func(a, b *domain.Customer) int {
		by, _ := value(a, field)
		return cmp.Or(by(b), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(none, func(a, b *domain.Customer) int { return strings.Compare(a.ID, b.ID) })
	if desc {
		slices.Reverse(valued)
		slices.Reverse(none)
	}
	var ids []string
	for _, c := range append(valued, none...) {
		ids = append(ids, c.ID)
	}
	return ids
}

// Sorted, paged with random page sizes, lists every live customer once,
// in the order a sort in the test gives, for every field both ways.
func TestSortedPagesMatchASort(t *testing.T) {
	for seed := range uint64(3) {
		rng := rand.New(rand.NewPCG(seed, 17))
		sw := newSortWorld(t, rng, 60+rng.IntN(60))
		for _, field := range custindex.SortFields {
			for _, desc := range []bool{false, true} {
				want := sw.want(field, desc)
				var got, sizes []string
				cursor := ""
				for page := 0; ; page++ {
					if page > len(want)+2 {
						t.Fatalf("seed %d %s desc=%v: no end after %d pages", seed, field, desc, page)
					}
					limit := 1 + rng.IntN(9)
					hits, err := custindex.Sorted(t.Context(), sw.w.DB, sw.w.AdminUser.TenantID, field, desc, cursor, limit)
					if err != nil {
						t.Fatal(err)
					}
					if len(hits.IDs) != min(limit, len(want)-len(got)) {
						t.Fatalf("seed %d %s desc=%v page %d: %d ids for limit %d with %d left", seed, field, desc, page, len(hits.IDs), limit, len(want)-len(got))
					}
					got = append(got, hits.IDs...)
					sizes = append(sizes, fmt.Sprint(limit))
					if hits.Cursor != "" && len(got) == len(want) {
						t.Fatalf("seed %d %s desc=%v page %d: a cursor with nothing left", seed, field, desc, page)
					}
					if cursor = hits.Cursor; cursor == "" {
						break
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("seed %d %s desc=%v pages of %s:\n got %q\nwant %q", seed, field, desc, strings.Join(sizes, ","), got, want)
				}
				// One page of exactly every customer has no cursor, even when
				// it ends with the last customer that has a value.
				whole, err := custindex.Sorted(t.Context(), sw.w.DB, sw.w.AdminUser.TenantID, field, desc, "", len(want))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(whole.IDs, want) || whole.Cursor != "" {
					t.Errorf("seed %d %s desc=%v one page of %d: %d ids, cursor %q", seed, field, desc, len(want), len(whole.IDs), whole.Cursor)
				}
			}
		}
	}
}
