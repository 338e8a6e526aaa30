package main

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"tend/internal/apidocs"
	"tend/internal/awsmain"
	"tend/internal/lambdafn"
	"tend/internal/tendtest"
)

// sampleSub is the "sub" claim of the sample events in ../../events.
const sampleSub = "5b1e6d2a-8f3c-4c1e-9a57-0d4e2f6b9c11"

// fixture is the api function over a fresh SQLite store holding one
// workspace whose admin signs in as sampleSub.
type fixture struct {
	handle  lambdafn.HTTPHandler
	adminID string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Công ty Hoa Sen", AdminName: "Trần Thị Lan", AdminSubject: sampleSub})
	// As main builds it.
	return fixture{handle: lambdafn.API(&awsmain.AWS{Store: w.DB, Clock: w.Clock, Env: awsmain.Env{Log: slog.New(slog.DiscardHandler)}}, apidocs.Wrap),
		adminID: w.AdminUser.ID}
}

func loadEvent(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		t.Fatalf("read sample event: %v", err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("decode sample event %s: %v", name, err)
	}
	return ev
}

func (f fixture) invoke(t *testing.T, ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	t.Helper()
	resp, err := f.handle(t.Context(), ev)
	if err != nil {
		t.Fatalf("handler: %v", err)
	}
	return resp
}

func decodeBody(t *testing.T, resp events.APIGatewayV2HTTPResponse, v any) {
	t.Helper()
	if resp.IsBase64Encoded {
		t.Fatalf("body is base64-encoded, want JSON text")
	}
	if err := json.Unmarshal([]byte(resp.Body), v); err != nil {
		t.Fatalf("decode body %q: %v", resp.Body, err)
	}
}

func TestSampleEvents(t *testing.T) {
	// The sample events are also what `sam local invoke -e` is given: keep
	// them signed in as the subject the tests use.
	for _, name := range []string{"api-gateway-v2-request.json", "api-gateway-v2-create-customer.json"} {
		ev := loadEvent(t, name)
		if got := ev.RequestContext.Authorizer.JWT.Claims["sub"]; got != sampleSub {
			t.Errorf("%s: sub claim = %q, want %q", name, got, sampleSub)
		}
		// The template routes each method to /v1/{proxy+} on the $default stage.
		route := ev.RequestContext.HTTP.Method + " /v1/{proxy+}"
		if ev.Version != "2.0" || ev.RouteKey != route || ev.RequestContext.RouteKey != route || ev.RequestContext.Stage != "$default" {
			t.Errorf("%s: version %q, routeKey %q, stage %q; want an HTTP API payload 2.0 event on %s at $default",
				name, ev.Version, ev.RouteKey, ev.RequestContext.Stage, route)
		}
	}
}

func TestMe(t *testing.T) {
	f := newFixture(t)
	resp := f.invoke(t, loadEvent(t, "api-gateway-v2-request.json"))
	if resp.StatusCode != 200 {
		t.Fatalf("GET /v1/me: status %d, body %s; want 200", resp.StatusCode, resp.Body)
	}
	var me struct {
		ID        string `json:"id"`
		Workspace struct {
			Name string `json:"name"`
		} `json:"workspace"`
	}
	decodeBody(t, resp, &me)
	if me.ID != f.adminID || me.Workspace.Name != "Công ty Hoa Sen" {
		t.Errorf("GET /v1/me: id %q, workspace %q; want %q, %q", me.ID, me.Workspace.Name, f.adminID, "Công ty Hoa Sen")
	}
}

func TestCreateCustomer(t *testing.T) {
	f := newFixture(t)
	ev := loadEvent(t, "api-gateway-v2-create-customer.json")
	type customer struct {
		ID    string `json:"id"`
		Code  string `json:"code"`
		Name  string `json:"name"`
		Phone string `json:"phone"`
	}
	resp := f.invoke(t, ev)
	if resp.StatusCode != 201 {
		t.Fatalf("POST /v1/customers: status %d, body %s; want 201", resp.StatusCode, resp.Body)
	}
	var got customer
	decodeBody(t, resp, &got)
	want := customer{ID: got.ID, Code: "KH000001", Name: "Nguyễn Văn A", Phone: "+84912345678"}
	if got != want || got.ID == "" {
		t.Errorf("POST /v1/customers: got %+v, want %+v", got, want)
	}
	if loc := resp.Headers["Location"]; loc != "/v1/customers/"+got.ID {
		t.Errorf("Location = %q, want %q", loc, "/v1/customers/"+got.ID)
	}

	// The event carries an Idempotency-Key: Lambda retrying the same event
	// gets the first answer back instead of a second customer.
	again := f.invoke(t, ev)
	var replayed customer
	decodeBody(t, again, &replayed)
	if again.StatusCode != 201 || again.Headers["Idempotent-Replayed"] != "true" || replayed != got {
		t.Errorf("repeated POST: status %d, Idempotent-Replayed %q, body %+v; want 201, \"true\", %+v",
			again.StatusCode, again.Headers["Idempotent-Replayed"], replayed, got)
	}
}

func TestWithoutClaims(t *testing.T) {
	tests := []struct {
		name, event, method, path string
		wantStatus                int
		wantType                  string
	}{
		{"me without claims", "api-gateway-v2-request.json", "GET", "/v1/me", 401, "application/problem+json"},
		{"create without claims", "api-gateway-v2-create-customer.json", "POST", "/v1/customers", 401, "application/problem+json"},
		// The OpenAPI document and its reference page are the routes API
		// Gateway lets through without a token.
		{"public openapi.json", "api-gateway-v2-request.json", "GET", "/v1/openapi.json", 200, "application/json"},
		{"public reference page", "api-gateway-v2-request.json", "GET", "/docs", 200, "text/html"},
		{"the page's renderer", "api-gateway-v2-request.json", "GET", "/docs/redoc.standalone.js", 200, "text/javascript"},
		{"no other file under /docs", "api-gateway-v2-request.json", "GET", "/docs/other.js", 404, "application/problem+json"},
	}
	f := newFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := loadEvent(t, tt.event)
			ev.RequestContext.Authorizer = nil
			delete(ev.Headers, "authorization")
			ev.RawPath, ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.Path = tt.path, tt.method, tt.path
			resp := f.invoke(t, ev)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, body %s; want %d", resp.StatusCode, resp.Body, tt.wantStatus)
			}
			if ct := resp.Headers["Content-Type"]; !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("Content-Type = %q, want %s", ct, tt.wantType)
			}
		})
	}
}

// Nobody signed in opens a workspace unless the deployment allows it: the
// bootstrap subject may, anyone may with ALLOW_WORKSPACE_CREATION, and a
// member never opens a second one.
func TestWorkspaceCreation(t *testing.T) {
	const stranger, first = "aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002"
	tests := []struct {
		name    string
		env     awsmain.Env
		subject string
		status  int
		code    string
	}{
		{"closed by default", awsmain.Env{}, stranger, 403, "workspace_creation_closed"},
		{"the bootstrap subject", awsmain.Env{BootstrapAdminSubject: first}, first, 201, ""},
		{"anyone else, with a bootstrap subject", awsmain.Env{BootstrapAdminSubject: first}, stranger, 403, "workspace_creation_closed"},
		{"anyone, when allowed", awsmain.Env{AllowWorkspaceCreation: true}, stranger, 201, ""},
		{"a member, when allowed", awsmain.Env{AllowWorkspaceCreation: true}, sampleSub, 409, "already_member"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := tendtest.MustOpen(t, tendtest.Options{Name: "Hoa Sen", AdminSubject: sampleSub})
			tc.env.Log = slog.New(slog.DiscardHandler)
			proxy := httpadapter.NewV2(lambdafn.APIHandler(&awsmain.AWS{Store: w.DB, Clock: w.Clock, Env: tc.env}))
			ev := loadEvent(t, "api-gateway-v2-request.json")
			ev.RequestContext.HTTP.Method, ev.RawPath, ev.RequestContext.HTTP.Path = "POST", "/v1/workspaces", "/v1/workspaces"
			ev.RawQueryString, ev.QueryStringParameters = "", nil
			ev.RequestContext.Authorizer.JWT.Claims["sub"] = tc.subject
			ev.Body = `{"name": "Công ty mới", "admin_name": "Chị Mai", "admin_email": "mai@example.vn"}`
			ev.Headers["content-type"] = "application/json"
			resp, err := proxy.ProxyWithContext(t.Context(), ev)
			if err != nil || resp.StatusCode != tc.status || !strings.Contains(resp.Body, tc.code) {
				t.Fatalf("%d %s, %v; want %d %s", resp.StatusCode, resp.Body, err, tc.status, tc.code)
			}
		})
	}
}
