package leads

import (
	"strings"
	"testing"
	"time"

	"tend/internal/domain"
)

// A pending delivery's shard of the pending list follows from its id
// alone: the same on every rewrite (received, resent later), one of
// pendingShards, and the shards share the deliveries evenly.
func TestPendingShard(t *testing.T) {
	const n = 25600
	counts := map[string]int{}
	at := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	for range n {
		d := &delivery{Delivery: Delivery{ID: domain.NewID("dlv"), SourceID: "src_a", ReceivedAt: at, Outcome: OutcomePending}}
		pk := d.item().Index[1].PK
		d.ResentAt, d.Version = at.Add(time.Hour), 2
		if again := d.item().Index[1].PK; again != pk {
			t.Fatalf("%s: shard %s, then %s when resent", d.ID, pk, again)
		}
		if !strings.HasPrefix(pk, legacyPendingPK+"#") {
			t.Fatalf("%s: pending key %s", d.ID, pk)
		}
		counts[pk]++
	}
	if len(counts) != pendingShards {
		t.Fatalf("%d shards used, want %d", len(counts), pendingShards)
	}
	all := map[string]bool{}
	for _, pk := range pendingPKs() {
		all[pk] = true
	}
	for pk, c := range counts {
		if !all[pk] {
			t.Fatalf("shard %s is not read by the resend", pk)
		}
		if c > 2*n/pendingShards {
			t.Fatalf("shard %s holds %d of %d deliveries", pk, c, n)
		}
	}
	if !all[legacyPendingPK] {
		t.Fatal("the resend does not read the unsharded partition")
	}
}
