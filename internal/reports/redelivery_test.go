package reports_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"tend/internal/localrun"
	"tend/internal/reports"
	"tend/internal/sqlite"
	"tend/internal/store"
)

// recorder keeps every change of the local feed, as the stream delivers
// them.
type recorder struct {
	mu      sync.Mutex
	changes []sqlite.Change
}

func (r *recorder) HandleChanges(_ context.Context, batch []sqlite.Change) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changes = append(r.changes, batch...)
	return nil
}

// api calls the local runner's HTTP API as one user.
type api struct {
	t     *testing.T
	base  string
	token string
}

func (a api) do(method, path string, body any, want int, into any) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(a.t.Context(), method, a.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		a.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			a.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func (a api) create(path string, body any) string {
	a.t.Helper()
	var v struct {
		ID string `json:"id"`
	}
	a.do("POST", path, body, 201, &v)
	return v.ID
}

// Every change delivered again, twice and in another order, moves no
// counter; and the changes alone, delivered in any order and each twice
// into empty counters, make the same figures again: each change's adds are
// written exactly once, and adds commute.
func TestChangesDeliveredTwiceAndOutOfOrder(t *testing.T) {
	app, err := localrun.Open(t.Context(), localrun.Config{DataDir: t.TempDir(), JWTSecret: []byte("test-secret-test-secret-test-secret")})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	app.Clock.Set(time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC), true)
	rec := &recorder{}
	app.OnChanges(rec)
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	anon := api{t: t, base: srv.URL}
	var ws struct {
		TenantID string `json:"tenant_id"`
		Token    string `json:"token"`
	}
	anon.do("POST", "/dev/workspaces", map[string]string{"name": "Giao lại"}, 201, &ws)
	admin := api{t: t, base: srv.URL, token: ws.Token}
	staff := admin.create("/v1/users", map[string]any{"name": "Nhân viên Hà", "email": "ha@example.vn", "role": "staff"})
	var tok struct {
		Token string `json:"token"`
	}
	anon.do("POST", "/dev/token", map[string]string{"user_id": staff}, 200, &tok)
	ha := api{t: t, base: srv.URL, token: tok.Token}
	wh := admin.create("/v1/warehouses", map[string]any{"name": "Kho 1"})
	var pl struct {
		ID    string
		Steps []struct{ ID string }
	}
	admin.do("POST", "/v1/pipelines", map[string]any{"name": "Bán hàng", "steps": []map[string]string{{"name": "Mới"}, {"name": "Chốt"}}}, 201, &pl)

	// Two days of work.
	var ids []string
	for i, owner := range []string{staff, staff, ""} {
		ids = append(ids, admin.create("/v1/customers", map[string]any{"name": []string{"Khách A", "Khách B", "Khách C"}[i],
			"warehouse_id": wh, "owner_id": owner, "source": "Zalo", "pipelines": map[string]string{pl.ID: pl.Steps[0].ID}}))
	}
	ha.create("/v1/customers/"+ids[0]+"/notes", map[string]any{"body": "Đã gọi"})
	ha.do("POST", "/v1/customers/"+ids[0]+"/step", map[string]any{"pipeline_id": pl.ID, "step_id": pl.Steps[1].ID}, 200, nil)
	order := admin.create("/v1/orders", map[string]any{"customer_id": ids[0], "amount": 1_200_000, "status": "new"})
	anon.do("POST", "/dev/drain", nil, 200, nil)
	anon.do("POST", "/dev/clock", map[string]any{"now": time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC), "running": true}, 200, nil)
	admin.do("PATCH", "/v1/orders/"+order, map[string]any{"status": "completed"}, 200, nil)
	admin.do("PATCH", "/v1/customers/"+ids[2], map[string]any{"owner_id": staff}, 200, nil)
	ha.create("/v1/customers/"+ids[2]+"/calls", map[string]any{"direction": "inbound"})
	admin.do("DELETE", "/v1/customers/"+ids[1], nil, 204, nil)
	gone := admin.create("/v1/orders", map[string]any{"customer_id": ids[2], "amount": 300_000, "status": "completed"})
	admin.do("DELETE", "/v1/orders/"+gone, nil, 204, nil)
	anon.do("POST", "/dev/drain", nil, 200, nil)

	period := "?from=2026-11-25&to=2026-11-26"
	snapshot := func() string {
		var b bytes.Buffer
		for _, path := range []string{"/v1/reports/owners", "/v1/reports/funnel", "/v1/reports/sources", "/v1/reports/distribution"} {
			var v map[string]any
			admin.do("GET", path+period, nil, 200, &v)
			out, _ := json.Marshal(v)
			b.Write(out)
		}
		return b.String()
	}
	want := snapshot()
	var owners reports.Owners
	admin.do("GET", "/v1/reports/owners"+period, nil, 200, &owners)
	if got := owners.Totals; got != (reports.OwnerFigures{Owned: 2, New: 3, Cared: 2, Orders: 1, Revenue: 1_200_000}) {
		t.Fatalf("owners' totals %+v after two days of work", got)
	}
	changes := slices.Clone(rec.changes)
	if len(changes) < 10 {
		t.Fatalf("recorded %d changes", len(changes))
	}
	deliver := func(order []sqlite.Change) {
		t.Helper()
		for _, c := range order {
			for range 2 {
				if err := app.Reports.HandleChange(t.Context(), c.Type, c.Old, c.New); err != nil {
					t.Fatal(err)
				}
			}
		}
	}

	// Again, last first: nothing moves.
	reversed := slices.Clone(changes)
	slices.Reverse(reversed)
	deliver(reversed)
	if got := snapshot(); got != want {
		t.Fatalf("delivering the changes again moved the figures:\n got %s\nwant %s", got, want)
	}

	// Into empty counters, shuffled: the same figures.
	if err := reports.UseGeneration(t.Context(), app.Reports, ws.TenantID, 7); err != nil {
		t.Fatal(err)
	}
	admin.do("GET", "/v1/reports/owners"+period, nil, 200, &owners)
	if owners.Totals != (reports.OwnerFigures{}) {
		t.Fatalf("a fresh generation holds %+v", owners.Totals)
	}
	shuffled := slices.Clone(changes)
	rand.New(rand.NewPCG(15, 5)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	deliver(shuffled)
	if got := snapshot(); got != want {
		t.Fatalf("the changes shuffled made other figures:\n got %s\nwant %s", got, want)
	}

	// Into empty counters again, as stream batches whose adds are written
	// together: batches that overlap, a change twice in one batch, and
	// batches holding changes written before. The same figures.
	if err := reports.UseGeneration(t.Context(), app.Reports, ws.TenantID, 8); err != nil {
		t.Fatal(err)
	}
	var all []store.Change
	for _, c := range shuffled {
		all = append(all, store.Change{Type: c.Type, Old: c.Old, New: c.New})
	}
	for from := 0; from < len(all); from += 4 {
		batch := slices.Clone(all[from:min(from+6, len(all))])
		batch = append(batch, batch[0])
		if err := app.Reports.HandleChanges(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.Reports.HandleChanges(t.Context(), all); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(); got != want {
		t.Fatalf("the changes in batches made other figures:\n got %s\nwant %s", got, want)
	}
}
