package localrun_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"tend/internal/store"
)

// A source's delivery log, whose index and counters are sharded, reads as
// one: every lead once, newest first, page after page, with the leads held
// before the shards (in the unsharded partitions) in their place and
// counted; a cursor that is not one of the log's is refused.
func TestDeliveryLogPagesAcrossShards(t *testing.T) {
	f := newFunnel(t)
	at := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	var want []string // newest first
	for i := range 23 {
		f.s.setClock(at.Add(time.Duration(i) * time.Second))
		lead := f.s.taken(f.admin, f.post("/hooks/leads/"+f.source, map[string]any{"full_name": fmt.Sprintf("Khách Nhật Ký %02d", i)}, ""))
		want = append([]string{strings.SplitN(lead.ID, ".", 2)[1]}, want...)
	}
	// Two deliveries and some counts as written before the shards.
	for _, id := range []string{want[3], want[17]} {
		key := store.Key{PK: "LEADSRC#" + f.source + "#DLV#" + id, SK: "D"}
		it, err := f.s.app.DB.Get(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(it.Index[0].PK, "LEADSRC#"+f.source+"#DLVS#") {
			t.Fatalf("delivery log key %q, want a shard", it.Index[0].PK)
		}
		it.Index[0].PK = "LEADSRC#" + f.source + "#DLVS"
		next := it
		next.Version++
		if err := f.s.app.DB.Put(t.Context(), next, store.IfVersion(it.Version)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.s.app.DB.Incr(t.Context(), store.Key{PK: "LEADSRC#" + f.source, SK: "N#accepted"}, 5); err != nil {
		t.Fatal(err)
	}

	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the log never ends")
		}
		q := "/v1/lead-sources/" + f.source + "/deliveries?limit=5"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			deliveryLog
			NextCursor string `json:"next_cursor"`
		}
		f.admin.do("GET", q, nil).ok(200).into(&page)
		if page.Counters["accepted"] != 23+5 || page.Counters["pending"] != 0 {
			t.Fatalf("counters %v, want 28 accepted (23 + 5 unsharded), none pending", page.Counters)
		}
		for _, d := range page.Items {
			got = append(got, d.ID)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if !slices.Equal(got, want) {
		t.Fatalf("log = %v,\nwant %v", got, want)
	}
	p := f.admin.do("GET", "/v1/lead-sources/"+f.source+"/deliveries?cursor=bm90LWEtY3Vyc29y", nil).problem(422)
	hasError(t, p, "cursor", "invalid_cursor")
}
