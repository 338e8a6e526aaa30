package capacity_test

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"tend/internal/capacity"
	"tend/internal/store"
	"tend/internal/store/heatmeter"
)

// The estimate's steps, worked by hand: 1,600 customers over 16 shards
// are 100 a shard; at 0.3 RCU each a shard reads 30 RCU, 0.01 s at 3,000
// a second; at 5 ms of a core each, half a core computes a shard in 1 s.
func TestDailyRunEstimate(t *testing.T) {
	in := capacity.DailyRunInputs{Customers: 1600, Rules: 20, Shards: 16, Concurrency: 8, ReadPerCustomer: 0.3,
		CoreTimePerCustomer: 5 * time.Millisecond, LambdaCPU: 0.5, PartitionRCU: 3000, GoalMinutes: 1.0 / 60}
	e := in.Estimate()
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if e.PerShard != 100 || e.Waves != 2 {
		t.Errorf("per shard %d, waves %d; want 100, 2", e.PerShard, e.Waves)
	}
	near("read units", e.ReadUnits, 480)
	near("reads per shard", e.ReadSeconds, 0.01)
	near("compute per shard", e.CPUSeconds, 1)
	near("Lambda time", e.LambdaSeconds, 16)
	near("wall minutes", e.WallMinutes, 2*1.01/60)
	if e.Meets() {
		t.Error("2.02 s meets a goal of 1 s")
	}
	// 16 shards at once take 1.01 s; 32 take 0.505 s.
	if e.ShardsForGoal != 32 {
		t.Errorf("shards for the goal = %d, want 32", e.ShardsForGoal)
	}
	var out bytes.Buffer
	if err := e.Print(&out); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"customers per shard = 1600 / 16 = 100\n",
		"read units          = 1600 x 0.3000 = 480 RCU\n",
		"wall time           = 2 wave(s) x (0.0 + 1.0) s = 0.0 minutes\n",
		"ceiling daily_run_10m_minutes 0.0 minutes\n",
		"# daily_run_10m does not meet its goal of at most 0.016666666666666666 minutes; 32 shards (customer.Shards), 32 jobs at once, would\n",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("estimate lacks %q:\n%s", line, out.String())
		}
	}
	in.GoalMinutes = 5
	if e := in.Estimate(); !e.Meets() || e.ShardsForGoal != 16 {
		t.Errorf("5 minutes: meets %v with %d shards, want true with 16", e.Meets(), e.ShardsForGoal)
	}
}

// A key is shared by all tenants when every workspace wrote to it and no
// workspace is in its pattern; a sharded key each tenant writes only some
// of, or a workspace's own key, is not.
func TestSharedByAll(t *testing.T) {
	writers := map[heatmeter.Part]int{
		{Index: store.GSI1, PK: "APPT#REMIND"}:     3,
		{Index: store.GSI1, PK: "APPT#REMIND#007"}: 2,
		{Index: store.GSI1, PK: "DISTDUE"}:         3,
		{Index: store.GSI1, PK: "DISTDUE#01"}:      3,
		{Index: store.GSI1, PK: "DISTDUE#02"}:      3,
		{PK: "T#ws_1#CTR"}:                         3,
		{PK: "LEADSRC#src_1"}:                      1,
	}
	got := capacity.SharedByAll(writers, 3)
	want := []string{"GSI1 APPT#REMIND", "GSI1 DISTDUE", "GSI1 DISTDUE#{n}"}
	if !slices.Equal(got, want) {
		t.Errorf("SharedByAll = %v, want %v", got, want)
	}
	if got := capacity.SharedByAll(writers, 4); len(got) != 0 {
		t.Errorf("with 4 tenants: %v, want none", got)
	}
	// A workload with such a key misses its goal whatever its ceiling.
	r := capacity.Result{Goal: capacity.Goal{Name: "all_tenants_writes", Unit: "writes/s", Min: 100}, Work: 1,
		Rows: []heatmeter.Row{{Pattern: "GSI1 APPT#REMIND", Ceiling: 1000}}}
	if !r.Meets() {
		t.Error("no shared key, ceiling 1000: does not meet 100")
	}
	r.Shared = want
	if r.Meets() {
		t.Error("with keys shared by all tenants it meets its goal")
	}
	var out bytes.Buffer
	if err := capacity.PrintCeilings(&out, []capacity.Result{r}); err != nil {
		t.Fatal(err)
	}
	if line := "# all_tenants_writes does not meet its goal of 100 writes/s (keys shared by all tenants: GSI1 APPT#REMIND, GSI1 DISTDUE, GSI1 DISTDUE#{n})\n"; !strings.Contains(out.String(), line) {
		t.Errorf("ceilings lack %q:\n%s", line, out.String())
	}
}
