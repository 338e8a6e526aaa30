package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/automation"
	"tend/internal/awsmain"
	"tend/internal/customer"
	"tend/internal/customerlist"
	"tend/internal/lambdafn"
	"tend/internal/services"
	"tend/internal/tendtest"
)

// sent stands in for the jobs queue the scheduler's tick sends to.
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

// sampleFor is the sample jobs message, pointed at one shard of a run and
// with the job kind given (the sample's is daily_rules).
func sampleFor(t *testing.T, j automation.Job, kind string) events.SQSEvent {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("../../events", "sqs-jobs-message.json"))
	if err != nil {
		t.Fatal(err)
	}
	body := strings.NewReplacer("ws_demo", j.Tenant, "run_sample", j.Run, `\"shard\":3`, `\"shard\":`+strconv.Itoa(j.Shard),
		`\"kind\":\"daily_rules\"`, `\"kind\":\"`+kind+`\"`).Replace(string(raw))
	var ev events.SQSEvent
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// The sample jobs message, pointed at each shard of a started daily run,
// runs it (every customer is pinned); a message that can't be run is
// reported alone, for the queue to retry it.
func TestSampleJobs(t *testing.T) {
	ctx := t.Context()
	clock := tendtest.NewClock(time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC))
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Jobs", Clock: clock})
	queue := &sent{}
	svc := services.ForTicks(w.DB, services.Queues{Jobs: queue, Distribution: queue}, clock, slog.New(slog.DiscardHandler))
	c := w.Admin()
	for _, name := range []string{"Khách A", "Khách B", "Khách C"} {
		in, _ := customer.ParseInput([]byte(`{"name":"` + name + `"}`))
		if _, err := svc.Customers.CreateCustomer(ctx, c, in); err != nil {
			t.Fatal(err)
		}
	}
	rule, _ := automation.ParseRule([]byte(`{"name":"Ghim","trigger":{"type":"daily","at":"08:00"},"actions":[{"type":"pin"}]}`))
	if _, err := svc.Automation.Create(ctx, c, rule); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Date(2026, 9, 1, 1, 30, 0, 0, time.UTC))
	if started, err := svc.Ticker.Tick(ctx); err != nil || started != 1 {
		t.Fatalf("tick: %d runs started, %v; want 1", started, err)
	}
	handle := lambdafn.Jobs(&awsmain.AWS{Store: w.DB, Queues: services.Queues{Jobs: queue, Distribution: queue}, Clock: clock})
	for _, j := range queue.jobs {
		out, err := handle(ctx, sampleFor(t, j, "daily_rules"))
		if err != nil || len(out.BatchItemFailures) != 0 {
			t.Fatalf("job %d: %+v, %v", j.Shard, out, err)
		}
	}
	page, err := svc.Lists.ListCustomers(ctx, c, customerlist.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cu := range page.Items {
		if cu.PinnedAt == nil {
			t.Fatalf("%s not pinned by the daily run", cu.Name)
		}
	}
	out, err := handle(ctx, sampleFor(t, queue.jobs[0], "nope"))
	if err != nil || len(out.BatchItemFailures) != 1 {
		t.Fatalf("bad job: %+v, %v", out, err)
	}
}
