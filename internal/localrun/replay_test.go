package localrun_test

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"tend/internal/store"
)

// replayAt is when the replay tests sign their requests.
var replayAt = time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)

// named lists the ids of the workspace's customers with a name.
func (f *funnel) named(name string) []string {
	f.s.t.Helper()
	var out []string
	for _, cu := range f.admin.list("?limit=500").Items {
		if cu.Name == name {
			out = append(out, cu.ID)
		}
	}
	return out
}

// calls lists the ids of a customer's calls.
func (f *funnel) calls(customerID string) []string {
	f.s.t.Helper()
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	f.admin.do("GET", "/v1/customers/"+customerID+"/calls", nil).ok(200).into(&page)
	var out []string
	for _, c := range page.Items {
		out = append(out, c.ID)
	}
	return out
}

// postMany posts the same signed request n times at once and returns the
// answers.
func (f *funnel) postMany(n int, path string, raw []byte) []*reply {
	replies := make([]*reply, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { replies[i] = f.postRaw(path, raw, f.secret, replayAt, "") })
	}
	wg.Wait()
	return replies
}

// sameAnswers fails unless every answer is a 202 with the first's body.
func sameAnswers(t *testing.T, replies []*reply) {
	t.Helper()
	for i, r := range replies {
		if r.Status != 202 || string(r.Body) != string(replies[0].Body) {
			t.Fatalf("answer %d: %d %s, want 202 %s", i, r.Status, r.Body, replies[0].Body)
		}
	}
}

// A signed lead without email or phone (nothing for the duplicate check
// to catch), posted three times without an Idempotency-Key, makes one
// customer; the copies are answered as the first was. The same lead
// signed at another time, or another body, is a new request.
func TestSignedLeadReplayMakesOneCustomer(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(replayAt)
	raw := []byte(`{"full_name":"Khách ẩn danh"}`)
	first := f.postRaw("/hooks/leads/"+f.source, raw, f.secret, replayAt, "").ok(202)
	for range 2 {
		again := f.postRaw("/hooks/leads/"+f.source, raw, f.secret, replayAt, "").ok(202)
		if string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("copy answered %s (replayed %q), want %s", again.Body, again.Header.Get("Idempotent-Replayed"), first.Body)
		}
	}
	// An Idempotency-Key is not signed: a copy sent with a new one is
	// still the same request.
	withKey := f.postRaw("/hooks/leads/"+f.source, raw, f.secret, replayAt, "another-key").ok(202)
	if string(withKey.Body) != string(first.Body) {
		t.Fatalf("copy with a new key answered %s, want %s", withKey.Body, first.Body)
	}
	lead := f.s.taken(f.admin, first)
	if got := f.named("Khách ẩn danh"); lead.Status != "created" || !slices.Equal(got, []string{lead.CustomerID}) {
		t.Fatalf("customers = %v, lead %+v; want just its customer", got, lead)
	}
	// Taken, the lead is still what a copy names; the copy changes nothing.
	late := f.postRaw("/hooks/leads/"+f.source, raw, f.secret, replayAt, "").ok(202)
	if got := late.obj(); got["lead_id"] != lead.ID || got["status"] != "created" || late.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("copy after the lead was taken answered %s, want lead %s, created", late.Body, lead.ID)
	}
	if again := f.s.taken(f.admin, late); !reflect.DeepEqual(again, lead) {
		t.Fatalf("lead after a copy = %+v, want %+v", again, lead)
	}
	leads := map[string]bool{lead.ID: true}
	for _, r := range []*reply{
		f.postRaw("/hooks/leads/"+f.source, raw, f.secret, replayAt.Add(time.Second), ""),
		f.postRaw("/hooks/leads/"+f.source, []byte(`{"full_name":"Khách ẩn danh", "note":"lần hai"}`), f.secret, replayAt, ""),
	} {
		if r.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("a new request was answered as a copy: %s", r.Body)
		}
		leads[f.s.taken(f.admin, r).ID] = true
	}
	if got := f.named("Khách ẩn danh"); len(got) != 3 || len(leads) != 3 {
		t.Fatalf("customers = %v, leads %v; want three", got, leads)
	}
}

// Twenty copies of a signed lead posted at once make one customer, and
// all get its answer.
func TestSignedLeadConcurrentReplays(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(replayAt)
	for _, tc := range []struct{ name, body string }{
		{"Khách đồng thời", `{"full_name":"Khách đồng thời"}`},
		// With a phone, the copies also race on the duplicate check.
		{"Khách có số", `{"full_name":"Khách có số","contact":{"phone":"0912 555 000"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			replies := f.postMany(20, "/hooks/leads/"+f.source, []byte(tc.body))
			sameAnswers(t, replies)
			lead := f.s.taken(f.admin, replies[0])
			if got := f.named(tc.name); !slices.Equal(got, []string{lead.CustomerID}) || lead.Status != "created" || lead.DuplicateOf != "" {
				t.Fatalf("customers = %v, lead %+v; want one customer, not a duplicate", got, lead)
			}
			var acts struct {
				Items []any `json:"items"`
			}
			f.admin.do("GET", "/v1/customers/"+lead.CustomerID+"/activities", nil).ok(200).into(&acts)
			if len(acts.Items) != 0 {
				t.Fatalf("copies recorded as repeated leads: %v", acts.Items)
			}
		})
	}
}

// A signed call record posted again, one after the other or all at once,
// adds one call; a caller not yet a customer becomes one customer.
func TestSignedCallReplayAddsOneCall(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(replayAt)
	known := f.admin.createCustomer(map[string]any{"name": "Khách quen", "phone": "0912 000 222"})

	t.Run("one after the other", func(t *testing.T) {
		raw := []byte(`{"phone":"0912 000 222","direction":"inbound","duration_seconds":30}`)
		var replies []*reply
		for range 3 {
			replies = append(replies, f.postRaw("/hooks/calls/"+f.source, raw, f.secret, replayAt, ""))
		}
		sameAnswers(t, replies)
		if got := f.calls(known.ID); len(got) != 1 {
			t.Fatalf("calls = %v, want one", got)
		}
	})
	t.Run("at once", func(t *testing.T) {
		raw := []byte(`{"phone":"0912 000 222","direction":"outbound","duration_seconds":45}`)
		sameAnswers(t, f.postMany(20, "/hooks/calls/"+f.source, raw))
		if got := f.calls(known.ID); len(got) != 2 {
			t.Fatalf("calls = %v, want two (one per distinct record)", got)
		}
	})
	t.Run("new caller at once", func(t *testing.T) {
		raw := []byte(`{"phone":"0988 111 333","duration_seconds":10}`)
		replies := f.postMany(20, "/hooks/calls/"+f.source, raw)
		sameAnswers(t, replies)
		var acc struct {
			CustomerID string `json:"customer_id"`
		}
		replies[0].into(&acc)
		if got := f.named("Khách gọi +84988111333"); !slices.Equal(got, []string{acc.CustomerID}) {
			t.Fatalf("customers = %v, want just %s", got, acc.CustomerID)
		}
		if got := f.calls(acc.CustomerID); len(got) != 1 {
			t.Fatalf("calls = %v, want one", got)
		}
	})
}

// The mark of a signed lead lasts as long as its signature is
// honoured, and no longer.
func TestSignedRequestMarkerExpires(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(replayAt)
	f.postRaw("/hooks/leads/"+f.source, []byte(`{"full_name":"Khách hết hạn"}`), f.secret, replayAt, "").ok(202)
	markers := func() []store.Item {
		page, err := f.s.app.DB.Scan(t.Context(), store.Scan{Segments: 1, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var out []store.Item
		for _, it := range page.Items {
			if it.Type == "lead_seen" {
				out = append(out, it)
			}
		}
		return out
	}
	ms := markers()
	want := replayAt.Add(5*time.Minute + time.Second)
	if len(ms) != 1 || !ms[0].ExpiresAt.Equal(want) {
		t.Fatalf("markers = %s, want one expiring at %v", describeItems(ms), want)
	}
	// Still honoured at the window's last second, stale the second after.
	f.s.setClock(replayAt.Add(5 * time.Minute))
	if len(markers()) != 1 {
		t.Fatal("the marker is gone while the signature is still honoured")
	}
	f.s.setClock(want)
	if ms := markers(); len(ms) != 0 {
		t.Fatalf("markers after the window = %s, want none", describeItems(ms))
	}
}

func describeItems(its []store.Item) string {
	var out []string
	for _, it := range its {
		out = append(out, fmt.Sprintf("%s (expires %v)", it.Key, it.ExpiresAt))
	}
	return fmt.Sprint(out)
}
