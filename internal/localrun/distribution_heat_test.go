package localrun_test

import (
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"tend/internal/localrun"
	"tend/internal/store"
	"tend/internal/store/heatmeter"
)

// distributionPattern matches the partition keys of distribution:
// T#<t>#D... and the GSI1 DIST... index partitions.
var distributionPattern = regexp.MustCompile(`^(T#\{tenant\}#D[A-Z]+(#|$)|GSI1 DIST)`)

// One rule's assignments, delayed past what the queue can hold (so through
// the due index and the tick), charge its counter one write unit per batch
// the queue hands out (one atomic add per batch of up to 10: 64 released
// together are 7 batches) and no other partition of distribution enough
// to stop it below 1,000 a second.
func TestDistributionKeysStayCool(t *testing.T) {
	var meter *heatmeter.Store
	s := startWith(t, t.TempDir(), func(cfg *localrun.Config) {
		wrap := cfg.WrapStore
		cfg.WrapStore = func(st store.Store) store.Store {
			meter = heatmeter.New(st)
			return wrap(meter)
		}
	})
	f := newFunnelOn(t, s)
	f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
	const delay = 30 * time.Minute
	f.rotationRule(delay, nil)
	// A first lead sets the counter up and warms the caches.
	f.leadsInOrder(0, 1)
	f.drain()
	f.s.setClock(f.s.app.Clock.Now().Add(delay))
	f.drain()
	meter.Reset()

	const leads = 64
	ids := f.leadsInOrder(1, leads)
	f.drain()
	f.s.setClock(f.s.app.Clock.Now().Add(delay))
	f.drain()
	for _, id := range ids {
		if f.owner(id) == "" {
			t.Fatalf("lead %s was not given out", id)
		}
	}
	counter := false
	for _, r := range heatmeter.Report(meter.Charges(), leads) {
		if !distributionPattern.MatchString(r.Pattern) {
			continue
		}
		if strings.HasPrefix(r.Pattern, "T#{tenant}#DCTR#") {
			counter = true
			const batches = (leads + 9) / 10
			if writes := math.Round(r.WritePerWork * leads); r.Keys != 1 || writes != batches || r.ReadPerWork != 0 {
				t.Errorf("the rule's counter: %d keys, %.0f WCU and %.2f RCU per assignment over %d assignments, want one key, %d WCU (one per batch), no read",
					r.Keys, writes, r.ReadPerWork, leads, batches)
			}
		}
		if r.Ceiling < 1000 {
			t.Errorf("%s takes %.2f WCU and %.2f RCU per assignment on %s: %.0f assignments a second, want at least 1000",
				r.Pattern, r.WritePerWork, r.ReadPerWork, r.HotKey, r.Ceiling)
		}
	}
	if !counter {
		t.Error("no rule counter (T#{tenant}#DCTR#{drule}) was charged")
	}
}
