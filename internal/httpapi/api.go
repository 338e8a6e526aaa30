// Package httpapi is Tend's HTTP API: plain net/http handlers over the
// services, with authentication, role checks, problem+json errors in the
// caller's language and idempotent writes. The same handler runs behind API
// Gateway on Lambda and on the local runner.
package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"tend/internal/automation"
	"tend/internal/birthday"
	"tend/internal/campaign"
	"tend/internal/careflow"
	"tend/internal/customer"
	"tend/internal/customerlist"
	"tend/internal/distribution"
	"tend/internal/domain"
	"tend/internal/export"
	"tend/internal/idempotency"
	"tend/internal/importing"
	"tend/internal/inbox"
	"tend/internal/leads"
	"tend/internal/listprefs"
	"tend/internal/notify"
	"tend/internal/orders"
	"tend/internal/project"
	"tend/internal/queuegroup"
	"tend/internal/reports"
	"tend/internal/sharing"
	"tend/internal/task"
	"tend/internal/templates"
	"tend/internal/timeline"
	"tend/internal/workspace"
)

// Config holds what the API needs.
type Config struct {
	Workspaces   *workspace.Service
	Customers    *customer.Service
	Lists        *customerlist.Service
	ListPrefs    *listprefs.Service
	Exports      *export.Service
	Timeline     *timeline.Service
	Automation   *automation.Service
	Orders       *orders.Service
	Distribution *distribution.Service
	Leads        *leads.Service
	Inbox        *inbox.Service
	// Birthdays lists colleagues' birthdays coming up.
	Birthdays *birthday.Service
	Templates *templates.Service
	Tasks     *task.Service
	Projects  *project.Service
	CareFlows *careflow.Service
	Notify    *notify.Service
	Reports   *reports.Service
	Imports   *importing.Service
	Campaigns *campaign.Service
	// Sharing keeps the share rules.
	Sharing *sharing.Service
	Auth    Authenticator
	// WorkspaceCreation says who may open a workspace (POST /v1/workspaces).
	WorkspaceCreation WorkspaceCreation
	Idempotency       *idempotency.Keeper
	Log               *slog.Logger
}

// Route describes one endpoint, for the router and the OpenAPI check.
type Route struct {
	Method  string
	Pattern string
	// Public routes need no token; Bare routes need a token but no user
	// (opening a workspace); Hook routes are signed by a lead source;
	// Admin routes answer 403 to anyone but an admin.
	Public, Bare, Hook, Admin bool
}

// API is the HTTP API.
type API struct {
	cfg    Config
	mux    *http.ServeMux
	routes []Route
}

// handler serves one authenticated request; a returned error becomes a
// problem answer.
type handler func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error

// New builds the API.
func New(cfg Config) *API {
	a := newAPI(cfg)
	a.routesSetup()
	a.routesCustomers()
	a.routesListPrefs()
	a.routesExport()
	a.routesTimeline()
	a.routesAutomations()
	a.routesOrders()
	a.routesLeads()
	a.routesInbox()
	a.routesHooks()
	a.routesDistribution()
	a.routesTemplates()
	a.routesTasks()
	a.routesProjects()
	a.routesCareFlows()
	a.routesMessages()
	a.routesReports()
	a.routesImports()
	a.routesCampaigns()
	a.routesShareRules()
	a.routesCalendar()
	a.public("GET /v1/openapi.json", serveOpenAPI)
	a.bare("POST /v1/workspaces", a.createWorkspace)
	return a
}

// NewHooks builds the webhooks alone (/hooks/*), for the function that
// serves them: it needs only the lead sources, the campaigns and the
// idempotency keeper.
func NewHooks(cfg Config) *API {
	a := newAPI(cfg)
	a.routesHooks()
	return a
}

func newAPI(cfg Config) *API {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &API{cfg: cfg, mux: http.NewServeMux()}
}

// Routes lists every endpoint.
func (a *API) Routes() []Route { return slices.Clone(a.routes) }

type ctxKey int

const requestIDKey ctxKey = iota

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Request-Id")
	if id == "" || len(id) > 100 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	w.Header().Set("X-Request-Id", id)
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			// problemFor logs the panic and answers a plain 500.
			writeProblem(w, problemFor(r, a.cfg.Log, fmt.Errorf("panic: %v", v), language(r, "")), language(r, ""))
		}
	}()
	if _, pattern := a.mux.Handler(r); pattern == "" {
		a.notRouted(w, r)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// notRouted answers 405 when the path exists for another method, else 404.
func (a *API) notRouted(w http.ResponseWriter, r *http.Request) {
	lang := language(r, "")
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		p := problemFor(r, a.cfg.Log, domain.Errorf(domain.ErrBadRequest, "method_not_allowed"), lang)
		p.Status, p.Title = http.StatusMethodNotAllowed, http.StatusText(http.StatusMethodNotAllowed)
		writeProblem(w, p, lang)
		return
	}
	writeProblem(w, problemFor(r, a.cfg.Log, domain.Errorf(domain.ErrNotFound, "route_not_found"), lang), lang)
}

func (a *API) public(pattern string, h http.HandlerFunc) {
	a.register(pattern, Route{Public: true}, func(w *recorder, r *http.Request) { h(w, r) })
}

func (a *API) bare(pattern string, h func(w http.ResponseWriter, r *http.Request, subject string) error) {
	a.register(pattern, Route{Bare: true}, func(w *recorder, r *http.Request) {
		lang := language(r, "")
		subject, err := a.cfg.Auth.Subject(r)
		if err == nil {
			err = h(w, r, subject)
		}
		if err != nil {
			writeProblem(w, problemFor(r, a.cfg.Log, err, lang), lang)
		}
	})
}

// handle registers an authenticated endpoint.
func (a *API) handle(pattern string, h handler) {
	a.register(pattern, Route{}, func(w *recorder, r *http.Request) { a.serve(w, r, h) })
}

// admin registers an endpoint only admins may call: the role is checked
// before the body is even read.
func (a *API) admin(pattern string, h handler) {
	onlyAdmins := func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		if err := c.RequireAdmin(); err != nil {
			return err
		}
		return h(w, r, c)
	}
	a.register(pattern, Route{Admin: true}, func(w *recorder, r *http.Request) { a.serve(w, r, onlyAdmins) })
}

// register routes pattern to h, and logs every request it serves with
// its status, caller (once known) and duration.
func (a *API) register(pattern string, rt Route, h func(w *recorder, r *http.Request)) {
	method, path, _ := strings.Cut(pattern, " ")
	rt.Method, rt.Pattern = method, path
	a.routes = append(a.routes, rt)
	a.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		// Wall time, not the workspace's clock: how long the answer took.
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		h(rec, r)
		a.cfg.Log.InfoContext(r.Context(), "request", "request_id", r.Context().Value(requestIDKey), "method", r.Method,
			"path", r.URL.Path, "status", rec.status, "tenant", rec.tenant, "user", rec.user,
			"ms", time.Since(start).Milliseconds())
	})
}

// serve authenticates the caller, then runs h, through the idempotency
// keeper when the request is a write with an Idempotency-Key.
func (a *API) serve(w *recorder, r *http.Request, h handler) {
	lang := language(r, "")
	caller, err := a.caller(r)
	if err != nil {
		writeProblem(w, problemFor(r, a.cfg.Log, err, lang), lang)
		return
	}
	w.tenant, w.user = caller.Tenant(), caller.User.ID
	// What the request queues is its workspace's: the shared queues serve
	// workspaces in turn (queuegroup).
	r = r.WithContext(queuegroup.With(r.Context(), caller.Tenant()))
	lang = language(r, caller.Org.Workspace.Language)
	err = a.idempotent(w, r, caller, h)
	if err != nil {
		p := problemFor(r, a.cfg.Log.With("tenant", caller.Tenant(), "user", caller.User.ID), err, lang)
		writeProblem(w, p, lang)
	}
}

func (a *API) caller(r *http.Request) (*workspace.Caller, error) {
	subject, err := a.cfg.Auth.Subject(r)
	if err != nil {
		return nil, err
	}
	return a.cfg.Workspaces.Authenticate(r.Context(), subject)
}

// idempotent runs h once per Idempotency-Key: a repeat of the same request
// gets the first answer back and changes nothing.
func (a *API) idempotent(w *recorder, r *http.Request, c *workspace.Caller, h handler) error {
	lang := language(r, c.Org.Workspace.Language)
	return a.once(w, r, "T#"+c.Tenant()+"#U#"+c.User.ID, lang, func() error { return h(w, r, c) })
}

// once runs h once per Idempotency-Key within scope (a user, a lead
// source): a repeat of the same request gets the first answer back and
// changes nothing.
func (a *API) once(w *recorder, r *http.Request, scope, lang string, h func() error) error {
	// Joined: behind API Gateway the proxy splits header values at commas.
	key := strings.Join(r.Header.Values("Idempotency-Key"), ",")
	if key == "" || r.Method == http.MethodGet || a.cfg.Idempotency == nil {
		return h()
	}
	if len(key) > 255 {
		return &domain.Error{Kind: domain.ErrInvalid, Code: "validation_failed",
			Fields: []domain.FieldError{{Path: "Idempotency-Key", Code: "too_long", Params: map[string]string{"max": "255"}}}}
	}
	body, err := readRaw(w, r)
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	fp := idempotency.Fingerprint(r.Method, r.URL.RequestURI(), body)
	prev, err := a.begin(r, scope, key, fp)
	if err != nil {
		return err
	}
	if prev != nil {
		for k, v := range prev.Header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(prev.Status)
		_, _ = w.Write(prev.Body)
		return nil
	}
	w.keep = true
	if err := h(); err != nil {
		writeProblem(w, problemFor(r, a.cfg.Log, err, lang), lang)
	}
	if !idempotency.Remembered(w.status) {
		if err := a.cfg.Idempotency.Abandon(r.Context(), scope, key); err != nil {
			a.cfg.Log.ErrorContext(r.Context(), "release idempotency key", "err", err)
		}
		return nil
	}
	resp := idempotency.Response{Status: w.status, Body: w.body.Bytes(), Header: map[string]string{}}
	for _, k := range []string{"Content-Type", "Location", "Content-Language"} {
		if v := w.Header().Get(k); v != "" {
			resp.Header[k] = v
		}
	}
	return a.cfg.Idempotency.Finish(r.Context(), scope, key, fp, resp)
}

// inProgressWait is how long a request waits for an earlier request with
// the same key to finish, so that a sender retrying quickly gets the first
// answer rather than a 409.
const inProgressWait = 3 * time.Second

// begin takes the key, waiting a little while another request holds it.
func (a *API) begin(r *http.Request, scope, key, fp string) (*idempotency.Response, error) {
	deadline := time.Now().Add(inProgressWait) // a real wait: the local clock may stand still
	for {
		prev, err := a.cfg.Idempotency.Begin(r.Context(), scope, key, fp)
		if !errors.Is(err, idempotency.ErrInProgress) || time.Now().After(deadline) {
			return prev, err
		}
		t := time.NewTimer(20 * time.Millisecond)
		select {
		case <-r.Context().Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
	}
}

// recorder notes the status and, when asked, keeps a copy of the body.
type recorder struct {
	http.ResponseWriter
	status int
	keep   bool
	body   bytes.Buffer
	wrote  bool
	// tenant and user name the caller in the request's log line.
	tenant, user string
}

func (r *recorder) WriteHeader(status int) {
	if r.wrote {
		return
	}
	r.status, r.wrote = status, true
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	if r.keep {
		r.body.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("httpapi: encode answer: %w", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}
