package localrun_test

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tend/internal/distribution"
	"tend/internal/store/faultstore"
)

// The seed: "lần lượt chia cơ hội cho từng nhân viên theo thứ tự". The
// rotation is one atomic add per customer: the k-th add takes the k-th
// place of the rotation (or of the smooth weighted sequence), and leads
// released together and handled by the queue's four workers at once take
// their places in the order their adds land. What holds whatever that
// order: every place is used by exactly one customer, none is skipped, and
// so the shares are exact.
func TestDistributionSharesWhateverTheOrder(t *testing.T) {
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
			f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
			rule := f.rotationRule(tc.delay, tc.weights)
			ids := f.leadsInOrder(0, tc.leads)
			if tc.scheduled {
				f.drain()
				if tc.delay > 0 && f.owner(ids[0]) != "" {
					t.Fatal("a lead was given out before its delay")
				}
			}
			f.s.setClock(f.s.app.Clock.Now().Add(tc.delay))
			f.drain()
			f.checkRotation(t, rule, ids, tc.weights, 0)
		})
	}
}

// Customers handled one after another take their places in that order:
// leads that arrive and are given out one by one go A, B, C, A, B, C.
func TestDistributionOrderOneAtATime(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
	f.rotationRule(0, nil)
	var ids []string
	for i := range 6 {
		ids = append(ids, f.leadsInOrder(i, 1)...)
		f.drain()
	}
	if got, want := f.letters(ids), "A B C A B C"; got != want {
		t.Fatalf("leads given out one by one went to %s, want %s", got, want)
	}
}

// SQS hands messages out in no order, to several workers at once, and may
// hand one out twice: leads released together, each message delivered once
// or three times, last-first, all at the same time (and the queue's own
// copies after), are each given out once. Delivered once, every place is
// used and the shares are exact; copies racing each other may leave places
// unused (rotation.go), and the shares stay within one plus that many.
func TestDistributionUnderConcurrentAndDuplicateDelivery(t *testing.T) {
	for _, copies := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d copies", copies), func(t *testing.T) {
			f := newFunnel(t)
			f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
			rule := f.rotationRule(2*time.Minute, nil)
			ids := f.leadsInOrder(0, 30)
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
			errs := make(chan error, copies*len(msgs))
			for i := len(msgs) - 1; i >= 0; i-- {
				for range copies {
					wg.Go(func() {
						if err := f.s.app.Distribution.HandleMessage(t.Context(), msgs[i]); err != nil {
							errs <- err
						}
					})
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			before := f.rotation(rule)
			gaps := f.checkRotation(t, rule, ids, nil, math.MaxInt)
			if copies == 1 && gaps != 0 {
				t.Fatalf("each message delivered once left %d places unused, want none", gaps)
			}
			// Delivered again after they were given out: no second place.
			f.drain()
			for _, m := range msgs {
				if err := f.s.app.Distribution.HandleMessage(t.Context(), m); err != nil {
					t.Fatal(err)
				}
			}
			if after := f.rotation(rule); !slices.Equal(after, before) {
				t.Fatalf("redelivered messages changed the rotation:\n%v\nwas\n%v", after, before)
			}
		})
	}
}

// A crash between a message's add and the claim of its place (here: the
// claim fails, and the queue delivers the message again) leaves that place
// unused: each such crash moves the rotation on by one, and the shares stay
// within one plus the number of crashes.
func TestDistributionGapsAfterCrashesAreBounded(t *testing.T) {
	f := newFunnel(t)
	at := time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC)
	f.s.setClock(at)
	rule := f.rotationRule(0, nil)
	var mu sync.Mutex
	crashes := 0
	f.s.faults.set(func(w faultstore.Write) faultstore.Fault {
		if _, ok := w.PutsOf("dist_slot"); !ok {
			return faultstore.None
		}
		mu.Lock()
		defer mu.Unlock()
		if crashes < 4 {
			crashes++
			return faultstore.Before
		}
		return faultstore.None
	})
	ids := f.leadsInOrder(0, 30)
	for round := 0; ; round++ {
		f.drain()
		n, err := f.s.app.DistQueue.Len(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if round > 20 {
			t.Fatal("the queue never emptied")
		}
		at = at.Add(10 * time.Minute) // the retries' backoff passes
		f.s.setClock(at)
	}
	if gaps := f.checkRotation(t, rule, ids, nil, crashes); gaps != crashes {
		t.Fatalf("%d crashes between add and claim left %d places unused, want %d", crashes, gaps, crashes)
	}
}

// A lead taken by hand during its delay takes no place in the rotation,
// nor does one whose delay ended while the rule was disabled: the others
// use every place and share exactly.
func TestDistributionOrderSkipsLeadsItDoesNotGive(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
	rule := f.rotationRule(2*time.Minute, nil)
	ids := f.leadsInOrder(0, 7)
	f.drain()
	f.admin.do("PATCH", "/v1/customers/"+ids[2], map[string]any{"owner_id": f.staff[2].userID}).ok(200)
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	f.drain()
	if f.owner(ids[2]) != f.staff[2].userID {
		t.Fatalf("the lead taken by hand went to %s", f.owner(ids[2]))
	}
	f.checkRotation(t, rule, slices.Delete(slices.Clone(ids), 2, 3), nil, 0)
	missed := f.leadsInOrder(7, 1)
	f.drain()
	f.admin.do("PATCH", "/v1/distribution-rules/"+rule, map[string]any{"enabled": false}).ok(200)
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	f.drain()
	f.admin.do("PATCH", "/v1/distribution-rules/"+rule, map[string]any{"enabled": true}).ok(200)
	later := f.leadsInOrder(8, 3)
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	f.drain()
	if f.owner(missed[0]) != "" {
		t.Fatalf("the lead whose delay ended while the rule was off went to %s", f.owner(missed[0]))
	}
	all := append(slices.Delete(slices.Clone(ids), 2, 3), later...)
	f.checkRotation(t, rule, all, nil, 0)
	if got := f.letters(later); strings.Count(got, "A") != 1 || strings.Count(got, "B") != 1 || strings.Count(got, "C") != 1 {
		t.Fatalf("the three leads after went to %s, want one each", got)
	}
}

// A staff member away when delayed leads are released is skipped: the
// leads go to the others, half each, and the rotation goes on through all
// three once they are back.
func TestDistributionOrderWithStaffAway(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
	f.rotationRule(2*time.Minute, nil)
	ids := f.leadsInOrder(0, 6)
	f.drain()
	f.staff[1].do("PATCH", "/v1/users/"+f.staff[1].userID, map[string]any{"away": true}).ok(200)
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	f.drain()
	if got := f.letters(ids); strings.Count(got, "A") != 3 || strings.Count(got, "C") != 3 {
		t.Fatalf("with B away, the leads went to %s, want three each to A and C", got)
	}
	f.staff[1].do("PATCH", "/v1/users/"+f.staff[1].userID, map[string]any{"away": false}).ok(200)
	later := f.leadsInOrder(6, 3)
	f.s.setClock(f.s.app.Clock.Now().Add(2 * time.Minute))
	f.drain()
	if got := f.letters(later); strings.Count(got, "A") != 1 || strings.Count(got, "B") != 1 || strings.Count(got, "C") != 1 {
		t.Fatalf("with B back, the leads went to %s, want one each", got)
	}
}

// rotationRule creates a rule over the funnel's three staff: round robin,
// or weighted by weights.
func (f *funnel) rotationRule(delay time.Duration, weights []int) string {
	rule := map[string]any{"name": "Xoay vòng", "type": "round_robin", "delay": delay.String()}
	staff := []map[string]any{}
	for i, s := range f.staff {
		st := map[string]any{"user_id": s.userID}
		if weights != nil {
			rule["type"], st["weight"] = "weighted", weights[i]
		}
		staff = append(staff, st)
	}
	rule["staff"] = staff
	return f.rule(rule)
}

// place is one entry of a rule's assignments list.
type place struct {
	N                  int64
	CustomerID, UserID string
}

// rotation reads a rule's whole assignments list, a page of 7 at a time
// (so that pages end inside the shards).
func (f *funnel) rotation(rule string) []place {
	var out []place
	cursor := ""
	for {
		var page struct {
			Items []struct {
				N          int64  `json:"n"`
				UserID     string `json:"user_id"`
				CustomerID string `json:"customer_id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		q := "/v1/distribution-rules/" + rule + "/assignments?limit=7"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		f.admin.do("GET", q, nil).ok(200).into(&page)
		for _, a := range page.Items {
			out = append(out, place{N: a.N, CustomerID: a.CustomerID, UserID: a.UserID})
		}
		if page.NextCursor == "" {
			return out
		}
		cursor = page.NextCursor
	}
}

// checkRotation fails unless the customers ids (and no others) were each
// given out once, at distinct places listed in order, each place's staff
// member being the one the rule's sequence names for it (weights nil:
// strict rotation over the three staff), and each customer owned by the
// staff member of its place. It returns how many places below the last
// were left unused (gaps), failing if more than maxGaps, and checks the
// shares: exact without gaps, within one plus the gaps with them.
func (f *funnel) checkRotation(t *testing.T, rule string, ids []string, weights []int, maxGaps int) int {
	t.Helper()
	if weights == nil {
		weights = []int{1, 1, 1}
	}
	seq := distribution.Sequence(weights)
	places := f.rotation(rule)
	if len(places) != len(ids) {
		t.Fatalf("%d assignments, want %d", len(places), len(ids))
	}
	given := map[string]bool{}
	counts := map[string]int{}
	for i, p := range places {
		if i > 0 && p.N <= places[i-1].N {
			t.Fatalf("places listed out of order or twice: %d after %d", p.N, places[i-1].N)
		}
		if given[p.CustomerID] {
			t.Fatalf("customer %s was given out twice", p.CustomerID)
		}
		given[p.CustomerID] = true
		if want := f.staff[seq[(p.N-1)%int64(len(seq))]].userID; p.UserID != want {
			t.Fatalf("place %d went to %s, the rotation names %s", p.N, p.UserID, want)
		}
		if got := f.owner(p.CustomerID); got != p.UserID {
			t.Fatalf("place %d: customer %s is owned by %s, the list says %s", p.N, p.CustomerID, got, p.UserID)
		}
		counts[p.UserID]++
	}
	for _, id := range ids {
		if !given[id] {
			t.Fatalf("customer %s was not given out", id)
		}
	}
	gaps := int(places[len(places)-1].N) - len(places)
	if gaps > maxGaps {
		t.Fatalf("%d places unused, want at most %d", gaps, maxGaps)
	}
	total := 0
	for _, w := range weights {
		total += w
	}
	for i, s := range f.staff {
		share := float64(len(ids)*weights[i]) / float64(total)
		if d := math.Abs(float64(counts[s.userID]) - share); d > float64(1+gaps) || (gaps == 0 && d >= 1) {
			t.Fatalf("%s got %d of %d, share %.2f (%d places unused)", s.userID, counts[s.userID], len(ids), share, gaps)
		}
	}
	st := f.stats(rule)
	for i, s := range f.staff {
		if st.Staff[i].Assigned != int64(counts[s.userID]) {
			t.Fatalf("stats say %s got %d, the list %d", s.userID, st.Staff[i].Assigned, counts[s.userID])
		}
	}
	return gaps
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
