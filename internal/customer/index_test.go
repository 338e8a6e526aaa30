package customer_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"tend/internal/custindex"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/tendtest"
)

// Every write path leaves a customer's partition holding exactly the index
// items of the customer as it now is (what writing it afresh would put):
// no token left behind by a rename, none at all in the trash.
func TestEveryWriteLeavesExactlyTheCustomersIndexItems(t *testing.T) {
	ctx := t.Context()
	clock := tendtest.NewClock(time.Date(2026, 4, 2, 3, 0, 0, 0, time.UTC))
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Chỉ Mục", Clock: clock})
	staff := w.User("Nhân viên Chi", domain.RoleStaff)
	pl := w.Pipeline("Bán hàng", "Mới", "Tư vấn")
	admin, o := w.Admin(), w.Org()
	system := domain.Actor{Kind: "system", ID: "rule", Name: "Rule"}
	input := func(js string) *customer.Input {
		t.Helper()
		in, err := customer.ParseInput([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	c, err := w.Customers.CreateCustomer(ctx, admin, input(`{"name":"Nguyễn Văn An","phone":"0912345678","email":"an@example.vn"}`))
	if err != nil {
		t.Fatal(err)
	}
	id := c.ID
	steps := []struct {
		name  string
		write func() error
	}{
		{"created", func() error { return nil }},
		{"renamed, phone and e-mail changed", func() error {
			_, err := w.Customers.UpdateCustomer(ctx, admin, id, input(`{"name":"Trần Bình","phone":"0168 123 4567","email":""}`))
			return err
		}},
		{"assigned", func() error {
			_, err := w.Customers.UpdateCustomer(ctx, admin, id, input(fmt.Sprintf(`{"owner_id":%q}`, staff.ID)))
			return err
		}},
		{"moved to a step (cared for)", func() error {
			_, err := w.Customers.SetStep(ctx, admin, id, customer.StepInput{PipelineID: pl.ID, StepID: pl.Steps[1].ID})
			return err
		}},
		{"pinned", func() error {
			days := 3
			_, err := w.Customers.Pin(ctx, admin, id, customer.PinInput{Days: &days})
			return err
		}},
		{"shared", func() error {
			_, err := w.Customers.SetShares(ctx, admin, id, []string{staff.ID})
			return err
		}},
		{"revenue and appointment set by a system actor", func() error {
			_, err := w.Customers.Mutate(ctx, o, id, system, "updated", func(_, after *domain.Customer) ([]store.TxOp, error) {
				at := clock.Now().Add(48 * time.Hour)
				after.Revenue, after.NextAppointmentAt = -1_500_000, &at
				return nil, nil
			})
			return err
		}},
		{"renamed by a rule", func() error {
			_, err := w.Customers.EditAs(ctx, o, id, nil, []customer.Edit{{Actor: system, Action: "rule", Apply: func(c *domain.Customer) error {
				return customer.SetField(o, c, "name", json.RawMessage(`"Lê Thị Cúc"`), clock.Now())
			}}}, nil)
			return err
		}},
		{"deleted", func() error { return w.Customers.DeleteCustomer(ctx, admin, id) }},
		{"restored", func() error {
			_, err := w.Customers.RestoreCustomer(ctx, admin, id)
			return err
		}},
	}
	for _, step := range steps {
		clock.Add(time.Minute)
		if err := step.write(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		now, err := w.Customers.GetCustomer(ctx, admin, id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := store.QueryAll(ctx, w.DB, store.Query{PK: customer.Partition(w.AdminUser.TenantID, id), SK: store.SKBeginsWith, A: custindex.SKPrefix})
		if err != nil {
			t.Fatal(err)
		}
		want := map[store.Key]store.Item{}
		for _, op := range custindex.Ops(w.AdminUser.TenantID, id, nil, custindex.Entries(now)) {
			want[op.Key] = op.Item
		}
		if now.DeletedAt != nil && len(want) != 0 {
			t.Fatalf("%s: a deleted customer has entries", step.name)
		}
		for _, it := range got {
			w, ok := want[it.Key]
			switch {
			case !ok:
				t.Errorf("%s: stale index item %s", step.name, it.SK)
			case it.Index != w.Index || !bytes.Equal(it.Doc, w.Doc):
				t.Errorf("%s: index item %s is %v %s, want %v %s", step.name, it.SK, it.Index[0], it.Doc, w.Index[0], w.Doc)
			}
			delete(want, it.Key)
		}
		for k := range want {
			t.Errorf("%s: index item %s missing", step.name, k.SK)
		}
	}
}
