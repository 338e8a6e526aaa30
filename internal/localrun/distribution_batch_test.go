package localrun_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"tend/internal/localrun"
	"tend/internal/store"
	"tend/internal/store/faultstore"
	"tend/internal/store/heatmeter"
)

// otherWarehouse is the funnel's workspace, staff and pipeline with a
// warehouse and lead source of their own, for a second rule.
func (f *funnel) otherWarehouse() *funnel {
	g := *f
	g.wh = f.admin.create("/v1/warehouses", map[string]any{"name": "Zalo Ads"})
	var src struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	f.admin.do("POST", "/v1/lead-sources", map[string]any{"name": "Zalo form", "warehouse_id": g.wh, "pipeline_id": f.pipeline, "step_id": f.step,
		"mapping": map[string]string{"name": "$.full_name", "phone": "$.contact.phone"}}).ok(201).into(&src)
	g.source, g.secret = src.ID, src.Secret
	return &g
}

// batchWorld is two rotation rules of one workspace (2-minute delay), each
// with a first customer given out, and the distribution messages of more
// leads waiting in the queue, due now.
type batchWorld struct {
	f, g         *funnel
	ruleA, ruleB string
	idsA, idsB   []string // every customer of each rule, the first one included
	msgsA, msgsB [][]byte // the waiting messages of each rule, in the order of idsA[1:] and idsB[1:]
	meter        *heatmeter.Store
}

func newBatchWorld(t *testing.T, leadsA, leadsB int) *batchWorld {
	w := &batchWorld{}
	s := startWith(t, t.TempDir(), func(cfg *localrun.Config) {
		wrap := cfg.WrapStore
		cfg.WrapStore = func(st store.Store) store.Store {
			w.meter = heatmeter.New(st)
			return wrap(w.meter)
		}
	})
	w.f = newFunnelOn(t, s)
	w.g = w.f.otherWarehouse()
	s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
	const delay = 2 * time.Minute
	w.ruleA, w.ruleB = w.f.rotationRule(delay, nil), w.g.rotationRule(delay, nil)
	// A first customer each sets the counters up.
	w.idsA, w.idsB = w.f.leadsInOrder(0, 1), w.g.leadsInOrder(100, 1)
	w.f.drain()
	s.setClock(s.app.Clock.Now().Add(delay))
	w.f.drain()
	w.idsA = append(w.idsA, w.f.leadsInOrder(1, leadsA)...)
	w.idsB = append(w.idsB, w.g.leadsInOrder(101, leadsB)...)
	w.f.drain()
	s.setClock(s.app.Clock.Now().Add(delay))
	msgs, err := s.app.DistQueue.Waiting(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	byCustomer := map[string][]byte{}
	for _, m := range msgs {
		for _, id := range append(w.idsA[1:], w.idsB[1:]...) {
			if strings.Contains(string(m), `"`+id+`"`) {
				byCustomer[id] = m
			}
		}
	}
	for _, id := range w.idsA[1:] {
		w.msgsA = append(w.msgsA, byCustomer[id])
	}
	for _, id := range w.idsB[1:] {
		w.msgsB = append(w.msgsB, byCustomer[id])
	}
	if len(msgs) != leadsA+leadsB || len(byCustomer) != len(msgs) {
		t.Fatalf("%d distribution messages waiting, want one for each of the %d leads", len(msgs), leadsA+leadsB)
	}
	return w
}

func (w *batchWorld) handle(t *testing.T, batch [][]byte) []error {
	t.Helper()
	errs := w.f.s.app.Distribution.HandleBatch(t.Context(), batch)
	if len(errs) != len(batch) {
		t.Fatalf("%d results for a batch of %d", len(errs), len(batch))
	}
	return errs
}

// counterWrites is how many write units the rules' counters were charged
// since the meter's reset, and over how many counters.
func (w *batchWorld) counterWrites() (units float64, keys int) {
	for p, u := range w.meter.Charges() {
		if p.Index == "" && strings.Contains(p.PK, "#DCTR#") {
			units, keys = units+u.Write, keys+1
		}
	}
	return units, keys
}

// A batch of 10 messages of one rule moves its counter with one write
// (one atomic add of 10), and the rule's rotation stays strict: the ten
// customers take the next ten places, each once, shares exact.
func TestDistributionBatchOfOneRuleAddsOnce(t *testing.T) {
	w := newBatchWorld(t, 10, 0)
	w.meter.Reset()
	for i, err := range w.handle(t, w.msgsA) {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if units, keys := w.counterWrites(); units != 1 || keys != 1 {
		t.Fatalf("a batch of 10 of one rule charged %.0f write units over %d counters, want 1 over 1", units, keys)
	}
	w.f.checkRotation(t, w.ruleA, w.idsA, nil, 0)
}

// A batch mixing two rules' customers, with copies of one message and a
// customer given an owner by hand before the batch, takes one add per
// rule: each rule's customers take consecutive places (no place for the
// customer owned by hand, none twice for the copies), and redelivering
// the whole batch afterwards changes nothing.
func TestDistributionBatchMixingRulesCopiesAndOwnedByHand(t *testing.T) {
	w := newBatchWorld(t, 5, 4)
	byHand := w.idsA[3]
	w.f.admin.do("PATCH", "/v1/customers/"+byHand, map[string]any{"owner_id": w.f.staff[2].userID}).ok(200)
	var batch [][]byte
	for i := range 5 {
		batch = append(batch, w.msgsA[i])
		if i < 4 {
			batch = append(batch, w.msgsB[i])
		}
	}
	batch = append(batch, w.msgsA[0], w.msgsB[1]) // copies of two messages in the batch
	w.meter.Reset()
	for i, err := range w.handle(t, batch) {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if units, keys := w.counterWrites(); units != 2 || keys != 2 {
		t.Fatalf("a batch of two rules charged %.0f write units over %d counters, want one each: 2 over 2", units, keys)
	}
	if got := w.f.owner(byHand); got != w.f.staff[2].userID {
		t.Fatalf("the customer owned by hand is owned by %q, want %q", got, w.f.staff[2].userID)
	}
	idsA := slices.DeleteFunc(slices.Clone(w.idsA), func(id string) bool { return id == byHand })
	w.f.checkRotation(t, w.ruleA, idsA, nil, 0)
	w.g.checkRotation(t, w.ruleB, w.idsB, nil, 0)
	beforeA, beforeB := w.f.rotation(w.ruleA), w.g.rotation(w.ruleB)
	for i, err := range w.handle(t, batch) {
		if err != nil {
			t.Fatalf("redelivered message %d: %v", i, err)
		}
	}
	w.f.drain() // and the queue's own copies
	if a, b := w.f.rotation(w.ruleA), w.g.rotation(w.ruleB); !slices.Equal(a, beforeA) || !slices.Equal(b, beforeB) {
		t.Fatalf("redelivering the batch changed the rotations:\n%v\n%v\nwere\n%v\n%v", a, b, beforeA, beforeB)
	}
}

// When one message's assignment fails, only that message is reported
// failed: the others are given out, and the failed one, retried alone,
// finds the place the batch claimed for it (no gap, no second add).
func TestDistributionBatchReportsAFailedMessageAlone(t *testing.T) {
	w := newBatchWorld(t, 6, 0)
	failing := w.idsA[3] // its message is w.msgsA[2]
	w.f.s.faults.set(func(wr faultstore.Write) faultstore.Fault {
		if a, ok := wr.PutsOf("dist_assignment"); ok && strings.Contains(string(a.Doc), `"`+failing+`"`) {
			return faultstore.Before
		}
		return faultstore.None
	})
	errs := w.handle(t, w.msgsA)
	w.f.s.faults.set(nil)
	for i, err := range errs {
		if (err != nil) != (i == 2) {
			t.Fatalf("message %d answered %v; want only message 2 (customer %s) failed", i, err, failing)
		}
	}
	if got := w.f.owner(failing); got != "" {
		t.Fatalf("the customer whose assignment failed is owned by %q", got)
	}
	w.meter.Reset()
	if errs := w.handle(t, [][]byte{w.msgsA[2]}); errs[0] != nil {
		t.Fatalf("the failed message, retried: %v", errs[0])
	}
	if units, _ := w.counterWrites(); units != 0 {
		t.Fatalf("the retry moved the counter (%.0f write units): it should find its claimed place", units)
	}
	w.f.checkRotation(t, w.ruleA, w.idsA, nil, 0)
}
