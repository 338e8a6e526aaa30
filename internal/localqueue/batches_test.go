package localqueue_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"tend/internal/localqueue"
	"tend/internal/queuegroup"
)

// DrainBatches hands each round's messages of one group to the handler
// together (up to 10, in the group's order, with the group in the
// context) and settles each message by its own answer: a message
// answered with an error comes back alone after its backoff, the others
// are done.
func TestDrainBatchesHandsAGroupsMessagesTogether(t *testing.T) {
	q, clock := newQueue(t, localqueue.Options{Workers: 2, SingleConsumer: true})
	ctx := t.Context()
	for i := range 12 {
		clock.Add(time.Millisecond)
		if err := q.Send(queuegroup.With(ctx, "ws-a"), fmt.Appendf(nil, "a%02d", i), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Send(queuegroup.With(ctx, "ws-b"), []byte("b00"), 0); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var batches []string
	failOnce := map[string]bool{"a03": true}
	handle := func(ctx context.Context, bodies [][]byte) []error {
		mu.Lock()
		defer mu.Unlock()
		errs := make([]error, len(bodies))
		var names []string
		for i, b := range bodies {
			names = append(names, string(b))
			if failOnce[string(b)] {
				failOnce[string(b)] = false
				errs[i] = errors.New("boom")
			}
		}
		batches = append(batches, queuegroup.From(ctx)+":"+fmt.Sprint(names))
		return errs
	}
	n, err := q.DrainBatches(ctx, handle)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(batches)
	want := []string{"ws-a:[a00 a01 a02 a03 a04 a05 a06 a07 a08 a09]", "ws-a:[a10 a11]", "ws-b:[b00]"}
	if n != 12 || !slices.Equal(batches, want) {
		t.Fatalf("handled %d in batches %q, want 12 in %q", n, batches, want)
	}
	batches = nil
	clock.Add(time.Minute) // past the failed message's backoff
	if n, err := q.DrainBatches(ctx, handle); err != nil || n != 1 || !slices.Equal(batches, []string{"ws-a:[a03]"}) {
		t.Fatalf("after the backoff: handled %d (%v) in %q, want the failed message alone", n, err, batches)
	}
	if left, err := q.Len(ctx); err != nil || left != 0 {
		t.Fatalf("%d messages left (%v), want none", left, err)
	}
}
