package openapitest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tend/internal/openapitest"
)

const (
	team       = `{"id":"team_1","name":"Bán lẻ","leader_id":"","member_ids":[],"created_at":"2026-11-25T02:00:00Z","updated_at":"2026-11-25T02:00:00Z","version":1}`
	notFound   = `{"type":"urn:tend:problem:not_found","title":"Not Found","status":404,"code":"not_found","detail":"Không tìm thấy.","errors":[]}`
	invalid    = `{"type":"urn:tend:problem:validation_failed","title":"Unprocessable Entity","status":422,"code":"validation_failed","detail":"Dữ liệu không hợp lệ.","errors":[{"path":"mood","code":"unknown_json_field","message":"Không có trường này."}]}`
	emptyPage  = `{"items":[],"next_cursor":""}`
	jsonType   = "application/json; charset=utf-8"
	problemTyp = "application/problem+json"
)

// exchange builds an exchange: a request with a bearer token (and a JSON
// body when there is one) and its answer.
func exchange(method, target, body string, status int, contentType, answer string) openapitest.Exchange {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	h := http.Header{"Authorization": {"Bearer token"}}
	if body != "" {
		h.Set("Content-Type", "application/json")
	}
	rh := http.Header{}
	if contentType != "" {
		rh.Set("Content-Type", contentType)
	}
	return openapitest.Exchange{Method: method, URL: u, Header: h, Body: []byte(body),
		Status: status, ResponseHeader: rh, ResponseBody: []byte(answer)}
}

func TestCheck(t *testing.T) {
	doc, err := openapitest.Load()
	if err != nil {
		t.Fatal(err)
	}
	formSent := exchange("POST", "/v1/teams", `{"name":"Bán lẻ"}`, 201, jsonType, team)
	formSent.Header.Set("Content-Type", "application/x-www-form-urlencoded") // what curl -d sends
	noToken := exchange("GET", "/v1/teams", "", 200, jsonType, `{"items":[`+team+`],"next_cursor":""}`)
	noToken.Header.Del("Authorization")
	badLanguage := exchange("GET", "/v1/teams/team_9", "", 404, problemTyp, notFound)
	badLanguage.ResponseHeader.Set("Content-Language", "fr")

	cases := []struct {
		name string
		x    openapitest.Exchange
		// want are pieces of the report, one per mismatch; none: it matches.
		want []string
	}{
		{"a documented answer", exchange("POST", "/v1/teams", `{"name":"Bán lẻ"}`, 201, jsonType, team), nil},
		{"an answer with an undocumented field",
			exchange("POST", "/v1/teams", `{"name":"Bán lẻ"}`, 201, jsonType, strings.Replace(team, `"version":1`, `"version":1,"budget":5`, 1)),
			[]string{"createTeam (POST /v1/teams): response 201 application/json at /: additional properties 'budget' not allowed (schema #/components/schemas/Team/additionalProperties)"}},
		{"an answer missing a field",
			exchange("GET", "/v1/teams", "", 200, jsonType, `{"items":[]}`),
			[]string{"listTeams (GET /v1/teams): response 200 application/json at /: missing property 'next_cursor'"}},
		{"a value of the wrong type deep in an answer",
			exchange("GET", "/v1/teams", "", 200, jsonType, `{"items":[`+strings.Replace(team, `"member_ids":[]`, `"member_ids":[7]`, 1)+`],"next_cursor":""}`),
			[]string{"response 200 application/json at /items/0/member_ids/0: got number, want string"}},
		{"a documented problem", exchange("GET", "/v1/teams/team_9", "", 404, problemTyp, notFound), nil},
		{"a problem with an undocumented field",
			exchange("GET", "/v1/teams/team_9", "", 404, problemTyp, strings.Replace(notFound, `"errors":[]`, `"errors":[],"hint":"x"`, 1)),
			[]string{"getTeam (GET /v1/teams/{id}): response 404 application/problem+json at /: additional properties 'hint' not allowed (schema #/components/schemas/Problem/additionalProperties)"}},
		{"a problem header the document does not allow", badLanguage,
			[]string{"getTeam (GET /v1/teams/{id}): response 404 header Content-Language: value must be one of 'vi', 'en'"}},
		{"an undocumented status", exchange("GET", "/v1/teams/team_9", "", 418, problemTyp, notFound),
			[]string{"getTeam (GET /v1/teams/{id}): response 418: status 418 is not documented"}},
		{"an answer of an undocumented content type", exchange("GET", "/v1/teams/team_9", "", 404, "text/html", "<p>Not found</p>"),
			[]string{`getTeam (GET /v1/teams/{id}): response 404: content type "text/html" is not documented (documented: application/problem+json)`}},
		{"a body where none is documented", exchange("DELETE", "/v1/teams/team_1", "", 204, jsonType, "{}"),
			[]string{"deleteTeam (DELETE /v1/teams/{id}): response 204: documented without a body"}},
		{"an accepted request with an undocumented property",
			exchange("POST", "/v1/teams", `{"name":"Bán lẻ","mood":"vui"}`, 201, jsonType, team),
			[]string{"createTeam (POST /v1/teams): request body application/json at /: additional properties 'mood' not allowed"}},
		{"a refused request with an undocumented property",
			exchange("POST", "/v1/teams", `{"name":"Bán lẻ","mood":"vui"}`, 422, problemTyp, invalid), nil},
		{"an accepted request without a required property",
			exchange("POST", "/v1/teams", `{"member_ids":[]}`, 201, jsonType, team),
			[]string{"createTeam (POST /v1/teams): request body application/json at /: missing property 'name'"}},
		{"a JSON body sent as curl -d sends it", formSent, nil},
		{"an accepted request without the token the operation needs", noToken,
			[]string{"listTeams (GET /v1/teams): request: the operation needs a bearer token"}},
		{"an accepted undocumented query parameter", exchange("GET", "/v1/customers?verbose=1", "", 200, jsonType, emptyPage),
			[]string{"listCustomers (GET /v1/customers): query parameter verbose: not in the document"}},
		{"an accepted query value of the wrong type", exchange("GET", "/v1/customers?limit=many", "", 200, jsonType, emptyPage),
			[]string{"listCustomers (GET /v1/customers): query parameter limit: got string, want integer"}},
		{"an accepted query value out of range", exchange("GET", "/v1/customers?limit=501", "", 200, jsonType, emptyPage),
			[]string{"listCustomers (GET /v1/customers): query parameter limit: maximum: got 501, want 500"}},
		{"query values as documented", exchange("GET", "/v1/customers?limit=20&deleted=true&sort=-name&q=an", "", 200, jsonType, emptyPage), nil},
		{"an empty sort, which the document allows", exchange("GET", "/v1/customers?sort=", "", 200, jsonType, emptyPage), nil},
		{"a literal segment before a parameter", exchange("POST", "/v1/customers/bulk/step", `{"ids":["cus_1"],"pipeline_id":"pl_1","step_id":"st_1"}`, 200, jsonType, `{}`),
			[]string{"bulkSetStep (POST /v1/customers/bulk/step): response 200 application/json at /: missing properties"}},
		{"a path the document has no operation for, refused",
			exchange("GET", "/v1/nowhere", "", 404, problemTyp, notFound), nil},
		{"a path the document has no operation for, answered",
			exchange("GET", "/v1/nowhere", "", 200, jsonType, `{}`),
			[]string{"no operation (GET /v1/nowhere): response 200: the document has no operation for this method and path"}},
		{"a development helper, left out", exchange("POST", "/dev/clock", `{"now":"2026-11-25T02:00:00Z","x":1}`, 200, jsonType, `{"anything":true}`), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := doc.Check(c.x)
			if len(got) != len(c.want) {
				t.Fatalf("got %d mismatches, want %d:\n%s", len(got), len(c.want), openapitest.Report(got, c.x))
			}
			for i, want := range c.want {
				if !strings.Contains(got[i].String(), want) {
					t.Errorf("mismatch %d:\n got: %s\nwant: %s", i, got[i], want)
				}
			}
		})
	}
}

func TestLoadCompilesOnce(t *testing.T) {
	a, err := openapitest.Load()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := openapitest.Load()
	if a != b {
		t.Error("Load compiled the document twice: want one document per test binary")
	}
}

func TestCompileRefusesABrokenDocument(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"not JSON", `{"openapi":`, "not JSON"},
		{"a reference to nothing", `{"openapi":"3.1.0","paths":{"/v1/x":{"get":{"responses":{"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/X"}}}}}}}},"components":{"schemas":{"Problem":{"type":"object"}}}}`, "/paths/~1v1~1x/get/responses/200/content/application~1json/schema"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := openapitest.Compile([]byte(c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Compile: got %v, want an error naming %q", err, c.want)
			}
		})
	}
}
