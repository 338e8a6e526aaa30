package localqueue_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tend/internal/localqueue"
	"tend/internal/store/faultstore"
	"tend/internal/tendtest"
)

// A drain deletes the messages a round handled in one write, not one
// each: a round of 40 messages (4 workers, 10 each) is one transaction.
func TestDrainDeletesARoundsMessagesTogether(t *testing.T) {
	for _, batches := range []bool{false, true} {
		t.Run(fmt.Sprintf("batches=%v", batches), func(t *testing.T) {
			clock := tendtest.NewClock(time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC))
			db := tendtest.Store(t, clock)
			q := localqueue.New(db, clock, "jobs", localqueue.Options{SingleConsumer: true, Workers: 4})
			for i := range 40 {
				if err := q.Send(t.Context(), fmt.Appendf(nil, "%d", i), 0); err != nil {
					t.Fatal(err)
				}
			}
			_, before := db.WriteStats()
			var n int
			var err error
			if batches {
				n, err = q.DrainBatches(t.Context(), func(_ context.Context, bodies [][]byte) []error { return make([]error, len(bodies)) })
			} else {
				n, err = q.Drain(t.Context(), func(context.Context, []byte) error { return nil })
			}
			if err != nil || n != 40 {
				t.Fatalf("drained %d, %v; want 40", n, err)
			}
			if _, after := db.WriteStats(); after-before != 1 {
				t.Errorf("the drain made %d write transactions, want 1 (the round's deletes together)", after-before)
			}
			if left, err := q.Len(t.Context()); err != nil || left != 0 {
				t.Errorf("%d messages left (%v), want 0", left, err)
			}
		})
	}
}

// When a round's deletes fail, its messages are handed out again (at
// least once), and the next drain deletes them; a message that failed
// its handler is retried as before, not deleted with the others.
func TestFailedRoundDeleteHandsTheMessagesAgain(t *testing.T) {
	clock := tendtest.NewClock(time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC))
	var failDeletes atomic.Bool
	failDeletes.Store(true)
	st := faultstore.New(tendtest.Store(t, clock), func(w faultstore.Write) faultstore.Fault {
		if len(w.Deletes) > 1 && len(w.Puts) == 0 && failDeletes.Load() {
			return faultstore.Before
		}
		return faultstore.None
	})
	q := localqueue.New(st, clock, "jobs", localqueue.Options{SingleConsumer: true, Workers: 2})
	for _, m := range []string{"a", "b", "c", "bad"} {
		if err := q.Send(t.Context(), []byte(m), 0); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu   sync.Mutex
		seen []string
	)
	handle := func(_ context.Context, b []byte) error {
		mu.Lock()
		seen = append(seen, string(b))
		mu.Unlock()
		if string(b) == "bad" {
			return fmt.Errorf("refused")
		}
		return nil
	}
	if _, err := q.Drain(t.Context(), handle); err == nil {
		t.Fatal("the drain whose deletes failed reported no error")
	}
	failDeletes.Store(false)
	if _, err := q.Drain(t.Context(), handle); err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	if want := "[a a b b bad c c]"; fmt.Sprint(seen) != want {
		t.Fatalf("handled %v, want %s: each handled message again, the failed one once (its retry waits for its backoff)", seen, want)
	}
	if left, err := q.Len(t.Context()); err != nil || left != 1 {
		t.Fatalf("%d messages left (%v), want 1: the failed one, waiting for its retry", left, err)
	}
}
