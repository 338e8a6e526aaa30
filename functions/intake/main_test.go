package main

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/awsmain"
	"tend/internal/lambdafn"
	"tend/internal/leads"
	"tend/internal/services"
	"tend/internal/tendtest"
)

// held stands in for the intake queue.
type held struct {
	mu   sync.Mutex
	msgs []string
}

func (h *held) Send(_ context.Context, body []byte, _ time.Duration) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgs = append(h.msgs, string(body))
	return nil
}

// A landing page's form posted to the hooks function is held and queued;
// the intake function, given the queue's message as SQS delivers it,
// makes the customer; the same message again changes nothing, and an
// unreadable one is dropped, not retried forever.
func TestFormLeadThroughIntake(t *testing.T) {
	ctx := t.Context()
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Intake"})
	queue := &held{}
	a := &awsmain.AWS{Store: w.DB, Clock: w.Clock, Queues: services.Queues{Intake: queue}, Env: awsmain.Env{Log: slog.New(slog.DiscardHandler)}}
	svc := services.ForAPI(w.DB, a.Queues, w.Clock, a.Log)
	name, kind := "LadiPage", leads.KindForm
	src, err := svc.Leads.Create(ctx, w.Admin(), leads.Input{Name: &name, Kind: &kind})
	if err != nil {
		t.Fatal(err)
	}
	form, err := os.ReadFile("../../events/providers/landing-page-form.txt")
	if err != nil {
		t.Fatal(err)
	}
	post := events.APIGatewayV2HTTPRequest{RawPath: src.FormPath, Body: string(form),
		Headers: map[string]string{"content-type": "application/x-www-form-urlencoded"}}
	post.RequestContext.HTTP.Method, post.RequestContext.HTTP.Path, post.RequestContext.HTTP.SourceIP = "POST", src.FormPath, "203.0.113.7"
	reply, err := lambdafn.Hooks(a)(ctx, post)
	if err != nil || reply.StatusCode != 202 || len(queue.msgs) != 1 {
		t.Fatalf("form post: %d %s, %v; %d queued", reply.StatusCode, reply.Body, err, len(queue.msgs))
	}
	take := lambdafn.Intake(a)
	batch := events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m1", Body: queue.msgs[0]}, {MessageId: "m2", Body: queue.msgs[0]},
		{MessageId: "m3", Body: "not json"}}}
	out, err := take(ctx, batch)
	if err != nil || len(out.BatchItemFailures) != 0 {
		t.Fatalf("intake: %+v, %v", out, err)
	}
	log, err := svc.Leads.Deliveries(ctx, w.Admin(), src.ID, 10, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Items) != 1 || log.Items[0].Outcome != leads.OutcomeAccepted || log.Counters[leads.OutcomeAccepted] != 1 {
		t.Fatalf("log = %+v", log)
	}
	cu, err := svc.Customers.GetCustomer(ctx, w.Admin(), log.Items[0].CustomerID)
	if err != nil || cu.Name != "Lê Thị Hoa" || cu.Phone != "+84903123456" || !strings.Contains(cu.Description, "Gọi sau 18h") {
		t.Fatalf("customer = %+v, %v", cu, err)
	}
}
