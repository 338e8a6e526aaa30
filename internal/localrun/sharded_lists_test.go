package localrun_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"testing"
	"time"
)

// listed is a customer as the test placed it.
type listed struct {
	id, owner, warehouse string
	created              time.Time
	sharedWith           string
}

// Lists read the shards of the owner, warehouse and "all" keys and merge
// them: over random customers (owners, unowned ones, warehouses, shares,
// creation times that often tie), every user's list, paged at random page
// sizes in both creation orders, is exactly the customers their scope
// holds, sorted by (created, id) in the test, each once.
func TestShardedListsPageLikeASort(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Phân Mảnh")
	staff1, staff2 := admin.user("Nhân viên Một", "staff"), admin.user("Nhân viên Hai", "staff")
	leader, keeper := admin.user("Trưởng nhóm", "team_leader"), admin.user("Quản lý kho", "warehouse_manager")
	admin.create("/v1/teams", map[string]any{"name": "Nhóm 1", "leader_id": leader.userID, "member_ids": []string{staff1.userID, staff2.userID}})
	wh1 := admin.create("/v1/warehouses", map[string]any{"name": "Kho 1", "manager_ids": []string{keeper.userID}})
	wh2 := admin.create("/v1/warehouses", map[string]any{"name": "Kho 2"})

	rng := rand.New(rand.NewPCG(12, 2026))
	owners := []string{"", "", staff1.userID, staff2.userID, leader.userID}
	warehouses := []string{"", wh1, wh1, wh2}
	base := time.Date(2026, 5, 4, 2, 0, 0, 0, time.UTC)
	var all []listed
	for i := range 90 {
		c := listed{owner: owners[rng.IntN(len(owners))], warehouse: warehouses[rng.IntN(len(warehouses))],
			created: base.Add(time.Duration(rng.IntN(30)) * time.Second)}
		s.setClock(c.created)
		c.id = admin.createCustomer(map[string]any{"name": fmt.Sprintf("Khách %02d", i), "owner_id": c.owner, "warehouse_id": c.warehouse}).ID
		if rng.IntN(6) == 0 {
			c.sharedWith = staff1.userID
			admin.do("PUT", "/v1/customers/"+c.id+"/shares", map[string]any{"user_ids": []string{c.sharedWith}}).ok(200)
		}
		all = append(all, c)
	}
	team := []string{leader.userID, staff1.userID, staff2.userID}
	for _, tc := range []struct {
		who   string
		c     *client
		sees  func(listed) bool
		least int
	}{
		{"admin", admin, func(listed) bool { return true }, 90},
		{"staff", staff1, func(c listed) bool { return c.owner == staff1.userID || c.sharedWith == staff1.userID }, 10},
		{"team leader", leader, func(c listed) bool { return slices.Contains(team, c.owner) }, 30},
		{"warehouse manager (unowned ones too)", keeper, func(c listed) bool { return c.warehouse == wh1 || c.owner == keeper.userID }, 20},
	} {
		for _, order := range []string{"-created_at", "created_at"} {
			var want []string
			for _, c := range sortedBy(all, order) {
				if tc.sees(c) {
					want = append(want, c.id)
				}
			}
			if len(want) < tc.least {
				t.Fatalf("%s sees %d customers: too few for the test to mean much", tc.who, len(want))
			}
			got := pageAll(t, tc.c, order, rng)
			if !slices.Equal(got, want) {
				t.Errorf("%s, %s: paged list differs (%d items, want %d):\n got %v\nwant %v", tc.who, order, len(got), len(want), got, want)
			}
		}
	}
}

// sortedBy sorts customers by creation, then id, as lists order them.
func sortedBy(cs []listed, order string) []listed {
	out := slices.Clone(cs)
	slices.SortFunc(out, func(a, b listed) int {
		return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.id, b.id))
	})
	if order == "-created_at" {
		slices.Reverse(out)
	}
	return out
}

// pageAll lists every page at random page sizes and returns the ids.
func pageAll(t *testing.T, c *client, order string, rng *rand.Rand) []string {
	t.Helper()
	var got []string
	cursor := ""
	for range 200 {
		q := fmt.Sprintf("?sort=%s&limit=%d", order, 1+rng.IntN(9))
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		p := c.list(q)
		got = append(got, ids(p.Items)...)
		if cursor = p.NextCursor; cursor == "" {
			return got
		}
	}
	t.Fatal("paging never ended")
	return nil
}
