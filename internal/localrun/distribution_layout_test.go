package localrun_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"tend/internal/store"
)

// A deployed table holds distribution items in the layout before issue 12:
// every rule's counter in one partition, a rule's counts, waiting
// customers and assignments log in one partition each, and delayed
// distributions in one index partition. The rotation goes on from the old
// counter, the stats add the old counts, the list shows the old entries
// first, an old waiting customer counts only while it still has no owner,
// and the tick sends an old due distribution.
func TestDistributionReadsTheLayoutBefore(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
	// Two customers that arrived before the rule: one due in the old index
	// partition, one waiting in the old waiting partition.
	pre := f.leadsInOrder(0, 2)
	f.drain()
	rule := f.rotationRule(2*time.Minute, nil)
	var r struct {
		Tenant string `json:"tenant_id"`
	}
	f.admin.do("GET", "/v1/distribution-rules/"+rule, nil).ok(200).into(&r)
	tn, st := r.Tenant, f.s.app.Store
	put := func(it store.Item) {
		t.Helper()
		if err := st.Put(t.Context(), it, store.None); err != nil {
			t.Fatal(err)
		}
	}
	put(store.Item{Key: store.Key{PK: "T#" + tn + "#DCTR", SK: rule}, Type: "dist_counter", Version: 40, N: 40})
	old := map[string]int64{f.staff[0].userID: 14, f.staff[1].userID: 13, f.staff[2].userID: 13}
	for u, n := range old {
		put(store.Item{Key: store.Key{PK: "T#" + tn + "#DSTAT#" + rule, SK: u}, Type: "dist_stat", Version: 1, N: n})
	}
	oldLog := map[int64]string{39: f.staff[2].userID, 40: f.staff[0].userID}
	for n, u := range oldLog {
		doc, _ := json.Marshal(map[string]any{"n": n, "customer_id": fmt.Sprintf("cus_old%d", n), "user_id": u, "kind": "assign", "at": time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
		put(store.Item{Key: store.Key{PK: "T#" + tn + "#DLOG#" + rule, SK: fmt.Sprintf("%012d", n)}, Type: "dist_assignment", Version: 1, Doc: doc})
	}
	due := f.s.app.Clock.Now().Add(-time.Minute)
	version := f.admin.customer(pre[0]).Version
	msg, _ := json.Marshal(map[string]any{"kind": "assign", "tenant": tn, "rule": rule, "customer": pre[0],
		"episode": fmt.Sprintf("v%d", version), "arrival": "2026-04-01T02:00:00.000000000Z#09KH0000001#" + pre[0]})
	put(store.Item{Key: store.Key{PK: "T#" + tn + "#DDUE#" + rule, SK: pre[0] + "#v1"}, Type: "dist_due", Version: 1, Doc: msg,
		Index: [4]store.IndexKey{{PK: "DISTDUE", SK: store.SortTime(due) + "#" + tn + "#" + pre[0]}}})

	ids := f.leadsInOrder(2, 3)
	f.drain()
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	f.drain()
	// Waiting customers of the old layout: one given out since (the first
	// new lead), one still without an owner.
	for _, c := range []string{ids[0], pre[1]} {
		put(store.Item{Key: store.Key{PK: "T#" + tn + "#DWAIT#" + rule, SK: c}, Type: "dist_wait", Version: 1, Doc: []byte(`{}`)})
	}

	places := f.rotation(rule)
	if len(places) != 6 {
		t.Fatalf("%d assignments listed, want the 2 old ones and 4 new: %v", len(places), places)
	}
	given := map[string]bool{}
	for i, p := range places {
		if want := int64(39 + i); p.N != want {
			t.Fatalf("assignment %d is at place %d, want %d: %v", i, p.N, want, places)
		}
		if i < 2 {
			if p.UserID != oldLog[p.N] {
				t.Fatalf("old place %d lists %s, want %s", p.N, p.UserID, oldLog[p.N])
			}
			continue
		}
		if want := f.staff[(p.N-1)%3].userID; p.UserID != want {
			t.Fatalf("place %d went to %s, the rotation names %s", p.N, p.UserID, want)
		}
		given[p.CustomerID] = true
	}
	for _, c := range append([]string{pre[0]}, ids...) {
		if !given[c] || f.owner(c) == "" {
			t.Fatalf("customer %s was not given out (the old due one is %s)", c, pre[0])
		}
	}
	s := f.stats(rule)
	if s.Assigned != 44 || s.Waiting != 1 {
		t.Fatalf("stats: %d assigned, %d waiting; want 44 (40 old, 4 new) and 1", s.Assigned, s.Waiting)
	}
	for _, p := range places[2:] {
		old[p.UserID]++
	}
	for i, u := range f.staff {
		if s.Staff[i].Assigned != old[u.userID] {
			t.Fatalf("stats: %s has %d, want %d", u.userID, s.Staff[i].Assigned, old[u.userID])
		}
	}
}
