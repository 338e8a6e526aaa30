package rules_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"tend/internal/automation"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/tendtest"
)

// jobList collects the jobs a tick sends, standing in for the queue.
type jobList struct {
	mu   sync.Mutex
	jobs [][]byte
}

func (j *jobList) Send(_ context.Context, body []byte, _ time.Duration) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.jobs = append(j.jobs, body)
	return nil
}

func (j *jobList) take() [][]byte {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := j.jobs
	j.jobs = nil
	return out
}

// BenchmarkDailyRun measures a daily run of 20 rules over every customer
// of a workspace, through the SQLite store: read, decode, evaluate, and
// write the (few) customers a rule changes. Shards run on every core, as
// parallel Lambda invocations would. The figure is customers/s.
func BenchmarkDailyRun(b *testing.B) {
	const customers = 20000
	clock := tendtest.NewClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	w := tendtest.MustOpen(b, tendtest.Options{Name: "Bench", Clock: clock})
	ctx, core := b.Context(), w.Customers
	w.Field("customer_type", "Loại", domain.TypeSelect, "Thường", "VIP")
	if _, err := core.UpdateDuplicateSettings(ctx, w.Admin(), []string{}, nil); err != nil {
		b.Fatal(err)
	}
	c := w.Admin()
	for i := range customers {
		in, err := customer.ParseInput(fmt.Appendf(nil, `{"name":"Khách hàng %d","phone":"09%08d","email":"kh%d@example.vn","tags":["t%d"],"fields":{"customer_type":"Thường"},"birthday":"1990-%02d-%02d"}`,
			i, i, i, i%50, i%12+1, i%28+1))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := core.CreateCustomer(ctx, c, in); err != nil {
			b.Fatal(err)
		}
	}
	jobs := &jobList{}
	auto := automation.New(automation.Deps{Store: w.DB, Clock: clock, Orgs: w.Workspaces, Customers: w.Customers, Jobs: jobs})
	for i := range 20 {
		// Varied conditions over text, numbers, tags and dates; a handful
		// of customers match each rule (changed on the first day only).
		body := fmt.Sprintf(`{"name":"R%d","trigger":{"type":"daily","at":"08:00"},"conditions":[
			[{"field":"name","op":"eq","value":"khach hang %d"},{"field":"revenue","op":"lt","value":1000}],
			[{"field":"tags","op":"has_any","value":["x%d"]}],
			[{"field":"birthday","op":"anniversary_today"},{"field":"email","op":"ends_with","value":"%03d@example.vn"}]],
			"actions":[{"type":"set_field","field":"customer_type","value":"VIP"}]}`, i, i*97, i, i*13+7)
		in, err := automation.ParseRule([]byte(body))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := auto.Create(ctx, c, in); err != nil {
			b.Fatal(err)
		}
	}
	day := time.Date(2026, 3, 2, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		clock.Set(day.AddDate(0, 0, i))
		if n, err := auto.Tick(ctx); err != nil || n != 1 {
			b.Fatalf("tick started %d runs: %v", n, err)
		}
		work := make(chan []byte)
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for j := range work {
					if err := auto.HandleJob(ctx, j); err != nil {
						b.Error(err)
					}
				}
			})
		}
		for _, j := range jobs.take() {
			work <- j
		}
		close(work)
		wg.Wait()
	}
	b.ReportMetric(float64(customers*b.N)/time.Since(start).Seconds(), "customers/s")
}
