package localrun_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	customerpkg "tend/internal/customer"
	"tend/internal/store"
)

// ordersShard is the rebuild's job over the orders: after the customer
// shards and the trash.
const ordersShard = customerpkg.Shards + 1

// snapshotReports is every report of the period as the admin reads it.
func (w *reportsWorld) snapshotReports(period string) string {
	var b strings.Builder
	for _, path := range []string{"/v1/reports/owners" + period, "/v1/reports/funnel" + period + "&pipeline_id=" + w.pipeline,
		"/v1/reports/funnel" + period + "&pipeline_id=" + w.p2, "/v1/reports/sources" + period, "/v1/reports/distribution" + period} {
		b.Write(w.admin.do("GET", path, nil).ok(200).Body)
	}
	return b.String()
}

// damageCounters loses every other counter of the store and adds 7 to the
// rest, as a bug or a lost write would.
func damageCounters(t *testing.T, st store.Store) {
	t.Helper()
	var counters []store.Item
	cursor := ""
	for {
		page, err := st.Scan(t.Context(), store.Scan{Segment: 0, Segments: 1, Limit: 1000, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			if strings.Contains(it.PK, "#RPT#") {
				counters = append(counters, it)
			}
		}
		if cursor = page.Cursor; cursor == "" {
			break
		}
	}
	if len(counters) < 10 {
		t.Fatalf("found %d counters to damage", len(counters))
	}
	for i, it := range counters {
		var err error
		if i%2 == 0 {
			err = st.Delete(t.Context(), it.Key, store.None)
		} else {
			it.N += 7
			err = st.Put(t.Context(), it, store.None)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

type rebuildStatus struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Generation int64  `json:"generation"`
	Counted    int    `json:"counted"`
}

// Counters lost or wrong come back from a rebuild, equal to the test's
// tally again, changes made while it runs included: on customers it has
// counted already, on customers it has not reached yet, and on a customer
// created meanwhile. Readers see the old counters until it is done.
func TestReportsRebuild(t *testing.T) {
	s := start(t, false)
	w := newReportsWorld(t, s)
	from, to := w.days[0], w.days[2]
	period := "?from=" + from + "&to=" + to
	before := w.snapshotReports(period)
	damageCounters(t, s.app.Store)
	damaged := w.snapshotReports(period)
	if damaged == before {
		t.Fatal("the damage changed no figure")
	}

	if p := w.staff[0].do("POST", "/v1/reports/rebuild", nil).problem(403); p.Code != "admin_only" {
		t.Fatalf("a staff member's rebuild: %+v, want 403 admin_only", p)
	}
	var rb rebuildStatus
	w.admin.do("POST", "/v1/reports/rebuild", nil).ok(202).into(&rb)
	if rb.Status != "running" || rb.Generation != 1 {
		t.Fatalf("rebuild started as %+v, want running, generation 1", rb)
	}
	var again rebuildStatus
	w.admin.do("POST", "/v1/reports/rebuild", nil).ok(202).into(&again)
	if again.ID != rb.ID {
		t.Fatalf("a second start while one runs started %s, want the running %s", again.ID, rb.ID)
	}
	// Half the shards and the orders are counted, then the workspace
	// moves on.
	var ws struct {
		ID string `json:"id"`
	}
	w.admin.do("GET", "/v1/settings/workspace", nil).ok(200).into(&ws)
	counted := func(shard int) bool { return shard < 9 || shard == ordersShard }
	for shard := range ordersShard + 1 {
		if !counted(shard) {
			continue
		}
		job, _ := json.Marshal(map[string]any{"kind": "report_rebuild", "tenant": ws.ID, "run": rb.ID, "shard": shard})
		if err := s.app.Reports.HandleJob(t.Context(), job); err != nil {
			t.Fatal(err)
		}
	}
	if got := w.snapshotReports(period); got != damaged {
		t.Fatal("the figures moved before the rebuild was done")
	}
	for _, id := range w.leads {
		if w.known[id].live {
			w.care(w.admin, id, "notes")
		}
	}
	// New customers until one is in a shard already counted: the
	// rebuild won't meet it, its creation must bring it in.
	var fresh string
	for i := 0; fresh == "" || !counted(customerpkg.ShardOf(fresh)); i++ {
		fresh = w.create(w.admin, map[string]any{"name": fmt.Sprintf("Khách mới giữa chừng %d", i), "warehouse_id": w.w2,
			"owner_id": w.staff[2].userID, "source": "Cửa hàng", "pipelines": map[string]string{w.p2: w.p2Steps[0]}})
	}
	w.moveTo(w.admin, fresh, w.p2, w.p2Steps[2])
	w.order(fresh, 450_000, "completed")
	w.drain()

	var done rebuildStatus
	w.admin.do("GET", "/v1/reports/rebuild/"+rb.ID, nil).ok(200).into(&done)
	if done.Status != "done" || done.Generation != 1 || done.Counted < 13 {
		t.Fatalf("rebuild = %+v, want done, generation 1, at least the 10 customers and 3 orders counted", done)
	}
	w.staff[0].do("GET", "/v1/reports/rebuild/"+rb.ID, nil).problem(403)
	p := w.admin.with("Accept-Language", "en").do("GET", "/v1/reports/rebuild/rbld_nope", nil).problem(404)
	if p.Detail != "No such report rebuild." {
		t.Errorf("unknown rebuild: %q", p.Detail)
	}
	for _, c := range []*client{w.admin, w.staff[0], w.leader, w.manager} {
		w.checkOwners(t, c, period, w.wantOwners(from, to, w.seesOf(c)))
		w.checkFunnel(t, c, w.pipeline, w.p1Steps, from, to)
		w.checkFunnel(t, c, w.p2, w.p2Steps, from, to)
		w.checkSources(t, c, "", w.pipeline, w.p1Steps[1], from, to)
		w.checkDistribution(t, c, from, to)
	}
	// Later changes land in the rebuilt generation.
	w.care(w.staff[2], fresh, "calls")
	w.drain()
	w.checkOwners(t, w.admin, period, w.wantOwners(from, to, all))

}
