package capacity

import (
	"fmt"
	"io"
	"time"

	"tend/internal/store/heatmeter"
)

// DailyRunInputs are what the estimate of a daily run at scale is worked
// from: the run's size, the deployment, and measured figures.
type DailyRunInputs struct {
	Customers int // in the workspace
	Rules     int // due at the same time: one run evaluates them all on each customer read
	Shards    int // customer.Shards: a job per shard, each reading its shard's partition
	// Concurrency is how many jobs run at once (the jobs function's
	// MaximumConcurrency).
	Concurrency int
	// ReadPerCustomer is the read units a shard job spends per customer
	// it reads (measured: the meter over the daily run's shard reads).
	ReadPerCustomer float64
	// CoreTimePerCustomer is one core's time to read, decode and evaluate
	// the rules on a customer (measured: BenchmarkDailyRun, whose rate is
	// over every core, times the cores).
	CoreTimePerCustomer time.Duration
	// LambdaCPU is the share of a core a jobs function gets (1,024 MB of
	// the 1,769 MB that buy a whole vCPU).
	LambdaCPU float64
	// PartitionRCU is what one partition key serves a second.
	PartitionRCU float64
	// GoalMinutes is the most the run may take.
	GoalMinutes float64
}

// DailyRunEstimate is what a daily run over Customers would take.
type DailyRunEstimate struct {
	DailyRunInputs
	PerShard int // customers per shard
	// ReadUnits is the whole run's reads of customers.
	ReadUnits float64
	// ReadSeconds is the least time a shard's reads take: its partition
	// serves PartitionRCU a second at most.
	ReadSeconds float64
	// CPUSeconds is a shard job's compute in a Lambda.
	CPUSeconds float64
	// LambdaSeconds is the run's Lambda time, every shard together.
	LambdaSeconds float64
	// Waves is how many rounds of jobs the concurrency allows.
	Waves int
	// WallMinutes is the run's length: each wave's shards read and
	// evaluate in turn, page after page (a job does not read ahead).
	WallMinutes float64
	// ShardsForGoal is the least power-of-two shard count (with the
	// concurrency raised to match) whose wall time meets the goal.
	ShardsForGoal int
}

// Estimate works out a daily run from its inputs.
func (in DailyRunInputs) Estimate() DailyRunEstimate {
	e := wallTime(in)
	e.ShardsForGoal = in.Shards
	for e.ShardsForGoal < in.Customers {
		more := in
		more.Shards, more.Concurrency = e.ShardsForGoal, max(in.Concurrency, e.ShardsForGoal)
		if wallTime(more).Meets() {
			break
		}
		e.ShardsForGoal *= 2
	}
	return e
}

func wallTime(in DailyRunInputs) DailyRunEstimate {
	e := DailyRunEstimate{DailyRunInputs: in}
	e.PerShard = (in.Customers + in.Shards - 1) / in.Shards
	e.ReadUnits = float64(in.Customers) * in.ReadPerCustomer
	e.ReadSeconds = float64(e.PerShard) * in.ReadPerCustomer / in.PartitionRCU
	e.CPUSeconds = float64(e.PerShard) * in.CoreTimePerCustomer.Seconds() / in.LambdaCPU
	e.LambdaSeconds = float64(in.Customers) * in.CoreTimePerCustomer.Seconds() / in.LambdaCPU
	e.Waves = (in.Shards + in.Concurrency - 1) / in.Concurrency
	e.WallMinutes = float64(e.Waves) * (e.ReadSeconds + e.CPUSeconds) / 60
	return e
}

// Meets says whether the run takes no longer than the goal.
func (e DailyRunEstimate) Meets() bool { return e.WallMinutes <= e.GoalMinutes }

// Print writes the estimate: its inputs, the formula's steps, and the line
// "ceiling daily_run_10m_minutes <minutes> minutes" (lower is better).
func (e DailyRunEstimate) Print(w io.Writer) error {
	verdict, would := "meets", ""
	if !e.Meets() {
		verdict = "does not meet"
		would = fmt.Sprintf("; %d shards (customer.Shards), %d jobs at once, would", e.ShardsForGoal, max(e.Concurrency, e.ShardsForGoal))
	}
	_, err := fmt.Fprintf(w, `
== daily_run_10m: a daily run of %d rules over %d customers, on AWS (estimate)
inputs: shards %d (customer.Shards), jobs at once %d (jobs function MaximumConcurrency)
inputs: %.4f RCU per customer read (measured, daily_matches_per_rule), %d RCU/s per partition
inputs: %s of one core per customer with %d rules (measured, BenchmarkDailyRun), a Lambda of %.2f of a core
customers per shard = %d / %d = %d
read units          = %d x %.4f = %.0f RCU
reads per shard     = %d x %.4f / %d = %.1f s (at the partition's limit)
compute per shard   = %d x %s / %.2f = %.1f s
Lambda time         = %d x %s / %.2f = %.0f s
wall time           = %d wave(s) x (%.1f + %.1f) s = %.1f minutes
ceiling daily_run_10m_minutes %.1f minutes
# daily_run_10m %s its goal of at most %g minutes%s
`, e.Rules, e.Customers,
		e.Shards, e.Concurrency,
		e.ReadPerCustomer, int(e.PartitionRCU),
		e.CoreTimePerCustomer, e.Rules, e.LambdaCPU,
		e.Customers, e.Shards, e.PerShard,
		e.Customers, e.ReadPerCustomer, e.ReadUnits,
		e.PerShard, e.ReadPerCustomer, int(e.PartitionRCU), e.ReadSeconds,
		e.PerShard, e.CoreTimePerCustomer, e.LambdaCPU, e.CPUSeconds,
		e.Customers, e.CoreTimePerCustomer, e.LambdaCPU, e.LambdaSeconds,
		e.Waves, e.ReadSeconds, e.CPUSeconds, e.WallMinutes,
		e.WallMinutes,
		verdict, e.GoalMinutes, would)
	return err
}

// ShardReadsPerCustomer is the read units charged to the partitions a
// daily run's shard jobs read customers from (the pattern of
// customer.AllPK in its index), per customer of the workspace.
func ShardReadsPerCustomer(charges map[heatmeter.Part]heatmeter.Units, customers int) float64 {
	total := 0.0
	for p, u := range charges {
		if heatmeter.PartPattern(p) == shardListPattern {
			total += u.Read
		}
	}
	return total / float64(customers)
}

// shardListPattern is the pattern of customer.AllPK, where the shard jobs
// read a workspace's customers.
const shardListPattern = "GSI1 T#{tenant}#CS#{n}"
