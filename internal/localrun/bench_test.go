package localrun_test

import (
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BenchmarkLeads measures leads through the local runner end to end: signed
// webhook requests posted by 16 concurrent senders, stored, then given to
// staff by a weighted rule (drained to completion). It reports the
// throughput from the first request to the last assignment, and the
// webhook answer's p50 and p99, and the SQLite write transactions per
// lead (writes/lead) and the commits that carried them (commits/lead):
// counts, which unlike timings do not move with the machine's load. It
// also reports the one SQLite writer's time per lead and its share of the
// run: near 1, the writer is what bounds the throughput. And the process's
// CPU time per lead (cpu-us/lead, user and system, every goroutine, the
// 16 senders' HTTP clients included): on a machine of n cores no overlap
// of the stages gets past n seconds of CPU a second, so leads/s stays
// under n/cpu whatever the writer does.
func BenchmarkLeads(b *testing.B) {
	const batch = 2000
	f := newFunnel(b)
	f.s.setClock(time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC))
	var staff []map[string]any
	for i, s := range f.staff {
		staff = append(staff, map[string]any{"user_id": s.userID, "weight": i + 3})
	}
	f.rule(map[string]any{"name": "Chia lead", "type": "weighted", "delay": "0s", "staff": staff})
	var all []time.Duration
	var elapsed time.Duration
	next := 0
	// The first drain's tick starts the one-time backfill, a scan of the
	// whole table: done before the measure, as on a running system.
	f.drain()
	commits0, writes0 := f.s.app.DB.WriteStats()
	busy0 := f.s.app.DB.WriterTime()
	cpu0 := cpuTime(b)
	b.ResetTimer()
	for range b.N {
		work := make(chan int, batch)
		for range batch {
			work <- next
			next++
		}
		close(work)
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := time.Now()
		for range 16 {
			wg.Go(func() {
				var mine []time.Duration
				for i := range work {
					t0 := time.Now()
					r := f.post("/hooks/leads/"+f.source, map[string]any{"full_name": fmt.Sprintf("Lead %07d", i),
						"contact": map[string]any{"phone": fmt.Sprintf("0912%06d", i)}}, "")
					mine = append(mine, time.Since(t0))
					if r.Status != 202 {
						b.Errorf("lead %d: %d %s", i, r.Status, r.Body)
					}
				}
				mu.Lock()
				all = append(all, mine...)
				mu.Unlock()
			})
		}
		wg.Wait()
		posted := time.Since(start)
		f.drain()
		elapsed += time.Since(start)
		b.Logf("posted %d in %v, all assigned after %v", batch, posted, time.Since(start))
	}
	b.StopTimer()
	busy := f.s.app.DB.WriterTime() - busy0
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(batch*b.N), "cpu-us/lead")
	b.ReportMetric(float64(busy.Microseconds())/float64(batch*b.N), "writer-us/lead")
	b.ReportMetric(float64(busy)/float64(elapsed), "writer-share")
	commits, writes := f.s.app.DB.WriteStats()
	slices.Sort(all)
	b.ReportMetric(float64(writes-writes0)/float64(batch*b.N), "writes/lead")
	b.ReportMetric(float64(commits-commits0)/float64(batch*b.N), "commits/lead")
	b.ReportMetric(float64(batch*b.N)/elapsed.Seconds(), "leads/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
