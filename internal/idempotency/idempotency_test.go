package idempotency_test

import (
	"errors"
	"testing"
	"time"

	"tend/internal/idempotency"
	"tend/internal/tendtest"
)

func keeper(t *testing.T) (*idempotency.Keeper, *tendtest.Clock) {
	clock := tendtest.NewClock(time.Date(2026, 5, 1, 3, 0, 0, 0, time.UTC))
	return idempotency.New(tendtest.Store(t, clock), clock), clock
}

func TestKeeper(t *testing.T) {
	ctx := t.Context()
	k, clock := keeper(t)
	fp := idempotency.Fingerprint("POST", "/v1/customers", []byte(`{"name":"A"}`))
	if prev, err := k.Begin(ctx, "T#1#U#u", "key-1", fp); prev != nil || err != nil {
		t.Fatalf("first Begin = %v, %v; want go ahead", prev, err)
	}
	if _, err := k.Begin(ctx, "T#1#U#u", "key-1", fp); !errors.Is(err, idempotency.ErrInProgress) {
		t.Fatalf("Begin while running: %v, want ErrInProgress", err)
	}
	if err := k.Finish(ctx, "T#1#U#u", "key-1", fp, idempotency.Response{Status: 201, Body: []byte(`{"id":"c1"}`)}); err != nil {
		t.Fatal(err)
	}
	prev, err := k.Begin(ctx, "T#1#U#u", "key-1", fp)
	if err != nil || prev == nil || prev.Status != 201 || string(prev.Body) != `{"id":"c1"}` {
		t.Fatalf("replay = %+v, %v", prev, err)
	}
	other := idempotency.Fingerprint("POST", "/v1/customers", []byte(`{"name":"B"}`))
	if _, err := k.Begin(ctx, "T#1#U#u", "key-1", other); !errors.Is(err, idempotency.ErrReused) {
		t.Fatalf("Begin with another request: %v, want ErrReused", err)
	}
	if prev, err := k.Begin(ctx, "T#1#U#other", "key-1", other); prev != nil || err != nil {
		t.Fatalf("same key in another scope = %v, %v; want go ahead", prev, err)
	}
	// Answers are kept a day, then forgotten.
	clock.Add(idempotency.Retention + time.Second)
	if prev, err := k.Begin(ctx, "T#1#U#u", "key-1", other); prev != nil || err != nil {
		t.Fatalf("after retention = %v, %v; want go ahead", prev, err)
	}
}

// A request that crashed holds its key for a minute only; one that failed
// with a server error gives it back at once.
func TestKeeperReleasesKeys(t *testing.T) {
	ctx := t.Context()
	k, clock := keeper(t)
	fp := idempotency.Fingerprint("POST", "/x", nil)
	if _, err := k.Begin(ctx, "s", "crash", fp); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Minute)
	if prev, err := k.Begin(ctx, "s", "crash", fp); prev != nil || err != nil {
		t.Fatalf("after a crash = %v, %v; want go ahead", prev, err)
	}
	if _, err := k.Begin(ctx, "s", "fail", fp); err != nil {
		t.Fatal(err)
	}
	if err := k.Abandon(ctx, "s", "fail"); err != nil {
		t.Fatal(err)
	}
	if prev, err := k.Begin(ctx, "s", "fail", fp); prev != nil || err != nil {
		t.Fatalf("after Abandon = %v, %v; want go ahead", prev, err)
	}
	for status, keep := range map[int]bool{200: true, 201: true, 404: true, 422: true, 500: false, 503: false} {
		if idempotency.Remembered(status) != keep {
			t.Errorf("Remembered(%d) = %v", status, !keep)
		}
	}
}
