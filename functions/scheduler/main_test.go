package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/automation"
	"tend/internal/crm"
	"tend/internal/lambdaevent"
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

func sample(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("../../events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The sample tick starts the due daily run once (a second tick starts
// nothing); the sample jobs message, pointed at one of its shards, runs
// it; a message that can't be run is reported alone.
func TestSampleTickAndJobs(t *testing.T) {
	ctx := t.Context()
	clock := tendtest.NewClock(time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC))
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Sched", Clock: clock})
	db, queue := w.DB, &sent{}
	svc := services.Build(db, services.Queues{Jobs: queue, Distribution: queue}, clock, slog.New(slog.DiscardHandler))
	c := w.Admin()
	for _, name := range []string{"Khách A", "Khách B", "Khách C"} {
		in, _ := crm.ParseCustomerInput([]byte(`{"name":"` + name + `"}`))
		if _, err := svc.CRM.CreateCustomer(ctx, c, in); err != nil {
			t.Fatal(err)
		}
	}
	rule, _ := automation.ParseRule([]byte(`{"name":"Ghim","trigger":{"type":"daily","at":"08:00"},"actions":[{"type":"pin"}]}`))
	if _, err := svc.Automation.Create(ctx, c, rule); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Date(2026, 9, 1, 1, 30, 0, 0, time.UTC))
	handle := lambdaevent.SchedulerHandler(svc.Ticker, svc.Log)
	for tick, want := range []int{1, 0} {
		out, err := handle(ctx, sample(t, "schedule-tick.json"))
		if err != nil || out.(map[string]int)["runs_started"] != want {
			t.Fatalf("tick %d: %v, %v; want %d runs started", tick+1, out, err, want)
		}
	}
	if len(queue.jobs) != crm.CustomerShards {
		t.Fatalf("%d jobs sent, want one per shard (%d)", len(queue.jobs), crm.CustomerShards)
	}
	for _, j := range queue.jobs {
		body := strings.NewReplacer("ws_demo", j.Tenant, "run_sample", j.Run, `\"shard\":3`, `\"shard\":`+itoa(j.Shard)).Replace(string(sample(t, "sqs-jobs-message.json")))
		out, err := handle(ctx, json.RawMessage(body))
		if err != nil || len(out.(events.SQSEventResponse).BatchItemFailures) != 0 {
			t.Fatalf("job %d: %+v, %v", j.Shard, out, err)
		}
	}
	page, err := svc.CRM.ListCustomers(ctx, c, crm.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cu := range page.Items {
		if cu.PinnedAt == nil {
			t.Fatalf("%s not pinned by the daily run", cu.Name)
		}
	}
	bad := strings.Replace(string(sample(t, "sqs-jobs-message.json")), `\"kind\":\"daily_rules\"`, `\"kind\":\"nope\"`, 1)
	out, err := handle(ctx, json.RawMessage(bad))
	if err != nil || len(out.(events.SQSEventResponse).BatchItemFailures) != 1 {
		t.Fatalf("bad job: %+v, %v", out, err)
	}
	if _, err := handle(ctx, json.RawMessage(`{"kind":"tock"}`)); err == nil {
		t.Fatal("an unknown event was accepted")
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
