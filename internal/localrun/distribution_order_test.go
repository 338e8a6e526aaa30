package localrun_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"tend/internal/distribution"
)

// The seed: "lần lượt chia cơ hội cho từng nhân viên theo thứ tự". Leads
// are given out in the order they arrived, also when a delay releases them
// together and the distribution queue's four workers handle them at once:
// the k-th lead to arrive takes the k-th place of the rotation, or of the
// smooth weighted sequence.
func TestDistributionFollowsArrivalOrder(t *testing.T) {
	tests := []struct {
		name    string
		delay   time.Duration
		weights []int // for a weighted rule; nil for round robin
		leads   int
		// scheduled says the leads' arrival is handled before their
		// release (a drain after they arrive); otherwise one drain sees
		// them arrive and releases them.
		scheduled bool
	}{
		{name: "round robin, 2 minutes", delay: 2 * time.Minute, leads: 10, scheduled: true},
		{name: "round robin, 2 minutes, one drain", delay: 2 * time.Minute, leads: 10},
		{name: "weighted 3/4/5, 2 minutes", delay: 2 * time.Minute, weights: []int{3, 4, 5}, leads: 24, scheduled: true},
		{name: "round robin, 30 minutes (released by the tick)", delay: 30 * time.Minute, leads: 10, scheduled: true},
		{name: "round robin, no delay", leads: 10},
		{name: "weighted 3/4/5, no delay", weights: []int{3, 4, 5}, leads: 24},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFunnel(t)
			at := time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC)
			f.s.setClock(at)
			rule := map[string]any{"name": "Theo thứ tự", "type": "round_robin", "delay": tc.delay.String()}
			staff := []map[string]any{}
			for i, s := range f.staff {
				st := map[string]any{"user_id": s.userID}
				if tc.weights != nil {
					rule["type"], st["weight"] = "weighted", tc.weights[i]
				}
				staff = append(staff, st)
			}
			rule["staff"] = staff
			f.rule(rule)
			ids := f.leadsInOrder(0, tc.leads)
			if tc.scheduled {
				f.drain()
				if tc.delay > 0 && f.owner(ids[0]) != "" {
					t.Fatal("a lead was given out before its delay")
				}
			}
			f.s.setClock(f.s.app.Clock.Now().Add(tc.delay))
			f.drain()
			f.checkArrivalOrder(t, ids, tc.weights)
		})
	}
}

// SQS hands messages out in no order, to several workers at once: leads
// released together and delivered last-first, all at the same time, are
// still given out in the order they arrived.
func TestDistributionOrderUnderReorderedDelivery(t *testing.T) {
	f := newFunnel(t)
	at := time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC)
	f.s.setClock(at)
	f.rule(map[string]any{"name": "Xoay vòng", "type": "round_robin", "delay": "2m",
		"staff": []map[string]any{{"user_id": f.staff[0].userID}, {"user_id": f.staff[1].userID}, {"user_id": f.staff[2].userID}}})
	ids := f.leadsInOrder(0, 12)
	f.drain()
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	msgs, err := f.s.app.DistQueue.Waiting(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != len(ids) {
		t.Fatalf("%d distribution messages, want %d", len(msgs), len(ids))
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(msgs))
	for i := len(msgs) - 1; i >= 0; i-- {
		wg.Go(func() {
			if err := f.s.app.Distribution.HandleMessage(t.Context(), msgs[i]); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	f.drain() // the queue's own copies of the messages change nothing
	f.checkArrivalOrder(t, ids, nil)
}

// A lead taken by hand during its delay takes no place in the rotation,
// nor does one whose delay ended while the rule was disabled: the leads
// around them still go A, B, C in the order they arrived.
func TestDistributionOrderSkipsLeadsItDoesNotGive(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
	rule := f.rule(map[string]any{"name": "Xoay vòng", "type": "round_robin", "delay": "2m",
		"staff": []map[string]any{{"user_id": f.staff[0].userID}, {"user_id": f.staff[1].userID}, {"user_id": f.staff[2].userID}}})
	ids := f.leadsInOrder(0, 7)
	f.drain()
	f.admin.do("PATCH", "/v1/customers/"+ids[2], map[string]any{"owner_id": f.staff[2].userID}).ok(200)
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	f.drain()
	if got, want := f.letters(ids), "A B C C A B C"; got != want {
		t.Fatalf("around a lead taken by hand (the third, by C), the leads went to %s, want %s", got, want)
	}
	missed := f.leadsInOrder(7, 1)
	f.drain()
	f.admin.do("PATCH", "/v1/distribution-rules/"+rule, map[string]any{"enabled": false}).ok(200)
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	f.drain()
	f.admin.do("PATCH", "/v1/distribution-rules/"+rule, map[string]any{"enabled": true}).ok(200)
	later := f.leadsInOrder(8, 3)
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	f.drain()
	if got, want := f.letters(append(missed, later...)), "- A B C"; got != want {
		t.Fatalf("after a lead whose delay ended while the rule was off, the leads went to %s, want %s", got, want)
	}
}

// A staff member away when delayed leads are released is skipped: the
// leads go to the others in turn, in the order they arrived, and the
// rotation goes on through all three once they are back.
func TestDistributionOrderWithStaffAway(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
	f.rule(map[string]any{"name": "Xoay vòng", "type": "round_robin", "delay": "2m",
		"staff": []map[string]any{{"user_id": f.staff[0].userID}, {"user_id": f.staff[1].userID}, {"user_id": f.staff[2].userID}}})
	ids := f.leadsInOrder(0, 6)
	f.drain()
	f.staff[1].do("PATCH", "/v1/users/"+f.staff[1].userID, map[string]any{"away": true}).ok(200)
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	f.drain()
	if got, want := f.letters(ids), "A C A C A C"; got != want {
		t.Fatalf("with B away, the leads went to %s, want %s", got, want)
	}
	f.staff[1].do("PATCH", "/v1/users/"+f.staff[1].userID, map[string]any{"away": false}).ok(200)
	later := f.leadsInOrder(6, 3)
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	f.drain()
	if got, want := f.letters(later), "A B C"; got != want {
		t.Fatalf("with B back, the leads went to %s, want %s", got, want)
	}
}

// checkArrivalOrder fails unless the customers ids, in the order they
// arrived, went to the staff in the rule's order: the repeated smooth
// sequence of the weights, or strict rotation when weights is nil.
func (f *funnel) checkArrivalOrder(t *testing.T, ids []string, weights []int) {
	t.Helper()
	if weights == nil {
		weights = []int{1, 1, 1}
	}
	seq := distribution.Sequence(weights)
	var want []string
	for k := range ids {
		want = append(want, string(rune('A'+seq[k%len(seq)])))
	}
	if got := f.letters(ids); got != strings.Join(want, " ") {
		t.Fatalf("in arrival order the leads went to\n%s, want\n%s", got, strings.Join(want, " "))
	}
}

// letters names the owners of the customers ids by the staff's letters
// (A, B, C; - for nobody).
func (f *funnel) letters(ids []string) string {
	letter := map[string]string{"": "-"}
	for i, s := range f.staff {
		letter[s.userID] = string(rune('A' + i))
	}
	var out []string
	for _, id := range ids {
		out = append(out, letter[f.owner(id)])
	}
	return strings.Join(out, " ")
}
