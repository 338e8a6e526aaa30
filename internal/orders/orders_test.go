package orders_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/orders"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// shop is a workspace with a customer, an admin and a staff member who
// does not own it, over a real store.
type shop struct {
	t     *testing.T
	w     *tendtest.World
	svc   *orders.Service
	cu    *domain.Customer
	staff *workspace.Caller
}

func newShop(t *testing.T) *shop {
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Orders"})
	staff := w.User("Nhân viên", domain.RoleStaff)
	in, err := customer.ParseInput([]byte(`{"name":"Chị Hoa"}`))
	if err != nil {
		t.Fatal(err)
	}
	cu, err := w.Customers.CreateCustomer(t.Context(), w.Admin(), in)
	if err != nil {
		t.Fatal(err)
	}
	return &shop{t: t, w: w, cu: cu, staff: w.SignIn(staff),
		svc: orders.New(w.DB, w.Clock, nil, w.Workspaces, w.Customers)}
}

func ptr[T any](v T) *T { return &v }

func codes(err error) []string {
	var de *domain.Error
	if !errors.As(err, &de) {
		return nil
	}
	var out []string
	for _, f := range de.Fields {
		out = append(out, f.Path+":"+f.Code)
	}
	return out
}

// A new order gets a code and its amount from its lines; bad input is
// refused with every bad element at its path.
func TestSave(t *testing.T) {
	sh := newShop(t)
	lines := []orders.Line{{Product: "Kem dưỡng", Quantity: 2, Price: 150_000}, {Product: "Sữa rửa mặt", Quantity: 1, Price: 99_500}}
	o, err := sh.svc.Save(t.Context(), sh.w.Admin(), "", orders.Input{CustomerID: &sh.cu.ID, Items: &lines})
	if err != nil {
		t.Fatal(err)
	}
	if o.Code != "DH000001" || o.Amount != 399_500 || o.Status != orders.StatusNew || o.Version != 1 {
		t.Fatalf("order %+v", o)
	}
	tests := []struct {
		name string
		in   orders.Input
		want []string
	}{
		{"no customer", orders.Input{}, []string{"customer_id:required"}},
		{"someone else's customer", orders.Input{CustomerID: ptr("cus_nobody")}, []string{"customer_id:unknown_customer"}},
		{"bad lines", orders.Input{CustomerID: &sh.cu.ID, Items: &[]orders.Line{{Quantity: 0, Price: -1}}},
			[]string{"items[0].product:required", "items[0].quantity:out_of_range", "items[0].price:out_of_range"}},
		{"bad status and code", orders.Input{CustomerID: &sh.cu.ID, Status: ptr(orders.Status("paid")), Code: ptr("DH\n1")},
			[]string{"code:single_line", "status:invalid_status"}},
		{"unknown performer", orders.Input{CustomerID: &sh.cu.ID, PerformerID: ptr("usr_x")}, []string{"performer_id:unknown_user"}},
	}
	for _, tc := range tests {
		_, err := sh.svc.Save(t.Context(), sh.w.Admin(), "", tc.in)
		if got := codes(err); !slices.Equal(got, tc.want) {
			t.Errorf("%s: refused %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := sh.svc.Save(t.Context(), sh.w.Admin(), o.ID, orders.Input{Status: ptr(orders.StatusCompleted), Version: ptr(int64(9))}); domain.CodeOf(err) != "version_conflict" {
		t.Fatalf("a stale version: %v", err)
	}
}

// Completed orders make the customer's revenue and last order time, kept
// from the change stream, however often a change is handled; a staff
// member who can't see the customer can't see or change its orders.
func TestRevenueAndAccess(t *testing.T) {
	sh := newShop(t)
	ctx, admin := t.Context(), sh.w.Admin()
	at := time.Date(2026, 5, 10, 3, 0, 0, 0, time.UTC)
	var saved []*orders.Order
	for _, tc := range []struct {
		amount int64
		status orders.Status
		at     time.Time
	}{{3_000_000, orders.StatusCompleted, at}, {500_000, orders.StatusCompleted, at.Add(time.Hour)}, {9_000_000, orders.StatusCancelled, at.Add(2 * time.Hour)}} {
		o, err := sh.svc.Save(ctx, admin, "", orders.Input{CustomerID: &sh.cu.ID, Amount: ptr(tc.amount), Status: ptr(tc.status), OrderedAt: ptr(tc.at)})
		if err != nil {
			t.Fatal(err)
		}
		saved = append(saved, o)
	}
	for range 2 { // a change handled twice changes nothing more
		if err := sh.svc.Recompute(ctx, admin.Tenant(), sh.cu.ID); err != nil {
			t.Fatal(err)
		}
	}
	cu, err := sh.w.Customers.GetCustomer(ctx, admin, sh.cu.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cu.Revenue != 3_500_000 || cu.LastOrderAt == nil || !cu.LastOrderAt.Equal(at.Add(time.Hour)) {
		t.Fatalf("revenue %d, last order %v", cu.Revenue, cu.LastOrderAt)
	}
	if _, err := sh.svc.Get(ctx, sh.staff, saved[0].ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("staff reads another's order: %v", err)
	}
	if err := sh.svc.Delete(ctx, sh.staff, saved[0].ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("staff deletes another's order: %v", err)
	}
	page, err := sh.svc.List(ctx, sh.staff, "", 50, "")
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("staff's list: %+v, %v", page, err)
	}
	if err := sh.svc.Delete(ctx, admin, saved[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := sh.svc.Recompute(ctx, admin.Tenant(), sh.cu.ID); err != nil {
		t.Fatal(err)
	}
	if cu, _ := sh.w.Customers.GetCustomer(ctx, admin, sh.cu.ID); cu.Revenue != 500_000 {
		t.Fatalf("revenue after a delete: %d", cu.Revenue)
	}
}
