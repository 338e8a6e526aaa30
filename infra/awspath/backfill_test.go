package awspath_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"tend/internal/backfill"
	"tend/internal/customer"
	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/store"
	"tend/internal/workspace"
)

// The backfill on AWS (moto): a colleague whose birthday was saved before
// the birthday index, and the admin's notification stored before read
// state, as DynamoDB holds them; the scheduler function's first tick
// starts the backfill, the jobs function scans the table and fixes both,
// and the next tick tells the admin of the birthday, once; the old
// notification is read at its own time, so /v1/me counts the notice alone.
func TestBackfillOnTheAWSPath(t *testing.T) {
	ctx := t.Context()
	s := deploy(t, time.Date(2026, 12, 1, 9, 0, 0, 0, hanoi), nil)
	spa := openSpa(t, s)
	_, err := spa.svc.Workspaces.UpdateUser(ctx, spa.admin, spa.staff.ID, decode[workspace.UserInput](t, `{"birthday":"1990-12-20"}`))
	must(t, err)
	st, tenant := spa.svc.Store, spa.admin.Tenant()
	userKey := store.Key{PK: "T#" + tenant, SK: "USER#" + spa.staff.ID}
	it, err := st.Get(ctx, userKey)
	must(t, err)
	it.Index[1] = store.IndexKey{} // GSI2, the birthday index: as saved before it
	must(t, st.Put(ctx, it, store.IfVersion(it.Version)))
	oldAt := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	old := inbox.Item(tenant, inbox.Notification{ID: "old", UserID: spa.admin.User.ID, Kind: inbox.KindAssigned, Title: "Khách hàng mới", CustomerID: "cus_old", At: oldAt})
	old.Index = [4]store.IndexKey{} // as stored before read state
	must(t, st.Put(ctx, old, store.NotExist))

	// Chị Lan's customer, and its phone claim, with their index keys as
	// stored before they were sharded: her list misses it until the
	// backfill has run.
	in, err := customer.ParseInput([]byte(`{"name":"Khách Cũ","phone":"0912000001","owner_id":"` + spa.staff.ID + `"}`))
	must(t, err)
	cu, err := spa.svc.Customers.CreateCustomer(ctx, spa.admin, in)
	must(t, err)
	storeCustomerAsBefore(t, st, tenant, cu)
	staff := spa.caller(t, spa.staff.AuthSubject)
	listed := func() []string {
		p, err := spa.svc.Lists.ListCustomers(ctx, staff, customerlist.ListQuery{})
		must(t, err)
		var ids []string
		for _, c := range p.Items {
			ids = append(ids, c.ID)
		}
		return ids
	}
	if got := listed(); len(got) != 0 {
		t.Fatalf("Chị Lan lists %v before the backfill, want nothing: the old layout is not in her shards", got)
	}

	for range 2 {
		s.tick()
		s.settle()
	}
	if got := listed(); !slices.Equal(got, []string{cu.ID}) {
		t.Fatalf("Chị Lan lists %v after the backfill, want her customer %s", got, cu.ID)
	}
	rec, err := st.Get(ctx, store.Key{PK: "BACKFILL#" + backfill.RunID, SK: "RUN"})
	must(t, err)
	if !strings.Contains(string(rec.Doc), `"done":true`) {
		t.Fatalf("backfill run %s, want done", rec.Doc)
	}

	var all struct {
		Items []struct {
			Kind    string     `json:"kind"`
			Title   string     `json:"title"`
			ReadAt  *time.Time `json:"read_at"`
			Subject struct{ Type, ID string }
		} `json:"items"`
	}
	if status := s.apiCall("GET", "/v1/notifications", "", &all); status != 200 || len(all.Items) != 2 {
		t.Fatalf("admin's notifications: %d %+v, want the birthday notice and the old one", status, all.Items)
	}
	notice, former := all.Items[0], all.Items[1]
	if notice.Kind != "staff_birthday" || notice.Subject.ID != spa.staff.ID || notice.Title != "Tháng này có sinh nhật của Chị Lan (20/12)" || notice.ReadAt != nil {
		t.Fatalf("notice %+v, want Chị Lan's birthday this month, unread", notice)
	}
	if former.Kind != inbox.KindAssigned || former.ReadAt == nil || !former.ReadAt.Equal(oldAt) {
		t.Fatalf("old notification %+v, want read at its own time %v", former, oldAt)
	}
	var me struct {
		Unread int `json:"unread_notifications"`
	}
	if status := s.apiCall("GET", "/v1/me", "", &me); status != 200 || me.Unread != 1 {
		t.Fatalf("me: %d, unread %d, want 1", status, me.Unread)
	}
	s.tick()
	s.settle()
	if status := s.apiCall("GET", "/v1/me", "", &me); status != 200 || me.Unread != 1 {
		t.Fatalf("unread %d after another tick, want 1: told twice", me.Unread)
	}
}

// storeCustomerAsBefore rewrites a customer and its phone claim with their
// index keys as written before sharding: the same documents and versions.
func storeCustomerAsBefore(t *testing.T, st store.Store, tenant string, cu *domain.Customer) {
	ctx := t.Context()
	it, err := st.Get(ctx, store.Key{PK: customer.Partition(tenant, cu.ID), SK: "A"})
	must(t, err)
	it.Index[0].PK = fmt.Sprintf("T#%s#CS#%02d", tenant, customer.ShardOf(cu.ID))
	it.Index[1] = store.IndexKey{PK: "T#" + tenant + "#OWN#" + cu.OwnerID, SK: it.Index[0].SK}
	it.Index[2].PK = "T#" + tenant + "#WH#-"
	must(t, st.Put(ctx, it, store.IfVersion(it.Version)))
	claim, err := st.Get(ctx, store.Key{PK: "T#" + tenant + "#UNQ#phone#" + cu.Phone, SK: "UNQ"})
	if errors.Is(err, store.ErrNotFound) {
		return // the workspace checks no phone
	}
	must(t, err)
	claim.Index[0].PK = "T#" + tenant + "#UNQ#phone"
	must(t, st.Put(ctx, claim, store.IfVersion(claim.Version)))
}
