package backfill_test

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Customers and their phone claims stored before the list and claim keys
// were sharded (each owner's, each warehouse's and each criterion's in
// one partition): before the backfill the owner's and the warehouse
// manager's lists miss them; after it every list shows them, pages in
// creation order, and turning the criterion off releases every claim.
// Workspace claims (a user's e-mail) are left as they are.
func TestBackfillShardsCustomerIndexKeys(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	w := f.w
	an := w.User("Chị An", domain.RoleStaff)
	manager := w.User("Anh Kho", domain.RoleWarehouseManager)
	name, managers := "Kho Hà Nội", []string{manager.ID}
	wh, err := w.Workspaces.SaveWarehouse(ctx, w.Admin(), "", workspace.WarehouseInput{Name: &name, ManagerIDs: &managers})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Customers.UpdateDuplicateSettings(ctx, w.Admin(), []string{workspace.CriterionPhone}, nil); err != nil {
		t.Fatal(err)
	}
	var all, ofAn, ofWarehouse []string // newest first, as lists order
	var phones []string
	for i := range 24 {
		f.clock.Set(epoch.Add(time.Duration(i) * time.Minute))
		owner, warehouse := "", ""
		if i%2 == 0 {
			owner = an.ID
		}
		if i%3 != 0 {
			warehouse = wh.ID
		}
		phone := fmt.Sprintf("+849120000%02d", i)
		in, err := customer.ParseInput(fmt.Appendf(nil, `{"name":"Khách %02d","phone":%q,"owner_id":%q,"warehouse_id":%q}`, i, phone, owner, warehouse))
		if err != nil {
			t.Fatal(err)
		}
		cu, err := w.Customers.CreateCustomer(ctx, w.Admin(), in)
		if err != nil {
			t.Fatal(err)
		}
		all = append([]string{cu.ID}, all...)
		if owner != "" {
			ofAn = append([]string{cu.ID}, ofAn...)
		}
		if warehouse != "" {
			ofWarehouse = append([]string{cu.ID}, ofWarehouse...)
		}
		phones = append(phones, phone)
		f.storeCustomerAsBefore(cu)
	}
	lists := customerlist.New(w.DB, w.Clock, w.Customers)
	list := func(u *domain.User) []string {
		t.Helper()
		var got []string
		cursor := ""
		for range 30 {
			p, err := lists.ListCustomers(ctx, w.SignIn(u), customerlist.ListQuery{Limit: 5, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Items {
				got = append(got, c.ID)
			}
			if cursor = p.NextCursor; cursor == "" {
				return got
			}
		}
		t.Fatal("paging never ended")
		return nil
	}
	if got := list(an); len(got) != 0 {
		t.Fatalf("An's list before the backfill %v: the old layout should not be in her shards", got)
	}
	if got := list(manager); len(got) != 0 {
		t.Fatalf("the warehouse manager's list before the backfill %v: the old layout should not be in its shards", got)
	}

	emailClaim := store.Key{PK: "T#" + f.tenant, SK: "UEMAIL#" + an.Email}
	emailBefore := f.item(emailClaim)
	if failed := f.run(); len(failed) > 0 {
		t.Fatal(failed)
	}
	if after := f.item(emailClaim); after.Index != emailBefore.Index || after.Version != emailBefore.Version {
		t.Errorf("An's e-mail claim (a workspace claim) rewritten: %+v, was %+v", after, emailBefore)
	}
	for _, tc := range []struct {
		who  string
		user *domain.User
		want []string
	}{{"admin", w.AdminUser, all}, {"An", an, ofAn}, {"warehouse manager", manager, ofWarehouse}} {
		if got := list(tc.user); !slices.Equal(got, tc.want) {
			t.Errorf("%s's list after the backfill:\n got %v\nwant %v", tc.who, got, tc.want)
		}
	}
	if _, err := w.Customers.UpdateDuplicateSettings(ctx, w.Admin(), nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, phone := range phones {
		k := store.Key{PK: "T#" + f.tenant + "#UNQ#phone#" + phone, SK: "UNQ"}
		if _, err := w.DB.Get(ctx, k); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("claim of %s after the criterion was turned off: %v, want it released", phone, err)
		}
	}
}

// storeCustomerAsBefore rewrites a customer and its phone claim with their
// index keys as written before sharding: the same documents and versions.
func (f *fixture) storeCustomerAsBefore(cu *domain.Customer) {
	f.t.Helper()
	ctx := f.t.Context()
	it := f.item(store.Key{PK: customer.Partition(f.tenant, cu.ID), SK: "A"})
	owner, warehouse := cmp.Or(cu.OwnerID, "-"), cmp.Or(cu.WarehouseID, "-")
	it.Index[0].PK = fmt.Sprintf("T#%s#CS#%02d", f.tenant, customer.ShardOf(cu.ID))
	it.Index[1] = store.IndexKey{PK: "T#" + f.tenant + "#OWN#" + owner, SK: it.Index[0].SK}
	it.Index[2].PK = "T#" + f.tenant + "#WH#" + warehouse
	if err := f.w.DB.Put(ctx, it, store.IfVersion(it.Version)); err != nil {
		f.t.Fatal(err)
	}
	claim := f.item(store.Key{PK: "T#" + f.tenant + "#UNQ#phone#" + cu.Phone, SK: "UNQ"})
	claim.Index[0].PK = "T#" + f.tenant + "#UNQ#phone"
	if err := f.w.DB.Put(ctx, claim, store.IfVersion(claim.Version)); err != nil {
		f.t.Fatal(err)
	}
}
