package localrun_test

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"sync"
	"testing"
	"time"

	"tend/internal/distribution"
	"tend/internal/store/faultstore"
)

// Ten thousand leads posted at once, one in ten posted twice with the same
// idempotency key, taken by an intake consumer whose customer writes fail
// one in ten and through a distributor that fails one message in five,
// before or after their writes, with the queues delivering again: exactly
// 10,000 customers, each with exactly one owner, none lost, none made or
// assigned twice, and the counts per staff member exactly those of the
// weights.
func TestDistributionChaos(t *testing.T) {
	const leads = 10000
	f := newFunnel(t)
	at := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	f.s.setClock(at)
	weights := []int{3, 4, 5}
	var staff []map[string]any
	for i, s := range f.staff {
		staff = append(staff, map[string]any{"user_id": s.userID, "weight": weights[i]})
	}
	rule := f.rule(map[string]any{"name": "Chia lead", "type": "weighted", "delay": "0s", "staff": staff})

	// The assignments fail one in five, half before their write and half
	// after it (written, but the distributor hears it failed); the intake
	// consumer's writes of a lead's customer fail one in ten, the same way.
	rng := rand.New(rand.NewPCG(1, 2))
	var mu sync.Mutex
	var takeFaults int
	f.s.faults.set(func(w faultstore.Write) faultstore.Fault {
		_, assigns := w.PutsOf("dist_assignment")
		_, settles := w.PutsOf("lead_delivery")
		_, makes := w.PutsOf("customer")
		if !assigns && !(settles && makes) {
			return faultstore.None
		}
		mu.Lock()
		defer mu.Unlock()
		n := rng.IntN(10)
		if !assigns {
			if n >= 1 {
				return faultstore.None
			}
			takeFaults++
			if rng.IntN(2) == 0 {
				return faultstore.Before
			}
			return faultstore.After
		}
		switch n {
		case 0:
			return faultstore.Before
		case 1:
			return faultstore.After
		}
		return faultstore.None
	})

	work := make(chan int, 2*leads)
	for i := range leads {
		work <- i
		if i%10 == 0 {
			work <- i // the same lead again, with the same key
		}
	}
	close(work)
	var wg sync.WaitGroup
	var failures sync.Map
	for range 16 {
		wg.Go(func() {
			for i := range work {
				r := f.post("/hooks/leads/"+f.source, map[string]any{"full_name": fmt.Sprintf("Lead %05d", i),
					"contact": map[string]any{"phone": fmt.Sprintf("0912%06d", i)}}, fmt.Sprintf("lead-%d", i))
				if r.Status != 202 {
					failures.Store(i, fmt.Sprintf("%d %s", r.Status, r.Body))
				}
			}
		})
	}
	wg.Wait()
	failures.Range(func(k, v any) bool {
		t.Fatalf("lead %v: %v", k, v)
		return false
	})
	for round := 0; ; round++ {
		if round > 200 {
			t.Fatal("the queue never emptied")
		}
		f.drain()
		n, err := f.s.app.DistQueue.Len(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		in, err := f.s.app.IntakeQueue.Len(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && in == 0 {
			break
		}
		at = at.Add(10 * time.Minute) // the retries' backoff passes
		f.s.setClock(at)
	}
	if dl, _ := f.s.app.DistQueue.DeadLetters(t.Context()); len(dl) != 0 {
		t.Fatalf("%d messages dead-lettered: %s", len(dl), dl[0].Error)
	}
	if dl, _ := f.s.app.IntakeQueue.DeadLetters(t.Context()); len(dl) != 0 {
		t.Fatalf("%d leads dead-lettered: %s", len(dl), dl[0].Error)
	}
	mu.Lock()
	faulted := takeFaults
	mu.Unlock()
	if faulted == 0 {
		t.Fatal("no intake write failed: the test does not test the intake")
	}

	// Every customer, each with an owner.
	owners := map[string]int{}
	total := 0
	cursor := ""
	for {
		q := "?limit=500"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		p := f.admin.list(q)
		for _, c := range p.Items {
			if c.OwnerID == "" {
				t.Fatalf("%s (%s) has no owner", c.ID, c.Name)
			}
			owners[c.OwnerID]++
			total++
		}
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	if total != leads {
		t.Fatalf("%d customers, want %d", total, leads)
	}
	// Exactly the weights' counts: the first 10,000 of the repeated
	// sequence.
	seq := distribution.Sequence(weights)
	want := make([]int, len(weights))
	for n := range leads {
		want[seq[n%len(seq)]]++
	}
	st := f.stats(rule)
	for i, s := range f.staff {
		if owners[s.userID] != want[i] || st.Staff[i].Assigned != int64(want[i]) {
			t.Fatalf("%s: owns %d, stats %d, want %d", s.userID, owners[s.userID], st.Staff[i].Assigned, want[i])
		}
	}
	// One assignment per customer: as many assignments (each told to its
	// staff member in the same write) as customers.
	told := 0
	for _, s := range f.staff {
		cursor := ""
		for {
			var page struct {
				Items      []struct{ Kind string } `json:"items"`
				NextCursor string                  `json:"next_cursor"`
			}
			q := "/v1/notifications?limit=500"
			if cursor != "" {
				q += "&cursor=" + url.QueryEscape(cursor)
			}
			s.do("GET", q, nil).ok(200).into(&page)
			told += len(page.Items)
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
	}
	if told != leads {
		t.Fatalf("%d assignments made, want exactly %d (one per customer)", told, leads)
	}
}
