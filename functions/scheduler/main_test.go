package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"tend/internal/automation"
	"tend/internal/awsmain"
	"tend/internal/customer"
	"tend/internal/lambdafn"
	"tend/internal/services"
	"tend/internal/tendtest"
)

// sent stands in for the jobs queue.
type sent struct {
	mu   sync.Mutex
	jobs []automation.Job
}

func (s *sent) Send(_ context.Context, body []byte, _ time.Duration) error {
	var j automation.Job
	if err := json.Unmarshal(body, &j); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs = append(s.jobs, j)
	return nil
}

// The sample tick starts the due daily run once (a second tick starts
// nothing) and sends one job per shard to the jobs queue, which the jobs
// function works through; an event that is not a tick is refused.
func TestSampleTick(t *testing.T) {
	ctx := t.Context()
	clock := tendtest.NewClock(time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC))
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Sched", Clock: clock})
	queue := &sent{}
	svc := services.ForTicks(w.DB, services.Queues{Jobs: queue, Distribution: queue}, clock, slog.New(slog.DiscardHandler))
	c := w.Admin()
	in, _ := customer.ParseInput([]byte(`{"name":"Khách A"}`))
	if _, err := svc.Customers.CreateCustomer(ctx, c, in); err != nil {
		t.Fatal(err)
	}
	rule, _ := automation.ParseRule([]byte(`{"name":"Ghim","trigger":{"type":"daily","at":"08:00"},"actions":[{"type":"pin"}]}`))
	if _, err := svc.Automation.Create(ctx, c, rule); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Date(2026, 9, 1, 1, 30, 0, 0, time.UTC))
	tick, err := os.ReadFile(filepath.Join("../../events", "schedule-tick.json"))
	if err != nil {
		t.Fatal(err)
	}
	handle := lambdafn.Scheduler(&awsmain.AWS{Store: w.DB, Queues: services.Queues{Jobs: queue, Distribution: queue}, Clock: clock})
	for n, want := range []int{1, 0} {
		out, err := handle(ctx, tick)
		if err != nil || out.(map[string]int)["runs_started"] != want {
			t.Fatalf("tick %d: %v, %v; want %d runs started", n+1, out, err, want)
		}
	}
	if len(queue.jobs) != customer.Shards {
		t.Fatalf("%d jobs sent, want one per shard (%d)", len(queue.jobs), customer.Shards)
	}
	if _, err := handle(ctx, json.RawMessage(`{"kind":"tock"}`)); err == nil {
		t.Fatal("an unknown event was accepted")
	}
}
