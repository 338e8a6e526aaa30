package localqueue_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tend/internal/localqueue"
	"tend/internal/queuegroup"
	"tend/internal/tendtest"
)

func newQueue(t *testing.T, opts localqueue.Options) (*localqueue.Queue, *tendtest.Clock) {
	clock := tendtest.NewClock(time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC))
	return localqueue.New(tendtest.Store(t, clock), clock, "jobs", opts), clock
}

func collect(t *testing.T, q *localqueue.Queue, fail func(string) error) []string {
	var got []string
	_, err := q.Drain(t.Context(), func(_ context.Context, b []byte) error {
		if fail != nil {
			if err := fail(string(b)); err != nil {
				return err
			}
		}
		got = append(got, string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestDelayOrderAndRetry(t *testing.T) {
	q, clock := newQueue(t, localqueue.Options{})
	ctx := t.Context()
	_ = q.Send(ctx, []byte("later"), time.Minute)
	_ = q.Send(ctx, []byte("a"), 0)
	clock.Add(time.Millisecond)
	_ = q.Send(ctx, []byte("b"), 0)
	if got := collect(t, q, nil); fmt.Sprint(got) != "[a b]" {
		t.Fatalf("drained %v, want [a b] (the delayed one waits)", got)
	}
	clock.Add(time.Minute)
	if got := collect(t, q, nil); fmt.Sprint(got) != "[later]" {
		t.Fatalf("drained %v, want [later]", got)
	}
	// A failure comes back after its backoff, and succeeds then.
	_ = q.Send(ctx, []byte("flaky"), 0)
	calls := 0
	flaky := func(string) error {
		calls++
		if calls == 1 {
			return errors.New("boom")
		}
		return nil
	}
	if got := collect(t, q, flaky); len(got) != 0 {
		t.Fatalf("a failed message was reported done: %v", got)
	}
	if got := collect(t, q, flaky); len(got) != 0 {
		t.Fatal("a failed message came back before its backoff")
	}
	clock.Add(time.Second)
	if got := collect(t, q, flaky); fmt.Sprint(got) != "[flaky]" {
		t.Fatalf("after the backoff: %v", got)
	}
	if n, _ := q.Len(ctx); n != 0 {
		t.Fatalf("%d messages left", n)
	}
}

// Waiting lists every message not yet handled, delayed ones too, in the
// order they would be handed out.
func TestWaiting(t *testing.T) {
	q, clock := newQueue(t, localqueue.Options{})
	ctx := t.Context()
	_ = q.Send(ctx, []byte("later"), time.Minute)
	_ = q.Send(ctx, []byte("a"), 0)
	clock.Add(time.Millisecond)
	_ = q.Send(ctx, []byte("b"), 0)
	var got []string
	waiting, err := q.Waiting(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range waiting {
		got = append(got, string(b))
	}
	if fmt.Sprint(got) != "[a b later]" {
		t.Fatalf("waiting %v, want [a b later]", got)
	}
	collect(t, q, nil)
	if waiting, _ := q.Waiting(ctx); len(waiting) != 1 || string(waiting[0]) != "later" {
		t.Fatalf("after a drain, waiting %q, want [later]", waiting)
	}
}

func TestDeadLetters(t *testing.T) {
	q, clock := newQueue(t, localqueue.Options{MaxAttempts: 3, Backoff: func(int) time.Duration { return time.Second }})
	_ = q.Send(t.Context(), []byte("poison"), 0)
	for range 5 {
		collect(t, q, func(string) error { return errors.New("always") })
		clock.Add(time.Second)
	}
	dl, err := q.DeadLetters(t.Context())
	if err != nil || len(dl) != 1 || string(dl[0].Body) != "poison" || dl[0].Attempts != 3 || dl[0].Error != "always" {
		t.Fatalf("dead letters = %+v, %v", dl, err)
	}
	if n, _ := q.Len(t.Context()); n != 0 {
		t.Fatalf("%d messages left after dead-lettering", n)
	}
}

// A handler that dies half-way (its goroutine ends without settling the
// message, as a crashed process would) leaves the message to come back
// after the lease: nothing is lost.
func TestCrashedHandlerMessageComesBack(t *testing.T) {
	q, clock := newQueue(t, localqueue.Options{Lease: 30 * time.Second})
	_ = q.Send(t.Context(), []byte("m"), 0)
	died := make(chan struct{})
	go func() {
		defer close(died)
		_, _ = q.Drain(t.Context(), func(context.Context, []byte) error {
			runtime.Goexit()
			return nil
		})
	}()
	<-died
	if got := collect(t, q, nil); len(got) != 0 {
		t.Fatal("a leased message was handed out again before its lease ended")
	}
	clock.Add(30 * time.Second)
	if got := collect(t, q, nil); fmt.Sprint(got) != "[m]" {
		t.Fatalf("after the lease: %v", got)
	}
}

func TestConcurrentDrainsHandleEachMessageOnce(t *testing.T) {
	for _, groups := range []int{0, 3} {
		t.Run(fmt.Sprintf("%d groups", groups), func(t *testing.T) {
			q, _ := newQueue(t, localqueue.Options{})
			for i := range 200 {
				ctx := t.Context()
				if groups > 0 {
					ctx = queuegroup.With(ctx, fmt.Sprintf("ws_%d", i%groups))
				}
				_ = q.Send(ctx, fmt.Appendf(nil, "%d", i), 0)
			}
			var mu sync.Mutex
			seen := map[string]int{}
			var total atomic.Int32
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					n, err := q.Drain(t.Context(), func(_ context.Context, b []byte) error {
						mu.Lock()
						seen[string(b)]++
						mu.Unlock()
						return nil
					})
					if err != nil {
						t.Error(err)
					}
					total.Add(int32(n))
				})
			}
			wg.Wait()
			if len(seen) != 200 || total.Load() != 200 {
				t.Fatalf("%d distinct messages, %d handled; want 200 and 200", len(seen), total.Load())
			}
			for m, n := range seen {
				if n != 1 {
					t.Fatalf("message %s handled %d times", m, n)
				}
			}
		})
	}
}
