package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/awsmain"
	"tend/internal/lambdafn"
	"tend/internal/leads"
	"tend/internal/services"
	"tend/internal/store/faultstore"
	"tend/internal/tendtest"
)

// queued stands in for the intake queue.
type queued struct {
	mu   sync.Mutex
	msgs []string
}

func (q *queued) Send(_ context.Context, body []byte, _ time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.msgs = append(q.msgs, string(body))
	return nil
}

// The sample webhook request, signed with a real source's secret, stores
// the lead, queues it for the intake function and answers 202 with it;
// the intake function makes the customer; its idempotency key makes a
// repeat answer the same; a wrong signature is refused. The store refuses
// deletes, as the function's role does (template.yaml): nothing on its
// path deletes.
func TestSampleWebhook(t *testing.T) {
	ctx := t.Context()
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Hooks"})
	noDelete := faultstore.New(w.DB, func(wr faultstore.Write) faultstore.Fault {
		if len(wr.Deletes) > 0 {
			t.Errorf("the webhooks deleted %v, which their role may not", wr.Deletes)
			return faultstore.Before
		}
		return faultstore.None
	})
	svc := services.ForHooks(noDelete, services.Queues{}, w.Clock, slog.New(slog.DiscardHandler))
	c := w.Admin()
	mapping := map[string]string{"name": "$.full_name", "phone": "$.contact.phone", "email": "$.email"}
	name := "Landing page"
	src, err := svc.Leads.Create(ctx, c, leads.Input{Name: &name, Mapping: &mapping})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../events/api-gateway-v2-webhook-lead.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(raw), "src_sample", src.ID)), &ev); err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(w.Clock.Now().Unix(), 10)
	ev.Headers["x-tend-timestamp"], ev.Headers["x-tend-signature"] = ts, leads.Sign(src.Secret, ts, []byte(ev.Body))
	queue := &queued{}
	proxy := lambdafn.Hooks(&awsmain.AWS{Store: noDelete, Clock: w.Clock, Queues: services.Queues{Intake: queue}})
	first, err := proxy(ctx, ev)
	if err != nil || first.StatusCode != 202 || len(queue.msgs) != 1 {
		t.Fatalf("webhook: %d %s, %v; %d queued", first.StatusCode, first.Body, err, len(queue.msgs))
	}
	var answer leads.Queued
	if err := json.Unmarshal([]byte(first.Body), &answer); err != nil || answer.Status != leads.LeadQueued {
		t.Fatalf("answer %s, %v: want the lead queued", first.Body, err)
	}
	take := lambdafn.Intake(&awsmain.AWS{Store: w.DB, Clock: w.Clock, Env: awsmain.Env{Log: slog.New(slog.DiscardHandler)}})
	if out, err := take(ctx, events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m1", Body: queue.msgs[0]}}}); err != nil || len(out.BatchItemFailures) != 0 {
		t.Fatalf("intake: %+v, %v", out, err)
	}
	lead, err := svc.Leads.GetLead(ctx, c, answer.LeadID)
	if err != nil || lead.Status != leads.LeadCreated {
		t.Fatalf("lead = %+v, %v", lead, err)
	}
	cu, err := svc.Customers.GetCustomer(ctx, c, lead.CustomerID)
	if err != nil || cu.Name != "Trần Văn Bảo" || cu.Phone != "+84987123456" || cu.Source != name {
		t.Fatalf("stored lead = %+v, %v", cu, err)
	}
	again, err := proxy(ctx, ev)
	if err != nil || again.Body != first.Body || again.Headers["Idempotent-Replayed"] != "true" {
		t.Fatalf("repeat: %+v, %v", again, err)
	}
	ev.Headers["x-tend-signature"] = "v1=00"
	bad, err := proxy(ctx, ev)
	if err != nil || bad.StatusCode != 401 {
		t.Fatalf("bad signature: %d, %v", bad.StatusCode, err)
	}
}
