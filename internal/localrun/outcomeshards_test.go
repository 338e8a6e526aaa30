package localrun_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"tend/internal/automation"
	"tend/internal/store"
)

// A daily run writes each customer's outcome in one of the rule log's
// shards, not in the rule's own partition (one partition would cap a run
// at a few hundred changes a second); the runs list finds them in every
// shard, and in the rule's own partition too, where outcomes written
// before the shards stay.
func TestDailyRunOutcomesAreSharded(t *testing.T) {
	s := start(t, false)
	admin, tenant := s.workspace("Cửa hàng")
	admin.create("/v1/fields", map[string]any{"key": "customer_type", "label": "Loại khách hàng", "type": "select", "options": []string{"Thường", "VIP"}})
	s.setClock(time.Date(2026, 7, 1, 6, 0, 0, 0, hcm))
	rule := admin.create("/v1/automations", map[string]any{
		"name": "Đánh dấu VIP hằng ngày", "trigger": map[string]any{"type": "daily", "at": "07:30"},
		"conditions": [][]map[string]any{{{"field": "name", "op": "starts_with", "value": "khach"}}},
		"actions":    []map[string]any{{"type": "set_field", "field": "customer_type", "value": "VIP"}},
	})
	const n = 60
	for i := range n {
		admin.createCustomer(map[string]any{"name": fmt.Sprintf("Khách %03d", i)})
	}
	s.setClock(time.Date(2026, 7, 1, 7, 30, 0, 0, hcm))
	s.anon().do("POST", "/dev/drain", nil).ok(200)

	ctx := context.Background()
	logPK := "T#" + tenant + "#RLOG#" + rule
	outcomes := func(pk string) []store.Item {
		items, err := store.QueryAll(ctx, s.app.DB, store.Query{PK: pk, SK: store.SKBeginsWith, A: "OUT#", Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	if own := outcomes(logPK); len(own) != 0 {
		t.Fatalf("%d outcomes in the rule's own partition, want none", len(own))
	}
	var sharded []store.Item
	used := 0
	for shard := range automation.OutcomeShards {
		items := outcomes(fmt.Sprintf("%s#O#%02d", logPK, shard))
		if len(items) > 0 {
			used++
		}
		sharded = append(sharded, items...)
	}
	if len(sharded) != n || used < 2 {
		t.Fatalf("%d outcomes over %d shards, want %d over several", len(sharded), used, n)
	}

	// An outcome stored before the shards, in the rule's own partition.
	moved := sharded[0]
	if err := s.app.DB.Delete(ctx, moved.Key, store.None); err != nil {
		t.Fatal(err)
	}
	moved.PK = logPK
	if err := s.app.DB.Put(ctx, moved, store.None); err != nil {
		t.Fatal(err)
	}
	var runs struct {
		Items []struct {
			Status   string
			Changed  int
			Outcomes []struct {
				CustomerID string `json:"customer_id"`
			}
		} `json:"items"`
	}
	admin.do("GET", "/v1/automations/"+rule+"/runs", nil).ok(200).into(&runs)
	if len(runs.Items) != 1 {
		t.Fatalf("%d runs, want 1", len(runs.Items))
	}
	r := runs.Items[0]
	ids := make([]string, 0, len(r.Outcomes))
	for _, o := range r.Outcomes {
		ids = append(ids, o.CustomerID)
	}
	if r.Status != "done" || r.Changed != n || len(ids) != n || !slices.IsSorted(ids) {
		t.Fatalf("run = status %s changed %d, %d outcomes sorted %v", r.Status, r.Changed, len(ids), slices.IsSorted(ids))
	}
	if !slices.ContainsFunc(ids, func(id string) bool { return strings.HasSuffix(moved.SK, "#"+id) }) {
		t.Fatalf("the outcome in the rule's own partition (%s) is not listed", moved.SK)
	}
}
