package localrun_test

import (
	"encoding/json"
	"testing"
	"time"

	"tend/internal/store"
)

// The signed webhook reads its source from a cache kept for five seconds
// per process: a source changed by another process (the API function's
// container; here, a write to the store behind the runner's back) is
// refused within those five seconds once disabled, and its new secret is
// taken at once.
func TestSourceCacheBound(t *testing.T) {
	f := newFunnel(t)
	at := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	f.s.setClock(at)
	f.s.taken(f.admin, f.post("/hooks/leads/"+f.source, map[string]any{"full_name": "Khách Một"}, "")) // cached now
	change := func(fn func(doc map[string]any)) {
		t.Helper()
		key := store.Key{PK: "LEADSRC#" + f.source, SK: "A"}
		it, err := f.s.app.DB.Get(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(it.Doc, &doc); err != nil {
			t.Fatal(err)
		}
		fn(doc)
		next := it
		next.Doc, _ = json.Marshal(doc)
		next.Version++
		if err := f.s.app.DB.Put(t.Context(), next, store.IfVersion(it.Version)); err != nil {
			t.Fatal(err)
		}
	}

	// A new secret, written elsewhere, signs at once.
	change(func(doc map[string]any) { doc["secret"] = "whsec_elsewhere" })
	raw := []byte(`{"full_name":"Khách Hai"}`)
	if lead := f.s.taken(f.admin, f.postRaw("/hooks/leads/"+f.source, raw, "whsec_elsewhere", at, "")); lead.Status != "created" {
		t.Fatalf("signed with the new secret: %+v", lead)
	}

	// Disabled elsewhere: still taken within the cache's five seconds,
	// refused from then on.
	change(func(doc map[string]any) { doc["enabled"] = false })
	f.postRaw("/hooks/leads/"+f.source, []byte(`{"full_name":"Khách Ba"}`), "whsec_elsewhere", at, "").ok(202)
	f.s.setClock(at.Add(4 * time.Second))
	f.postRaw("/hooks/leads/"+f.source, []byte(`{"full_name":"Khách Bốn"}`), "whsec_elsewhere", at.Add(4*time.Second), "").ok(202)
	f.s.setClock(at.Add(5 * time.Second))
	p := f.postRaw("/hooks/leads/"+f.source, []byte(`{"full_name":"Khách Năm"}`), "whsec_elsewhere", at.Add(5*time.Second), "").problem(401)
	if p.Code != "bad_signature" {
		t.Fatalf("a disabled source past the cache's bound: %+v", p)
	}
}
