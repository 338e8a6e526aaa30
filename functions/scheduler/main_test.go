package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tend/internal/automation"
	"tend/internal/awsmain"
	"tend/internal/backfill"
	"tend/internal/careflow"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/lambdafn"
	"tend/internal/services"
	"tend/internal/store/faultstore"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// sent stands in for the jobs queue. It leaves out the backfill's jobs,
// which the first tick sends whatever the workspaces hold (package
// backfill tests them).
type sent struct {
	mu   sync.Mutex
	jobs []automation.Job
}

func (s *sent) Send(_ context.Context, body []byte, _ time.Duration) error {
	var j automation.Job
	if err := json.Unmarshal(body, &j); err != nil {
		return err
	}
	if j.Kind == backfill.JobKind {
		return nil
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

// One workspace whose daily run can't start does not stop the others',
// nor the later stages of the tick (care flows): its failure is reported,
// and the next tick starts it.
func TestTickIsolatesWorkspaces(t *testing.T) {
	ctx := t.Context()
	clock := tendtest.NewClock(time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC))
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Một", Clock: clock})
	var broken atomic.Value // the tenant whose run claims fail
	broken.Store("")
	st := faultstore.New(w.DB, func(wr faultstore.Write) faultstore.Fault {
		if it, ok := wr.PutsOf("rule_job"); ok && broken.Load() != "" && strings.HasPrefix(it.PK, "T#"+broken.Load().(string)+"#") {
			return faultstore.Before
		}
		return faultstore.None
	})
	queue := &sent{}
	svc := services.ForTicks(st, services.Queues{Jobs: queue, Distribution: queue}, clock, slog.New(slog.DiscardHandler))
	_, second, err := w.Workspaces.CreateWorkspace(ctx, workspace.NewWorkspace{Name: "Hai", AdminEmail: "a@hai.vn"})
	if err != nil {
		t.Fatal(err)
	}
	for _, admin := range []*domain.User{w.AdminUser, second} {
		c := w.SignIn(admin)
		rule, _ := automation.ParseRule([]byte(`{"name":"Ghim","trigger":{"type":"daily","at":"08:00"},"actions":[{"type":"pin"}]}`))
		if _, err := svc.Automation.Create(ctx, c, rule); err != nil {
			t.Fatal(err)
		}
		flow, err := careflow.ParseInput([]byte(`{"module":"customers","name":"Hằng ngày","when":{"type":"schedule","every":"day","at":"08:00"},
			"condition":{"all":true},"actions":[{"type":"update_fields","fields":{"description":"đã chăm sóc"}}]}`))
		if err != nil {
			t.Fatal(err)
		}
		f, err := svc.CareFlows.Create(ctx, c, flow)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CareFlows.Activate(ctx, c, f.ID); err != nil {
			t.Fatal(err)
		}
	}
	broken.Store(w.AdminUser.TenantID)
	clock.Set(time.Date(2026, 9, 1, 1, 30, 0, 0, time.UTC))
	started, err := svc.Ticker.Tick(ctx)
	if err == nil || !strings.Contains(err.Error(), w.AdminUser.TenantID) {
		t.Fatalf("the broken workspace's failure was not reported: %v", err)
	}
	kinds := func() map[string]int {
		n := map[string]int{}
		for _, j := range queue.jobs {
			n[j.Kind+"/"+j.Tenant]++
		}
		return n
	}
	want := map[string]int{automation.JobKind + "/" + second.TenantID: customer.Shards,
		careflow.JobKind + "/" + w.AdminUser.TenantID: customer.Shards, careflow.JobKind + "/" + second.TenantID: customer.Shards}
	if got := kinds(); started != 3 || !maps.Equal(got, want) {
		t.Fatalf("%d runs started, jobs %v; want 3 runs, %v", started, got, want)
	}
	broken.Store("")
	if started, err := svc.Ticker.Tick(ctx); err != nil || started != 1 || kinds()[automation.JobKind+"/"+w.AdminUser.TenantID] != customer.Shards {
		t.Fatalf("the next tick: %d started, %v, jobs %v", started, err, kinds())
	}
}
