// Package capacity measures what Tend's workloads would ask of each
// DynamoDB partition key: it runs them through the local runner (the real
// services over SQLite) with the heat meter around the store, and reports
// per key pattern the units per unit of work and the ceiling that follows.
// `make capacity` runs it (the test TestCapacity, behind the build tag
// "capacity", so that make test does not run it as well); it measures and
// does not gate.
package capacity

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"time"

	"tend/internal/leads"
	"tend/internal/localrun"
	"tend/internal/store"
	"tend/internal/store/heatmeter"
)

// Epoch is the runner's clock during the workloads.
var Epoch = time.Date(2026, 5, 4, 2, 0, 0, 0, time.UTC)

// System is the local runner with the meter around its store.
type System struct {
	App   *localrun.App
	Meter *heatmeter.Store
	calls atomic.Int64 // numbers each write's Idempotency-Key
}

// Start opens the runner over dir, metered.
func Start(ctx context.Context, dir string) (*System, error) {
	s := &System{}
	app, err := localrun.Open(ctx, localrun.Config{DataDir: dir, JWTSecret: []byte("capacity-secret-capacity-secret-"),
		WrapStore: func(st store.Store) store.Store {
			s.Meter = heatmeter.New(st)
			return s.Meter
		}})
	if err != nil {
		return nil, err
	}
	app.Clock.Set(Epoch, true)
	s.App = app
	// The first drain runs the one-time backfill (a scan of the table):
	// it is the deployment's work, not a workload's.
	if err := s.Drain(); err != nil {
		app.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the runner.
func (s *System) Close() error { return s.App.Close() }

// Call is one API request: as token (none when empty), body JSON-encoded
// unless it is []byte; the answer must have status want and is decoded
// into out when out is not nil.
func (s *System) Call(method, path, token string, header map[string]string, body any, want int, out any) error {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			return err
		}
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if method != http.MethodGet && token != "" {
		req.Header.Set("Idempotency-Key", strconv.FormatInt(s.calls.Add(1), 36)+path)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.App.Handler().ServeHTTP(rec, req)
	if rec.Code != want {
		return fmt.Errorf("%s %s: %d %s, want %d", method, path, rec.Code, rec.Body.String(), want)
	}
	if out != nil {
		return json.Unmarshal(rec.Body.Bytes(), out)
	}
	return nil
}

// Workspace opens a workspace and returns its id and its admin's token.
func (s *System) Workspace(name string) (tenant, token string, err error) {
	var out struct {
		TenantID string `json:"tenant_id"`
		Token    string `json:"token"`
	}
	err = s.Call("POST", "/dev/workspaces", "", nil, map[string]string{"name": name}, 201, &out)
	return out.TenantID, out.Token, err
}

// Create posts a set-up entity and returns its id.
func (s *System) Create(token, path string, body any) (string, error) {
	var v struct {
		ID string `json:"id"`
	}
	err := s.Call("POST", path, token, nil, body, 201, &v)
	return v.ID, err
}

// Drain runs the queues and the change feed to completion.
func (s *System) Drain() error { return s.Call("POST", "/dev/drain", "", nil, nil, 200, nil) }

// PostLead sends a signed lead to a source.
func (s *System) PostLead(source, secret string, body any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(s.App.Clock.Now().Unix(), 10)
	sig := leads.Sign(secret, ts, raw)
	return s.Call("POST", "/hooks/leads/"+source, "", map[string]string{"X-Tend-Timestamp": ts, "X-Tend-Signature": sig}, raw, 202, nil)
}
