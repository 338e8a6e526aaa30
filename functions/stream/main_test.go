package main

import (
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/automation"
	"tend/internal/awsmain"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/lambdafn"
	"tend/internal/orders"
	"tend/internal/services"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// The sample stream batch (insert, modify: revenue 0 → 3,500,000, remove)
// drives the handler over real services: the VIP rule fires once, and the
// same batch delivered again changes nothing.
func TestSampleStreamBatch(t *testing.T) {
	ctx := t.Context()
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Stream"})
	svc := services.ForStream(w.DB, services.Queues{}, w.Clock, slog.New(slog.DiscardHandler))
	c, admin := w.Admin(), w.AdminUser
	str := func(s string) *string { return &s }
	typ := domain.TypeSelect
	if _, err := svc.Workspaces.SaveField(ctx, c, "", workspace.FieldInput{Key: str("customer_type"), Label: str("Loại"), Type: &typ, Options: &[]string{"Thường", "VIP"}}); err != nil {
		t.Fatal(err)
	}
	c, _ = svc.Workspaces.Authenticate(ctx, admin.AuthSubject)
	in, _ := automation.ParseRule([]byte(`{"name":"VIP","trigger":{"type":"created_or_updated"},"conditions":[[{"field":"revenue","op":"gt","value":3000000}]],"actions":[{"type":"set_field","field":"customer_type","value":"VIP"}]}`))
	if _, err := svc.Automation.Create(ctx, c, in); err != nil {
		t.Fatal(err)
	}
	cin, _ := customer.ParseInput([]byte(`{"name":"Nguyễn Văn A","fields":{"customer_type":"Thường"}}`))
	cu, err := svc.Customers.CreateCustomer(ctx, c, cin)
	if err != nil {
		t.Fatal(err)
	}
	amount, done := int64(3500000), orders.StatusCompleted
	if _, err := svc.Orders.Save(ctx, c, "", orders.Input{CustomerID: &cu.ID, Amount: &amount, Status: &done}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Orders.Recompute(ctx, c.Tenant(), cu.ID); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../events/dynamodb-stream-batch.json")
	if err != nil {
		t.Fatal(err)
	}
	raw = []byte(strings.NewReplacer("ws_demo", c.Tenant(), "cus_sample1", cu.ID).Replace(string(raw)))
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	handle := lambdafn.Stream(&awsmain.AWS{Store: w.DB, Clock: w.Clock})
	for delivery := 1; delivery <= 2; delivery++ {
		resp, err := handle(ctx, ev)
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("delivery %d: %+v, %v", delivery, resp, err)
		}
		got, err := svc.Customers.GetCustomer(ctx, c, cu.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Fields["customer_type"] != "VIP" || got.Version != 3 {
			t.Fatalf("delivery %d: type %v at version %d, want VIP at 3 (created, revenue, rule)", delivery, got.Fields["customer_type"], got.Version)
		}
	}
	// A record that can't be read is reported, and nothing after it is
	// handled, so that Lambda retries from there.
	broken := ev
	broken.Records = append([]events.DynamoDBEventRecord{ev.Records[0]}, ev.Records...)
	broken.Records[1].Change.NewImage = nil
	resp, err := handle(ctx, broken)
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != broken.Records[1].Change.SequenceNumber {
		t.Fatalf("broken batch: %+v, %v", resp, err)
	}
}
