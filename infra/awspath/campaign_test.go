package awspath_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/campaign"
	"tend/internal/customer"
	"tend/internal/notify"
	"tend/internal/signing"
	"tend/internal/templates"
)

// A campaign on AWS (moto), as deployed: a key press signed with the
// campaign's secret, posted to the hooks function, moves its member; a
// send to the campaign's members runs as a job of the jobs function and
// its email goes out through SES.
func TestCampaignOnTheAWSPath(t *testing.T) {
	s := deploy(t, time.Date(2026, 11, 23, 10, 0, 0, 0, hanoi), nil)
	spa := openSpa(t, s)
	ctx := t.Context()
	svc := spa.svc
	camp, err := svc.Campaigns.Create(ctx, spa.admin, campaign.Input{Name: ptr("Tri ân khách hàng"), KeyMap: &map[string]string{"2": "joined"}})
	must(t, err)
	in, err := customer.ParseInput([]byte(`{"name":"Chị Ngọc","phone":"0912 345 678","email":"ngoc@example.vn"}`))
	must(t, err)
	cu, err := svc.Customers.CreateCustomer(ctx, spa.admin, in)
	must(t, err)
	_, err = svc.Campaigns.AddMembers(ctx, spa.admin, camp.ID, campaign.AddInput{CustomerID: &cu.ID})
	must(t, err)

	body := `{"phone":"0912345678","key":"2"}`
	var reply events.APIGatewayV2HTTPResponse
	s.invoke("HooksFunction", keyPress(t, camp, body, s.clock.Now()), &reply)
	var ans campaign.Answer
	if err := json.Unmarshal([]byte(reply.Body), &ans); reply.StatusCode != 200 || err != nil || ans.Status != campaign.StatusJoined {
		t.Fatalf("key press: %d %s (%v), want 200 joined", reply.StatusCode, reply.Body, err)
	}
	st, err := svc.Campaigns.Stats(ctx, spa.admin, camp.ID)
	must(t, err)
	if st.Totals != (campaign.Totals{Registered: 1, Confirmed: 1, Joined: 1}) {
		t.Fatalf("totals %+v", st.Totals)
	}

	tplIn, err := templates.ParseInput(templates.KindEmail, []byte(`{"name":"Tri ân","subject":"Cảm ơn {{name}}","body":"Cảm ơn {{name}} đã tham gia."}`))
	must(t, err)
	tpl, err := svc.Templates.Create(ctx, spa.admin, templates.KindEmail, tplIn)
	must(t, err)
	snd, err := svc.Campaigns.StartSend(ctx, spa.admin, camp.ID, campaign.SendInput{Channel: "email", TemplateID: tpl.ID, Statuses: []string{"joined"}})
	must(t, err)
	s.settle()
	got, err := svc.Campaigns.GetSend(ctx, spa.admin, camp.ID, snd.ID)
	must(t, err)
	if got.Status != campaign.SendDone || got.Queued != 1 {
		t.Fatalf("send %+v, want done with one message", got)
	}
	msgs, err := svc.Notify.List(ctx, spa.admin, notify.Filter{CustomerID: cu.ID})
	must(t, err)
	if len(msgs.Items) != 1 || msgs.Items[0].Status != notify.StatusSent || msgs.Items[0].Subject != "Cảm ơn Chị Ngọc" {
		t.Fatalf("delivery records = %+v, want one email sent", msgs.Items)
	}
}

// keyPress is the API Gateway event of a key press to a campaign, signed
// with its secret at now.
func keyPress(t *testing.T, camp *campaign.WithSecret, body string, now time.Time) events.APIGatewayV2HTTPRequest {
	raw, err := os.ReadFile(filepath.Join(root, "events", "api-gateway-v2-webhook-lead.json"))
	must(t, err)
	doc := strings.ReplaceAll(string(raw), "/hooks/leads/src_sample", "/hooks/campaigns/"+camp.ID+"/responses")
	doc = strings.ReplaceAll(doc, "/hooks/leads/{source_id}", "/hooks/campaigns/{campaign_id}/responses")
	var ev events.APIGatewayV2HTTPRequest
	must(t, json.Unmarshal([]byte(doc), &ev))
	ev.PathParameters = map[string]string{"campaign_id": camp.ID}
	ts := strconv.FormatInt(now.Unix(), 10)
	ev.Body = body
	ev.Headers["content-length"] = strconv.Itoa(len(body))
	ev.Headers["x-tend-timestamp"], ev.Headers["x-tend-signature"] = ts, signing.Sign(camp.Secret, ts, []byte(body))
	return ev
}

func ptr[T any](v T) *T { return &v }
