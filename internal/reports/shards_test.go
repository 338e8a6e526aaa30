package reports_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tend/internal/localrun"
	"tend/internal/reports"
	"tend/internal/store"
	"tend/internal/store/heatmeter"
)

// shardsWorld is the local runner over a metered store with a workspace,
// a staff member, a warehouse and a pipeline.
type shardsWorld struct {
	app                 *localrun.App
	meter               *heatmeter.Store
	anon, admin         api
	tenant, staff, wh   string
	pipeline, firstStep string
}

func newShardsWorld(t *testing.T) *shardsWorld {
	w := &shardsWorld{}
	app, err := localrun.Open(t.Context(), localrun.Config{DataDir: t.TempDir(), JWTSecret: []byte("test-secret-test-secret-test-secret"),
		WrapStore: func(st store.Store) store.Store { w.meter = heatmeter.New(st); return w.meter }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	app.Clock.Set(time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC), true)
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	w.app, w.anon = app, api{t: t, base: srv.URL}
	var ws struct {
		TenantID string `json:"tenant_id"`
		Token    string `json:"token"`
	}
	w.anon.do("POST", "/dev/workspaces", map[string]string{"name": "Phân mảnh"}, 201, &ws)
	w.tenant, w.admin = ws.TenantID, api{t: t, base: srv.URL, token: ws.Token}
	w.staff = w.admin.create("/v1/users", map[string]any{"name": "Nhân viên Hà", "email": "ha@example.vn", "role": "staff"})
	w.wh = w.admin.create("/v1/warehouses", map[string]any{"name": "Kho 1"})
	var pl struct {
		ID    string
		Steps []struct{ ID string }
	}
	w.admin.do("POST", "/v1/pipelines", map[string]any{"name": "Bán hàng", "steps": []map[string]string{{"name": "Mới"}, {"name": "Chốt"}}}, 201, &pl)
	w.pipeline, w.firstStep = pl.ID, pl.Steps[0].ID
	return w
}

func (w *shardsWorld) customers(n int) {
	for i := range n {
		w.admin.create("/v1/customers", map[string]any{"name": "Khách " + string(rune('A'+i%26)) + strings.Repeat("x", i/26),
			"warehouse_id": w.wh, "owner_id": w.staff, "source": "Zalo", "pipelines": map[string]string{w.pipeline: w.firstStep}})
	}
	w.anon.do("POST", "/dev/drain", nil, 200, nil)
}

func (w *shardsWorld) owners() reports.OwnerFigures {
	var o reports.Owners
	w.admin.do("GET", "/v1/reports/owners?from=2026-11-25&to=2026-11-25", nil, 200, &o)
	return o.Totals
}

// A busy workspace's counters are written a stream batch at a time and
// spread over shards: each batch's in the shard of its first change, so
// that over many batches no partition takes much more than its share; a
// report adds the shards up; and the changes read the generations from
// their copies, not all from one item.
func TestCountersSpreadOverShards(t *testing.T) {
	w := newShardsWorld(t)
	w.meter.Reset()
	const rounds, each = 16, 5
	for range rounds {
		w.customers(each)
	}
	const n = rounds * each
	if got := w.owners(); got.Owned != n || got.New != n {
		t.Fatalf("owners' totals %+v after %d customers given to one owner, want %d owned and new", got, n, n)
	}
	writes, total := w.dailyWrites()
	if len(writes) < rounds {
		t.Errorf("the daily counters of %d batches were written in %d partitions, want at least %d", rounds, len(writes), rounds)
	}
	for pk, u := range writes {
		if u > total/8 {
			t.Errorf("%s took %v of %v write units of the daily counters, over an eighth", pk, u, total)
		}
	}
	if got := w.meter.Charges()[heatmeter.Part{PK: "T#" + w.tenant + "#RPT"}].Read; got > 2 {
		t.Errorf("the changes of %d customers read the generations item %v units, want at most 2 (once per workspace, and the report)", n, got)
	}

	// One batch of many customers' changes writes each counter a few
	// times, not once per change: a customer's creation moves three daily
	// counters, 6 write units in a transaction of its own.
	w.meter.Reset()
	w.customers(n)
	if got := w.owners(); got.Owned != 2*n || got.New != 2*n {
		t.Fatalf("owners' totals %+v after %d more customers, want %d owned and new", got, n, 2*n)
	}
	if _, total := w.dailyWrites(); total > n*6/4 {
		t.Errorf("a batch of %d new customers cost the daily counters %v write units, want at most a quarter of one transaction each (%d)", n, total, n*6/4)
	}
}

// dailyWrites are the write units the meter charged each partition of the
// daily counters, and their total.
func (w *shardsWorld) dailyWrites() (map[string]float64, float64) {
	writes := map[string]float64{}
	total := 0.0
	for p, u := range w.meter.Charges() {
		if strings.HasPrefix(p.PK, "T#"+w.tenant+"#RPT#0#DS#") && u.Write > 0 {
			writes[p.PK] += u.Write
			total += u.Write
		}
	}
	return writes, total
}

// Counters written in the older layout (a partition per day, one per
// gauge, no shard) are still counted, and a generations item written
// before the copies is still what changes follow.
func TestCountersOfTheOlderLayoutStillCount(t *testing.T) {
	w := newShardsWorld(t)
	ctx := t.Context()
	// An older rebuild made generation 3 current, and wrote no copies.
	if err := w.meter.Put(ctx, store.Item{Key: store.Key{PK: "T#" + w.tenant + "#RPT", SK: "GEN"}, Type: "report_generations", Version: 1,
		Doc: []byte(`{"current":3,"building":0,"last":3,"seen_until":"0001-01-01T00:00:00Z"}`)}, store.NotExist); err != nil {
		t.Fatal(err)
	}
	cell := func(metric string) string { return metric + "#" + w.staff + "#" + w.wh + "#Zalo###" }
	for _, it := range []store.Item{
		{Key: store.Key{PK: "T#" + w.tenant + "#RPT#3#D#2026-11-25", SK: cell("new")}, Type: "", N: 5},
		{Key: store.Key{PK: "T#" + w.tenant + "#RPT#3#G#own", SK: "own#" + w.staff + "#" + w.wh + "####"}, N: 4},
	} {
		if err := w.meter.Put(ctx, it, store.None); err != nil {
			t.Fatal(err)
		}
	}
	if got := w.owners(); got.Owned != 4 || got.New != 5 {
		t.Fatalf("owners' totals %+v from the older layout, want 4 owned and 5 new", got)
	}
	w.customers(2)
	if got := w.owners(); got.Owned != 6 || got.New != 7 {
		t.Fatalf("owners' totals %+v after two more customers, want 6 owned and 7 new (older layout and shards, in generation 3)", got)
	}
}
