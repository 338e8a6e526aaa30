package awspath_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/awstest"
	"tend/internal/careflow"
	"tend/internal/distribution"
	"tend/internal/domain"
	"tend/internal/leads"
	"tend/internal/notify"
	"tend/internal/services"
	"tend/internal/templates"
	"tend/internal/workspace"
)

// hanoi is the workspace's time zone.
var hanoi = time.FixedZone("ICT", 7*3600)

// A lead's whole way through Tend on AWS (moto), as deployed: a signed
// lead posted to the hooks function is stored and queued on the intake
// queue, and the intake function makes it a customer; the table's
// stream hands it to the stream function, which queues its distribution;
// the distributor gives it to the round-robin rule's staff member; on the
// customer's birthday the schedule's tick starts the birthday care flow,
// the jobs function runs it and the notifier sends the email through SES;
// the customer's next lead has the owner told by email the same way.
func TestLeadOnTheAWSPath(t *testing.T) {
	// Monday 23 November 2026, 07:00 in Hanoi.
	s := deploy(t, time.Date(2026, 11, 23, 7, 0, 0, 0, hanoi), nil)
	spa := openSpa(t, s)

	body := `{"full_name":"Trần Văn Bảo","contact":{"phone":"0987 123 456"},"email":"bao.tran@example.vn","birthday":"1990-11-23"}`
	var reply events.APIGatewayV2HTTPResponse
	s.invoke("HooksFunction", spa.signedLead(t, body, s.clock.Now()), &reply)
	var queued leads.Queued
	if err := json.Unmarshal([]byte(reply.Body), &queued); reply.StatusCode != 202 || err != nil || queued.LeadID == "" || queued.Status != leads.LeadQueued {
		t.Fatalf("webhook: %d %s (%v), want 202 with the lead queued", reply.StatusCode, reply.Body, err)
	}
	if n := s.drain("IntakeFunction"); n != 1 {
		t.Fatalf("the intake queue held %d messages, want the lead's", n)
	}
	lead, err := spa.svc.Leads.GetLead(t.Context(), spa.admin, queued.LeadID)
	if err != nil || lead.Status != leads.LeadCreated || lead.CustomerID == "" {
		t.Fatalf("lead = %+v (%v), want it created", lead, err)
	}
	s.settle()

	cu, err := spa.svc.Customers.GetCustomer(t.Context(), spa.admin, lead.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	if cu.Name != "Trần Văn Bảo" || cu.Phone != "+84987123456" || cu.Email != "bao.tran@example.vn" || cu.Birthday.String() != "1990-11-23" ||
		cu.Source != "Landing page" || cu.WarehouseID != spa.warehouse || cu.Pipelines[spa.pipeline] != spa.step {
		t.Errorf("customer = %+v, want the lead's fields, in the source's warehouse and step", cu)
	}
	if cu.OwnerID != spa.staff.ID {
		t.Errorf("owner %q, want the rule's staff member %s", cu.OwnerID, spa.staff.ID)
	}
	hist, err := spa.svc.Timeline.History(t.Context(), spa.admin, cu.ID, 50, "")
	if err != nil {
		t.Fatal(err)
	}
	created := domain.Actor{Kind: domain.ActorWebhook, ID: spa.source.ID, Name: "Landing page"}
	distributed := domain.Actor{Kind: domain.ActorDistribution, ID: spa.rule, Name: "Xoay vòng"}
	if !hasEntry(hist.Items, "created", created, "") || !hasEntry(hist.Items, "distributed", distributed, "owner_id") {
		t.Errorf("history = %+v, want its creation by the webhook and the owner set by the rule", hist.Items)
	}

	// 09:00: the birthday flow is due.
	s.clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, hanoi))
	if got := s.tick(); got["runs_started"] != 1 {
		t.Fatalf("tick: %v, want 1 run started", got)
	}
	s.settle()

	msgs, err := spa.svc.Notify.List(t.Context(), spa.admin, notify.Filter{CustomerID: cu.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs.Items) != 1 || msgs.Items[0].Status != notify.StatusSent || msgs.Items[0].ProviderID == "" {
		t.Fatalf("delivery records = %+v, want one email sent", msgs.Items)
	}
	sent := awstest.MotoRecord(t, s.endpoint, "ses", "Message", "id", msgs.Items[0].ProviderID)
	dest, _ := sent["destinations"].(map[string]any)
	to, _ := dest["ToAddresses"].([]any)
	if sent["source"] != s.sender || !slices.Equal(to, []any{"bao.tran@example.vn"}) {
		t.Errorf("SES sent from %v to %v, want from %s to bao.tran@example.vn", sent["source"], to, s.sender)
	}
	if sent["subject"] != "Chúc mừng sinh nhật Trần Văn Bảo" ||
		sent["body"] != "Kính gửi Trần Văn Bảo,\nSpa Hoa Mai chúc bạn sinh nhật vui vẻ!\nChị Lan" {
		t.Errorf("SES sent %q: %q, want them rendered for the customer and signed by the owner", sent["subject"], sent["body"])
	}

	// 10:00: the customer leaves their details again, with a new address:
	// the intake function queues the owner's email on the notifications
	// queue, and the notifier sends it through SES.
	s.clock.Set(time.Date(2026, 11, 23, 10, 0, 0, 0, hanoi))
	again := `{"full_name":"Trần Văn Bảo","contact":{"phone":"0987123456"},"email":"bao.tran@example.vn"}`
	req := spa.signedLead(t, again, s.clock.Now())
	req.Headers["idempotency-key"] = "lead-again" // another request than the sample's
	s.invoke("HooksFunction", req, &reply)
	if reply.StatusCode != 202 {
		t.Fatalf("webhook: %d %s, want 202", reply.StatusCode, reply.Body)
	}
	s.settle()
	msgs, err = spa.svc.Notify.List(t.Context(), spa.admin, notify.Filter{CustomerID: cu.ID})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(msgs.Items, func(m *notify.Message) bool { return m.To == "chilan@hoamai.vn" })
	if len(msgs.Items) != 2 || i < 0 || msgs.Items[i].Status != notify.StatusSent || msgs.Items[i].ProviderID == "" {
		t.Fatalf("delivery records = %+v, want the owner's email sent too", msgs.Items)
	}
	sent = awstest.MotoRecord(t, s.endpoint, "ses", "Message", "id", msgs.Items[i].ProviderID)
	if sent["subject"] != "Khách hàng cũ Trần Văn Bảo vừa để lại thông tin qua Landing page" {
		t.Errorf("SES sent %q to the owner, want the returning customer's notice", sent["subject"])
	}
}

// spa is the workspace the lead comes into: a staff member, a warehouse
// and a pipeline step fed by a lead source and distributed by a
// round-robin rule, and a birthday care flow sending an email.
type spa struct {
	svc                       *services.Services
	admin                     *workspace.Caller
	staff                     *domain.User
	warehouse, pipeline, step string
	source                    *leads.WithSecret
	rule                      string
}

// openSpa sets the workspace up through the services as the api function
// wires them, over its connection.
func openSpa(t *testing.T, s *stack) *spa {
	ctx := t.Context()
	a := s.connect("ApiFunction")
	sp := &spa{svc: services.ForAPI(a.Store, a.Queues, a.Clock, a.Log)}
	ws := sp.svc.Workspaces
	_, admin, err := ws.CreateWorkspace(ctx, workspace.NewWorkspace{Name: "Spa Hoa Mai", Timezone: "Asia/Ho_Chi_Minh",
		AdminName: "Trần Thị Lan", AdminEmail: "lan@hoamai.vn", AdminSubject: "sub-lan"})
	must(t, err)
	c := sp.caller(t, admin.AuthSubject)
	sp.staff, err = ws.CreateUser(ctx, c, decode[workspace.UserInput](t, `{"name":"Chị Lan","email":"chilan@hoamai.vn","role":"staff"}`))
	must(t, err)
	wh, err := ws.SaveWarehouse(ctx, c, "", decode[workspace.WarehouseInput](t, `{"name":"Facebook Ads"}`))
	must(t, err)
	pl, err := ws.SavePipeline(ctx, c, "", decode[workspace.PipelineInput](t, `{"name":"Bán hàng","steps":[{"name":"Mới"},{"name":"Tư vấn"}]}`))
	must(t, err)
	sp.warehouse, sp.pipeline, sp.step = wh.ID, pl.ID, pl.Steps[0].ID
	c = sp.caller(t, admin.AuthSubject) // with the new set-up
	where := `"warehouse_id":"` + sp.warehouse + `","pipeline_id":"` + sp.pipeline + `","step_id":"` + sp.step + `"`
	sp.source, err = sp.svc.Leads.Create(ctx, c, decode[leads.Input](t, `{"name":"Landing page",`+where+`,
		"mapping":{"name":"$.full_name","phone":"$.contact.phone","email":"$.email","birthday":"$.birthday"}}`))
	must(t, err)
	rule, err := sp.svc.Distribution.Save(ctx, c, "", decode[distribution.Input](t, `{"name":"Xoay vòng","type":"round_robin",`+where+`,
		"delay":"0s","staff":[{"user_id":"`+sp.staff.ID+`"}]}`))
	must(t, err)
	sp.rule = rule.ID
	tplIn, err := templates.ParseInput(templates.KindEmail, []byte(`{"name":"Chúc mừng sinh nhật","subject":"Chúc mừng sinh nhật {{name}}",
		"body":"Kính gửi {{name}},\nSpa Hoa Mai chúc bạn sinh nhật vui vẻ!\n{{owner_name}}"}`))
	must(t, err)
	tpl, err := sp.svc.Templates.Create(ctx, c, templates.KindEmail, tplIn)
	must(t, err)
	flowIn, err := careflow.ParseInput([]byte(`{"module":"customers","name":"Chúc mừng sinh nhật",
		"when":{"type":"anniversary","field":"birthday","offset_days":0,"at":"09:00","window":"day"},"condition":{"all":true},
		"actions":[{"type":"send_email","template_id":"` + tpl.ID + `","to_fields":["email"]}]}`))
	must(t, err)
	flow, err := sp.svc.CareFlows.Create(ctx, c, flowIn)
	must(t, err)
	_, err = sp.svc.CareFlows.Activate(ctx, c, flow.ID)
	must(t, err)
	sp.admin = sp.caller(t, admin.AuthSubject)
	return sp
}

func (sp *spa) caller(t *testing.T, subject string) *workspace.Caller {
	c, err := sp.svc.Workspaces.Authenticate(t.Context(), subject)
	must(t, err)
	return c
}

// signedLead is the webhook sample event of events/, carrying body to the
// source, signed with its secret at now, as the lead form would send it
// through API Gateway.
func (sp *spa) signedLead(t *testing.T, body string, now time.Time) events.APIGatewayV2HTTPRequest {
	raw, err := os.ReadFile(filepath.Join(root, "events", "api-gateway-v2-webhook-lead.json"))
	must(t, err)
	var ev events.APIGatewayV2HTTPRequest
	must(t, json.Unmarshal([]byte(strings.ReplaceAll(string(raw), "src_sample", sp.source.ID)), &ev))
	ts := strconv.FormatInt(now.Unix(), 10)
	ev.Body = body
	ev.Headers["content-length"] = strconv.Itoa(len(body))
	ev.Headers["x-tend-timestamp"], ev.Headers["x-tend-signature"] = ts, leads.Sign(sp.source.Secret, ts, []byte(body))
	return ev
}

// hasEntry reports whether the history has an entry of the action by the
// actor, changing field when one is named.
func hasEntry(entries []domain.AuditEntry, action string, actor domain.Actor, field string) bool {
	return slices.ContainsFunc(entries, func(e domain.AuditEntry) bool {
		return e.Action == action && e.Actor == actor &&
			(field == "" || slices.ContainsFunc(e.Changes, func(c domain.FieldChange) bool { return c.Field == field }))
	})
}

// decode reads an input of the services from its JSON.
func decode[T any](t *testing.T, raw string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return v
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
