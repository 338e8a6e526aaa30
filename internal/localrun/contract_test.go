package localrun_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// recordingTB is a test that keeps the errors reported to it instead of
// failing.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// altered serves h with change applied to every JSON object it answers.
func altered(h http.Handler, change func(map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			change(m)
			body, _ = json.Marshal(m)
		}
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// TestHarnessHoldsAnswersToTheDocument serves real routes of the API with
// their answers altered, and checks that the harness reports what
// openapi.json does not allow, naming the operation and the JSON path.
func TestHarnessHoldsAnswersToTheDocument(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Hợp đồng")
	cases := []struct {
		name   string
		path   string
		status int
		change func(map[string]any)
		want   string // "": no report
	}{
		{"a real answer", "/v1/me", 200, func(map[string]any) {}, ""},
		{"a real answer with an extra field", "/v1/me", 200, func(m map[string]any) { m["nickname"] = "Lan" },
			"getMe (GET /v1/me): response 200 application/json at /: additional properties 'nickname' not allowed (schema #/components/schemas/Me/additionalProperties)"},
		{"a real answer missing a field", "/v1/me", 200, func(m map[string]any) { delete(m, "email") },
			"getMe (GET /v1/me): response 200 application/json at /: missing property 'email'"},
		{"a real answer with a nested extra field", "/v1/me", 200, func(m map[string]any) { m["workspace"].(map[string]any)["plan"] = "gold" },
			"getMe (GET /v1/me): response 200 application/json at /workspace: additional properties 'plan' not allowed (schema #/components/schemas/Workspace/additionalProperties)"},
		{"a real problem with an extra field", "/v1/customers/cus_missing", 404, func(m map[string]any) { m["hint"] = "?" },
			"getCustomer (GET /v1/customers/{id}): response 404 application/problem+json at /: additional properties 'hint' not allowed (schema #/components/schemas/Problem/additionalProperties)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(altered(s.app.Handler(), c.change))
			defer srv.Close()
			rec := &recordingTB{TB: t}
			(&client{t: rec, base: srv.URL, token: admin.token}).do("GET", c.path, nil).ok(c.status)
			switch {
			case c.want == "" && len(rec.errors) > 0:
				t.Fatalf("reported %q, want nothing", rec.errors)
			case c.want != "" && (len(rec.errors) != 1 || !strings.Contains(rec.errors[0], c.want)):
				t.Fatalf("reported %q, want one report with %q", rec.errors, c.want)
			}
		})
	}
}
