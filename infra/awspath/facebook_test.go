package awspath_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/fbgraph/fbgraphtest"
	"tend/internal/leads"
)

// A Facebook Lead Ads lead on AWS (moto): an admin sets the source's app
// secret and page token through the api function, which seals them with
// the template's key (on moto's KMS); the hooks function opens the app
// secret to check the notification's signature and holds the lead on the
// intake queue; the intake function opens the page token, reads the lead
// from the Graph API the FacebookGraphUrl parameter names (a fake) and
// makes the customer, whom the rule gives out.
func TestFacebookLeadOnTheAWSPath(t *testing.T) {
	graph := fbgraphtest.New()
	defer graph.Close()
	s := deploy(t, time.Date(2026, 3, 2, 9, 56, 0, 0, hanoi), map[string]string{"FacebookGraphUrl": graph.URL})
	spa := openSpa(t, s)

	const appSecret, token = "fb-app-secret", "EAAB-page-token"
	where := `"warehouse_id":"` + spa.warehouse + `","pipeline_id":"` + spa.pipeline + `","step_id":"` + spa.step + `"`
	var src leads.WithSecret
	if status := s.apiCall("POST", "/v1/lead-sources", `{"name":"Facebook Lead Ads","kind":"facebook",`+where+`,
		"secrets":{"app_secret":"`+appSecret+`","page_access_token":"`+token+`"}}`, &src); status != 201 || src.HookPath == "" {
		t.Fatalf("create the source: %d %+v", status, src)
	}
	if raw := s.sourceItem(src.ID); bytes.Contains(raw, []byte(token)) || bytes.Contains(raw, []byte(appSecret)) {
		t.Fatalf("the source's item holds a secret in the clear: %s", raw)
	}

	graph.AddAnswer(token, "1234567890123456", sample(t, "providers/facebook-graph-lead.json"))
	note := string(sample(t, "providers/facebook-leadgen-notification.json"))
	var reply events.APIGatewayV2HTTPResponse
	s.invoke("HooksFunction", hookEvent(t, src.HookPath, note, map[string]string{"x-hub-signature-256": facebookSigned("wrong", note)}), &reply)
	if reply.StatusCode != 401 {
		t.Errorf("a wrong signature: %d %s, want 401", reply.StatusCode, reply.Body)
	}
	s.invoke("HooksFunction", hookEvent(t, src.HookPath, note, map[string]string{"x-hub-signature-256": facebookSigned(appSecret, note)}), &reply)
	if reply.StatusCode != 200 {
		t.Fatalf("the notification: %d %s, want 200", reply.StatusCode, reply.Body)
	}
	if n := s.drain("IntakeFunction"); n != 1 {
		t.Fatalf("the intake queue held %d messages, want the lead's", n)
	}
	s.settle()

	log, err := spa.svc.Leads.Deliveries(t.Context(), spa.admin, src.ID, 10, "")
	must(t, err)
	if len(log.Items) != 1 || log.Items[0].Outcome != leads.OutcomeAccepted || graph.Calls() != 1 {
		t.Fatalf("deliveries %+v after %d Graph calls, want the lead taken after one", log.Items, graph.Calls())
	}
	cu, err := spa.svc.Customers.GetCustomer(t.Context(), spa.admin, log.Items[0].CustomerID)
	must(t, err)
	if cu.Name != "Nguyễn Thị Lan" || cu.Phone != "+84912345678" || cu.Email != "lan.nguyen@example.com" || cu.OwnerID != spa.staff.ID {
		t.Errorf("customer = %+v, want the Graph lead's fields, given to %s", cu, spa.staff.ID)
	}
}

// apiCall sends a request to the api function as API Gateway does, signed
// in as the spa's admin, and reads the answer into v.
func (s *stack) apiCall(method, path, body string, v any) int {
	t := s.t
	t.Helper()
	reply := s.apiReply(method, path, body)
	if err := json.Unmarshal([]byte(reply.Body), v); err != nil {
		t.Fatalf("%s %s answered %d %s: %v", method, path, reply.StatusCode, reply.Body, err)
	}
	return reply.StatusCode
}

// apiReply sends a request to the api function as API Gateway does, signed
// in as the spa's admin, and returns the function's answer as it is.
func (s *stack) apiReply(method, path, body string) events.APIGatewayV2HTTPResponse {
	t := s.t
	t.Helper()
	var ev events.APIGatewayV2HTTPRequest
	must(t, json.Unmarshal(sample(t, "api-gateway-v2-create-customer.json"), &ev))
	path, query, _ := strings.Cut(path, "?")
	ev.RawPath, ev.RawQueryString, ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.Path = path, query, method, path
	values, err := url.ParseQuery(query)
	must(t, err)
	ev.QueryStringParameters = map[string]string{}
	for k := range values {
		ev.QueryStringParameters[k] = strings.Join(values[k], ",")
	}
	ev.PathParameters = map[string]string{"proxy": strings.TrimPrefix(path, "/v1/")}
	ev.Body, ev.Headers["content-length"] = body, strconv.Itoa(len(body))
	delete(ev.Headers, "idempotency-key")
	ev.RequestContext.Authorizer.JWT.Claims["sub"] = "sub-lan"
	var reply events.APIGatewayV2HTTPResponse
	s.invoke("ApiFunction", ev, &reply)
	return reply
}

// sourceItem is a lead source's item in the table, as DynamoDB holds it.
func (s *stack) sourceItem(id string) []byte {
	t := s.t
	t.Helper()
	a := s.connect("ApiFunction")
	out, err := dynamodb.NewFromConfig(a.Config).GetItem(t.Context(), &dynamodb.GetItemInput{TableName: aws.String(a.Table),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "LEADSRC#" + id}, "SK": &types.AttributeValueMemberS{Value: "A"}}})
	if err != nil || out.Item == nil {
		t.Fatalf("the source's item: %v", err)
	}
	raw, err := json.Marshal(out.Item)
	must(t, err)
	return raw
}

// hookEvent is the webhook sample event of events/ posting body to path
// with headers, as a provider's post reaches the hooks function.
func hookEvent(t *testing.T, path, body string, headers map[string]string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	var ev events.APIGatewayV2HTTPRequest
	must(t, json.Unmarshal(sample(t, "api-gateway-v2-webhook-lead.json"), &ev))
	id := strings.TrimPrefix(path, "/hooks/leads/")
	ev.RawPath, ev.RequestContext.HTTP.Path, ev.PathParameters = path, path, map[string]string{"source_id": id}
	ev.Body = body
	delete(ev.Headers, "x-tend-timestamp")
	delete(ev.Headers, "x-tend-signature")
	delete(ev.Headers, "idempotency-key")
	ev.Headers["content-length"] = strconv.Itoa(len(body))
	for k, v := range headers {
		ev.Headers[k] = v
	}
	return ev
}

// sample is a sample of events/ (the providers' in events/providers).
func sample(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "events", name))
	must(t, err)
	return raw
}

// facebookSigned is Facebook's X-Hub-Signature-256 of a body.
func facebookSigned(appSecret, body string) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
