package localrun_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tend/internal/httpapi"
	"tend/internal/localrun"
	"tend/internal/openapitest"
	"tend/internal/store"
	"tend/internal/store/faultstore"
)

// system is a running local Tend behind a test HTTP server.
type system struct {
	t      testing.TB
	app    *localrun.App
	srv    *httptest.Server
	dir    string
	faults *faults
}

// faults decides which writes of the services fail, as a crash would;
// none until a test says.
type faults struct {
	mu sync.Mutex
	fn func(faultstore.Write) faultstore.Fault
}

// set makes fn decide every write from now on.
func (f *faults) set(fn func(faultstore.Write) faultstore.Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fn = fn
}

func (f *faults) decide(w faultstore.Write) faultstore.Fault {
	f.mu.Lock()
	fn := f.fn
	f.mu.Unlock()
	if fn == nil {
		return faultstore.None
	}
	return fn(w)
}

// testEpoch is where every test's clock starts, running on from there, so
// that no test depends on the day it is run. The tests' own dates were
// chosen around it: some move the clock back months before it, others
// forward by days.
var testEpoch = time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)

// testSecret signs the tokens of the runners the tests start.
const testSecret = "test-secret-test-secret-test-secret"

// start runs Tend over a fresh data directory (with the demo workspace when
// demo is set).
func start(t testing.TB, demo bool) *system {
	t.Helper()
	return startIn(t, t.TempDir(), demo)
}

func startIn(t testing.TB, dir string, demo bool) *system {
	t.Helper()
	return startWith(t, dir, func(cfg *localrun.Config) { cfg.Demo = demo })
}

// startWith runs Tend over a data directory with a configuration set
// by tweak.
func startWith(t testing.TB, dir string, tweak func(*localrun.Config)) *system {
	t.Helper()
	faults := &faults{}
	// The server's address is known before it starts: the runner's file
	// links name it.
	srv := httptest.NewUnstartedServer(nil)
	cfg := localrun.Config{DataDir: dir, JWTSecret: []byte(testSecret), PublicURL: "http://" + srv.Listener.Addr().String(),
		WrapStore: func(st store.Store) store.Store { return faultstore.New(st, faults.decide) }}
	tweak(&cfg)
	app, err := localrun.Open(t.Context(), cfg)
	if err != nil {
		srv.Close()
		t.Fatalf("Open: %v", err)
	}
	// Every test runs on the runner's clock from a fixed start, not on the
	// wall clock, so that it passes on any day it is run.
	app.Clock.Set(testEpoch, true)
	srv.Config.Handler = app.Handler()
	srv.Start()
	s := &system{t: t, app: app, srv: srv, dir: dir, faults: faults}
	t.Cleanup(s.stop)
	return s
}

func (s *system) stop() {
	if s.srv != nil {
		s.srv.Close()
		s.app.Close()
		s.srv = nil
	}
}

// as returns a client acting with a token.
func (s *system) as(token string) *client { return &client{t: s.t, base: s.srv.URL, token: token} }

// anon returns a client without a token.
func (s *system) anon() *client { return &client{t: s.t, base: s.srv.URL} }

// workspace opens a new workspace and returns its admin's client.
func (s *system) workspace(name string) (*client, string) {
	s.t.Helper()
	var out struct {
		TenantID    string `json:"tenant_id"`
		AdminUserID string `json:"admin_user_id"`
		Token       string `json:"token"`
	}
	s.anon().do("POST", "/dev/workspaces", map[string]string{"name": name}).ok(201).into(&out)
	c := s.as(out.Token)
	c.userID = out.AdminUserID
	return c, out.TenantID
}

// user creates a user in the admin's workspace and returns their client.
func (c *client) user(name, role string) *client {
	c.t.Helper()
	var u struct {
		ID string `json:"id"`
	}
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + fmt.Sprintf(".%d@example.vn", time.Now().UnixNano())
	c.do("POST", "/v1/users", map[string]any{"name": name, "email": email, "role": role}).ok(201).into(&u)
	var tok struct {
		Token string `json:"token"`
	}
	c.anonDo("POST", "/dev/token", map[string]string{"user_id": u.ID}).ok(200).into(&tok)
	return &client{t: c.t, base: c.base, token: tok.Token, userID: u.ID}
}

// client calls the API.
type client struct {
	t      testing.TB
	base   string
	token  string
	userID string
	lang   string
	header map[string]string
}

// with returns a copy of the client sending an extra header.
func (c *client) with(name, value string) *client {
	cp := *c
	cp.header = map[string]string{}
	for k, v := range c.header {
		cp.header[k] = v
	}
	cp.header[name] = value
	return &cp
}

// reply is an answer from the API.
type reply struct {
	t      testing.TB
	req    string
	Status int
	Header http.Header
	Body   []byte
}

func (c *client) anonDo(method, path string, body any) *reply {
	cp := *c
	cp.token = ""
	return cp.do(method, path, body)
}

// do sends a request; body is JSON-encoded unless it is a string or nil.
func (c *client) do(method, path string, body any) *reply {
	c.t.Helper()
	var rd io.Reader
	var sent []byte
	switch b := body.(type) {
	case nil:
	case string:
		sent = []byte(b)
	case []byte:
		sent = b
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("encode body: %v", err)
		}
		sent = enc
	}
	if body != nil {
		rd = bytes.NewReader(sent)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, rd)
	if err != nil {
		c.t.Fatalf("request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := &reply{t: c.t, req: method + " " + path, Status: resp.StatusCode, Header: resp.Header, Body: b}
	r.checkMessages()
	r.checkContract(req, sent)
	return r
}

// checkContract fails the test when the request or its answer is not what
// openapi.json says of the operation (see openapitest.Document.Check).
func (r *reply) checkContract(req *http.Request, sent []byte) {
	r.t.Helper()
	doc, err := openapitest.Load()
	if err != nil {
		r.t.Fatalf("openapi.json: %v", err)
	}
	x := openapitest.Exchange{Method: req.Method, URL: req.URL, Header: req.Header, Body: sent,
		Status: r.Status, ResponseHeader: r.Header, ResponseBody: r.Body}
	if ms := doc.Check(x); len(ms) > 0 {
		r.t.Errorf("%s: not as openapi.json says:\n%s", r.req, openapitest.Report(ms, x))
	}
}

// checkMessages fails the test when a problem's detail or an error's
// message still holds a brace: a {param} its code was given without.
func (r *reply) checkMessages() {
	r.t.Helper()
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		return
	}
	var p httpapi.Problem
	if err := json.Unmarshal(r.Body, &p); err != nil {
		r.t.Errorf("%s: problem+json that is not a problem: %v: %s", r.req, err, r.Body)
		return
	}
	texts := []string{p.Detail}
	for _, e := range p.Errors {
		texts = append(texts, e.Message)
	}
	for _, text := range texts {
		if strings.ContainsAny(text, "{}") {
			r.t.Errorf("%s: message %q has a brace (an unfilled placeholder?): %s", r.req, text, r.Body)
		}
	}
}

// ok fails the test unless the status is want.
func (r *reply) ok(want int) *reply {
	r.t.Helper()
	if r.Status != want {
		r.t.Fatalf("%s: status %d, want %d: %s", r.req, r.Status, want, r.Body)
	}
	return r
}

func (r *reply) into(v any) *reply {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("%s: decode %s: %v", r.req, r.Body, err)
	}
	return r
}

// obj decodes the answer as a JSON object.
func (r *reply) obj() map[string]any {
	r.t.Helper()
	var m map[string]any
	r.into(&m)
	return m
}

// problem checks a problem+json answer of a status and returns it.
func (r *reply) problem(status int) httpapi.Problem {
	r.t.Helper()
	r.ok(status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		r.t.Fatalf("%s: Content-Type %q, want application/problem+json", r.req, ct)
	}
	var p httpapi.Problem
	r.into(&p)
	if p.Status != status || p.Code == "" || p.Detail == "" {
		r.t.Fatalf("%s: incomplete problem %+v", r.req, p)
	}
	return p
}

// hasError fails unless the problem names path with code.
func hasError(t *testing.T, p httpapi.Problem, path, code string) {
	t.Helper()
	for _, e := range p.Errors {
		if e.Path == path && (code == "" || e.Code == code) {
			if e.Message == "" {
				t.Fatalf("error at %s has no message", path)
			}
			return
		}
	}
	t.Fatalf("problem %s has no error at %q with code %q; errors: %+v", p.Code, path, code, p.Errors)
}

// customer is the part of a customer the tests read.
type customer struct {
	ID          string            `json:"id"`
	Code        string            `json:"code"`
	Name        string            `json:"name"`
	Phone       string            `json:"phone"`
	Email       string            `json:"email"`
	OwnerID     string            `json:"owner_id"`
	WarehouseID string            `json:"warehouse_id"`
	Fields      map[string]any    `json:"fields"`
	Pipelines   map[string]string `json:"pipelines"`
	SharedWith  []string          `json:"shared_with"`
	PinnedUntil *time.Time        `json:"pinned_until"`
	PinnedAt    *time.Time        `json:"pinned_at"`
	LastCareAt  *time.Time        `json:"last_care_at"`
	NextAppt    *time.Time        `json:"next_appointment_at"`
	Version     int64             `json:"version"`
	Tags        []string          `json:"tags"`
}

func (c *client) createCustomer(body map[string]any) customer {
	c.t.Helper()
	var cu customer
	c.do("POST", "/v1/customers", body).ok(201).into(&cu)
	return cu
}

type customerPage struct {
	Items      []customer `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

func (c *client) list(query string) customerPage {
	c.t.Helper()
	var p customerPage
	c.do("GET", "/v1/customers"+query, nil).ok(200).into(&p)
	return p
}

func ids(cs []customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// setClock sets the runner's clock.
func (s *system) setClock(t time.Time) {
	s.t.Helper()
	s.anon().do("POST", "/dev/clock", map[string]any{"now": t}).ok(200)
}

// create makes a set-up entity and returns its id.
func (c *client) create(path string, body any) string {
	c.t.Helper()
	var v struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	c.do("POST", path, body).ok(201).into(&v)
	if v.ID == "" {
		return v.Key
	}
	return v.ID
}

// historyPage is a page of history entries, a customer's or a task's.
type historyPage struct {
	Items []struct {
		Action string `json:"action"`
		Actor  struct {
			Kind, ID, Name string
		} `json:"actor"`
		Changes []struct {
			Field  string `json:"field"`
			Before any    `json:"before"`
			After  any    `json:"after"`
		} `json:"changes"`
	} `json:"items"`
}
