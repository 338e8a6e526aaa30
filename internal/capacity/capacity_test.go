//go:build capacity

package capacity_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"tend/internal/capacity"
	"tend/internal/customer"
	"tend/internal/store/heatmeter"
)

// TestCapacity runs the workloads over the metered local runner and
// prints their tables and ceilings (make capacity), then the estimate of
// a daily run over 10 million customers. It measures: it fails only when
// a workload cannot run, never on the figures.
func TestCapacity(t *testing.T) {
	// Sizes: enough work that a key sharded 16 to 256 ways gets tens of
	// writes in each shard, so that the hottest shard's share (which sets
	// the ceiling) is the hash's and not chance's, and make capacity still
	// runs in a few minutes. Leads and creates write the search tokens'
	// 128 shards: 4,000 of them give each about 30.
	workloads := []struct {
		run func(*capacity.System, int) (capacity.Result, error)
		n   int
	}{
		{capacity.AssignmentsPerRule, 1000},
		{capacity.LeadsPerWorkspace, 4000},
		{capacity.CreatesPerWorkspace, 4000},
		{capacity.DailyMatchesPerRule, 20000},
		{capacity.AllTenantsWrites, 1000},
	}
	var results []capacity.Result
	for _, w := range workloads {
		s, err := capacity.Start(t.Context(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		r, err := w.run(s, w.n)
		s.Close()
		if err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		if err := capacity.Print(os.Stdout, r); err != nil {
			t.Fatal(err)
		}
		results = append(results, r)
	}
	if err := printEstimate(results[3]); err != nil {
		t.Fatal(err)
	}
	if err := capacity.PrintCeilings(os.Stdout, results); err != nil {
		t.Fatal(err)
	}
}

// printEstimate prints the 10-million-customer daily run worked from the
// daily workload's reads and BenchmarkDailyRun's rate, which make capacity
// measures first and passes in TEND_DAILY_RUN_CUSTOMERS_PER_S (customers a
// second over every core of this machine).
func printEstimate(daily capacity.Result) error {
	rate, err := strconv.ParseFloat(os.Getenv("TEND_DAILY_RUN_CUSTOMERS_PER_S"), 64)
	if err != nil || rate <= 0 {
		_, err := fmt.Println("\n== daily_run_10m: not estimated: TEND_DAILY_RUN_CUSTOMERS_PER_S (BenchmarkDailyRun's rate) not given; make capacity gives it")
		return err
	}
	in := capacity.DailyRunInputs{
		Customers: 10_000_000, Rules: 20, Shards: customer.Shards,
		Concurrency:         16, // template.yaml: JobsFunction's ScalingConfig
		ReadPerCustomer:     daily.ReadPerCustomer,
		CoreTimePerCustomer: time.Duration(float64(runtime.GOMAXPROCS(0)) / rate * float64(time.Second)),
		LambdaCPU:           1024.0 / 1769, // template.yaml: JobsFunction's MemorySize
		PartitionRCU:        heatmeter.PartitionRCU,
		GoalMinutes:         5,
	}
	return in.Estimate().Print(os.Stdout)
}
