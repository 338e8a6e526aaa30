package localrun_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"tend/internal/leads"
	"tend/internal/store"
)

// A signed lead is queued until the intake queue takes it, and GET
// /v1/leads/{id} tells what became of it: created, or failed with why
// (here its source's mapping changed before it was taken, so it lacks
// the name). Only the workspace's admins may read it; an id that names
// no lead is not found, in vi and en.
func TestLeadStatus(t *testing.T) {
	f := newFunnel(t)
	at := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	f.s.setClock(at)
	first := f.post("/hooks/leads/"+f.source, map[string]any{"full_name": "Trần Văn Hải", "contact": map[string]any{"phone": "0912 000 333"}}, "").ok(202)
	id, _ := first.obj()["lead_id"].(string)
	if got := first.obj()["status"]; got != "queued" || !strings.HasPrefix(id, f.source+".") {
		t.Fatalf("answered %s, want a lead of the source, queued", first.Body)
	}
	var lead leadOutcome
	f.admin.do("GET", "/v1/leads/"+id, nil).ok(200).into(&lead)
	if lead.ID != id || lead.SourceID != f.source || lead.Status != "queued" || lead.CustomerID != "" || len(lead.Errors) != 0 || !lead.ReceivedAt.Equal(at) {
		t.Fatalf("before the intake queue ran: %+v", lead)
	}
	if lead = f.s.taken(f.admin, first); lead.Status != "created" || f.admin.customer(lead.CustomerID).Name != "Trần Văn Hải" {
		t.Fatalf("taken: %+v", lead)
	}

	// The mapping changes before the next lead is taken: it fails, with
	// the element it lacks.
	failing := f.post("/hooks/leads/"+f.source, map[string]any{"full_name": "Lê Thị Hoa"}, "").ok(202)
	f.admin.do("PATCH", "/v1/lead-sources/"+f.source, map[string]any{"mapping": map[string]string{"name": "$.ho_ten"}}).ok(200)
	failed := f.s.taken(f.admin, failing)
	if failed.Status != "failed" || failed.CustomerID != "" || len(failed.Errors) != 1 || failed.Errors[0].Path != "name" ||
		failed.Errors[0].Code != "missing_in_payload" || failed.Errors[0].Params["path"] != "$.ho_ten" {
		t.Fatalf("failed lead: %+v", failed)
	}

	f.staff[0].do("GET", "/v1/leads/"+id, nil).problem(403)
	for _, missing := range []string{f.source + ".dlv_nope", "src_nope.dlv_nope", "nope", f.source} {
		for _, tc := range []struct{ lang, detail string }{{"vi", "Không tìm thấy lead."}, {"en", "No such lead."}} {
			p := f.admin.with("Accept-Language", tc.lang).do("GET", "/v1/leads/"+missing, nil).problem(404)
			if p.Code != "not_found" || p.Detail != tc.detail {
				t.Fatalf("GET /v1/leads/%s (%s): %+v, want %q", missing, tc.lang, p, tc.detail)
			}
		}
	}
}

// A lead whose queue message was lost is sent again by the tick once it
// has waited past the queue's own retries, from whichever shard of the
// pending list it is in, and from the unsharded partition that items
// written before the shards keep.
func TestLostLeadsAreSentAgain(t *testing.T) {
	f := newFunnel(t)
	at := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	f.s.setClock(at)
	var ids []string
	for _, name := range []string{"Khách Mất Tin", "Khách Cũ Mất Tin"} {
		ids = append(ids, f.post("/hooks/leads/"+f.source, map[string]any{"full_name": name}, "").ok(202).obj()["lead_id"].(string))
	}
	// Both messages are lost.
	if _, err := f.s.app.IntakeQueue.Drain(t.Context(), func(context.Context, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	// The second lead's item is as one held before the pending list was
	// sharded.
	source, delivery, _ := strings.Cut(ids[1], ".")
	key := store.Key{PK: "LEADSRC#" + source + "#DLV#" + delivery, SK: "D"}
	it, err := f.s.app.DB.Get(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	shard := strings.TrimPrefix(it.Index[1].PK, "LEADS#PENDING#")
	if len(shard) != 3 || shard == it.Index[1].PK {
		t.Fatalf("pending list key %q, want a shard LEADS#PENDING#nnn", it.Index[1].PK)
	}
	it.Index[1].PK = "LEADS#PENDING"
	next := it
	next.Version++
	if err := f.s.app.DB.Put(t.Context(), next, store.IfVersion(it.Version)); err != nil {
		t.Fatal(err)
	}

	status := func() []string {
		var out []string
		for _, id := range ids {
			var lead leadOutcome
			f.admin.do("GET", "/v1/leads/"+id, nil).ok(200).into(&lead)
			out = append(out, lead.Status)
		}
		return out
	}
	f.s.setClock(at.Add(14 * time.Minute))
	f.drain()
	if got := status(); got[0] != "queued" || got[1] != "queued" {
		t.Fatalf("before the resend: %v, want both queued", got)
	}
	f.s.setClock(at.Add(16 * time.Minute))
	f.drain()
	if got := status(); got[0] != "created" || got[1] != "created" {
		t.Fatalf("after the resend: %v, want both created", got)
	}
	if len(f.named("Khách Mất Tin")) != 1 || len(f.named("Khách Cũ Mất Tin")) != 1 {
		t.Fatal("want one customer per lead")
	}
}

// A signed lead is stored with its delivery, so one over 100 KiB is
// refused (413), in vi and en, and nothing is held.
func TestSignedLeadTooLarge(t *testing.T) {
	f := newFunnel(t)
	at := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	f.s.setClock(at)
	raw := []byte(`{"full_name":"Khách Nặng","note":"` + strings.Repeat("a", 100<<10) + `"}`)
	for _, tc := range []struct{ lang, detail string }{
		{"vi", "Nội dung yêu cầu quá lớn (tối đa 100 KiB)."},
		{"en", "The request body is too large (at most 100 KiB)."},
	} {
		ts := strconv.FormatInt(at.Unix(), 10)
		p := f.s.anon().with("Accept-Language", tc.lang).with("X-Tend-Timestamp", ts).with("X-Tend-Signature", leads.Sign(f.secret, ts, raw)).
			do("POST", "/hooks/leads/"+f.source, raw).problem(413)
		if p.Code != "body_too_large" || p.Detail != tc.detail {
			t.Fatalf("%s: %+v, want %q", tc.lang, p, tc.detail)
		}
	}
	if log := f.deliveries(f.source); len(log.Items) != 0 {
		t.Fatalf("held %+v", log.Items)
	}
}
