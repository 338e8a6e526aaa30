package main

import (
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/awsmain"
	"tend/internal/customer"
	"tend/internal/distribution"
	"tend/internal/lambdafn"
	"tend/internal/services"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// The sample distribution message, pointed at a real rule and customer,
// gives the customer to the rule's staff member; delivered again it
// changes nothing; a message that can't be handled is reported alone.
func TestSampleDistributionMessage(t *testing.T) {
	ctx := t.Context()
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Dist"})
	svc := services.ForDistributor(w.DB, services.Queues{}, w.Clock, slog.New(slog.DiscardHandler))
	c, admin := w.Admin(), w.AdminUser
	str := func(s string) *string { return &s }
	staff, err := svc.Workspaces.CreateUser(ctx, c, workspace.UserInput{Name: str("Nhân viên"), Email: str("nv@d.vn")})
	if err != nil {
		t.Fatal(err)
	}
	wh, err := svc.Workspaces.SaveWarehouse(ctx, c, "", workspace.WarehouseInput{Name: str("Kho")})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = svc.Workspaces.Authenticate(ctx, admin.AuthSubject)
	typ := distribution.RoundRobin
	rule, err := svc.Distribution.Save(ctx, c, "", distribution.Input{Name: str("Xoay vòng"), Type: &typ, WarehouseID: &wh.ID,
		Staff: &[]distribution.Staff{{UserID: staff.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := customer.ParseInput([]byte(`{"name":"Lead","warehouse_id":"` + wh.ID + `"}`))
	cu, err := svc.Customers.CreateCustomer(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../events/sqs-distribution-message.json")
	if err != nil {
		t.Fatal(err)
	}
	raw = []byte(strings.NewReplacer("ws_demo", c.Tenant(), "drule_sample", rule.ID, "cus_sample1", cu.ID).Replace(string(raw)))
	var ev events.SQSEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	handle := lambdafn.Distributor(&awsmain.AWS{Store: w.DB, Clock: w.Clock})
	for delivery := 1; delivery <= 2; delivery++ {
		resp, err := handle(ctx, ev)
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("delivery %d: %+v, %v", delivery, resp, err)
		}
		got, _ := svc.Customers.GetCustomer(ctx, c, cu.ID)
		if got.OwnerID != staff.ID || got.Version != 2 {
			t.Fatalf("delivery %d: owner %q at version %d, want %s at 2", delivery, got.OwnerID, got.Version, staff.ID)
		}
	}
	ev.Records = append(ev.Records, ev.Records[0])
	ev.Records[1].MessageId, ev.Records[1].Body = "broken", `{"kind":"shuffle"}`
	resp, _ := handle(ctx, ev)
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "broken" {
		t.Fatalf("broken message: %+v", resp)
	}
}
