package main

import (
	"encoding/json"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/awsmain"
	"tend/internal/lambdafn"
	"tend/internal/leads"
	"tend/internal/services"
	"tend/internal/store/faultstore"
	"tend/internal/tendtest"
)

// The sample webhook request, signed with a real source's secret, stores
// the lead and answers 202; its idempotency key makes a repeat answer the
// same; a wrong signature is refused. The store refuses deletes, as the
// function's role does (template.yaml): nothing on its path deletes.
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
	proxy := lambdafn.Hooks(&awsmain.AWS{Store: noDelete, Clock: w.Clock})
	first, err := proxy(ctx, ev)
	if err != nil || first.StatusCode != 202 {
		t.Fatalf("webhook: %d %s, %v", first.StatusCode, first.Body, err)
	}
	var acc leads.Accepted
	if err := json.Unmarshal([]byte(first.Body), &acc); err != nil {
		t.Fatal(err)
	}
	cu, err := svc.Customers.GetCustomer(ctx, c, acc.CustomerID)
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
