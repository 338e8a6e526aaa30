// Package localqueue is the local stand-in for SQS: a durable queue over
// the item-store port, with delays, retries with backoff and a dead-letter
// list, and SQS's at-least-once delivery.
package localqueue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Options tune a queue.
type Options struct {
	// MaxAttempts is how many times a message is handled before it goes to
	// the dead letters (default 5).
	MaxAttempts int
	// Backoff is how long a failed message waits before its next attempt
	// (default 1s, 2s, 4s… up to 5 minutes).
	Backoff func(attempt int) time.Duration
	// Lease is how long a message being handled stays invisible; a
	// handler that crashed leaves it to come back after this (default 30s).
	Lease time.Duration
	// SingleConsumer says only one Drain runs at a time (the local runner
	// serialises its drains): messages need no lease, as nobody else could
	// take them, and a crash leaves them visible for the next drain.
	SingleConsumer bool
	// Workers is how many messages a drain handles at once (default 1), as
	// Lambda runs several invocations of a queue's function.
	Workers int
}

// Queue is one named queue.
type Queue struct {
	st    store.Store
	clock domain.Clock
	name  string
	opts  Options
	sent  atomic.Int64 // orders messages sent at the same instant
}

// DeadLetter is a message that failed every attempt.
type DeadLetter struct {
	Body     []byte    `json:"body"`
	Attempts int       `json:"attempts"`
	Error    string    `json:"error"`
	At       time.Time `json:"at"`
}

type message struct {
	ID       string    `json:"id"`
	Body     []byte    `json:"body"`
	Attempts int       `json:"attempts"`
	Error    string    `json:"error,omitempty"`
	SentAt   time.Time `json:"sent_at"`
}

// New returns the queue called name over st.
func New(st store.Store, clock domain.Clock, name string, opts Options) *Queue {
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 5
	}
	if opts.Backoff == nil {
		opts.Backoff = func(attempt int) time.Duration {
			return min(time.Second<<min(attempt-1, 20), 5*time.Minute)
		}
	}
	if opts.Lease <= 0 {
		opts.Lease = 30 * time.Second
	}
	return &Queue{st: st, clock: clock, name: name, opts: opts}
}

const itemType = "queue"

func (q *Queue) pk() string    { return "LOCAL#Q#" + q.name }
func (q *Queue) dlqPK() string { return "LOCAL#DLQ#" + q.name }

func (q *Queue) key(visible time.Time, id string) store.Key {
	return store.Key{PK: q.pk(), SK: store.SortTime(visible) + "#" + id}
}

func (q *Queue) item(visible time.Time, m message, version int64) store.Item {
	b, _ := json.Marshal(m) // strings, bytes, ints and a time: cannot fail
	return store.Item{Key: q.key(visible, m.ID), Type: itemType, Version: version, Doc: b}
}

// Send queues a message, visible after delay.
func (q *Queue) Send(ctx context.Context, body []byte, delay time.Duration) error {
	now := q.clock.Now()
	// Ids sort by when they were sent, so that messages visible at the same
	// time are handed out in the order they were sent (SQS makes no such
	// promise; locally it makes runs easy to follow).
	m := message{ID: fmt.Sprintf("%s.%012d.%s", store.SortTime(now), q.sent.Add(1), domain.NewID("m")), Body: body, SentAt: now}
	if err := q.st.Put(ctx, q.item(now.Add(delay), m, 1), store.NotExist); err != nil {
		return fmt.Errorf("localqueue %s: send: %w", q.name, err)
	}
	return nil
}

// Drain handles every message visible now, again and again until none is,
// and returns how many were handled successfully. With a lease, a message
// is claimed (made invisible for the lease) before it is handled, so
// concurrent drains never handle one message at the same time; within a
// drain, each message of a page goes to one worker.
func (q *Queue) Drain(ctx context.Context, handle func(ctx context.Context, body []byte) error) (int, error) {
	var done atomic.Int64
	for {
		now := q.clock.Now()
		page, err := q.st.Query(ctx, store.Query{PK: q.pk(), SK: store.SKLe, A: store.SortTime(now) + "#~", Limit: 100})
		if err != nil {
			return int(done.Load()), fmt.Errorf("localqueue %s: read: %w", q.name, err)
		}
		if len(page.Items) == 0 {
			return int(done.Load()), nil
		}
		items := make(chan store.Item, len(page.Items))
		for _, it := range page.Items {
			items <- it
		}
		close(items)
		errs := make(chan error, max(q.opts.Workers, 1))
		var wg sync.WaitGroup
		for range max(q.opts.Workers, 1) {
			wg.Go(func() {
				for it := range items {
					ok, err := q.handleOne(ctx, it, handle)
					if err != nil {
						errs <- err
						return
					}
					if ok {
						done.Add(1)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return int(done.Load()), err
		}
	}
}

// handleOne claims, handles and settles one message. It reports whether
// the handler succeeded.
func (q *Queue) handleOne(ctx context.Context, it store.Item, handle func(ctx context.Context, body []byte) error) (bool, error) {
	var m message
	if err := json.Unmarshal(it.Doc, &m); err != nil {
		return false, fmt.Errorf("localqueue %s: decode %s: %w", q.name, it.Key, err)
	}
	now := q.clock.Now()
	m.Attempts++
	leased := it
	if !q.opts.SingleConsumer {
		leased = q.item(now.Add(q.opts.Lease), m, 1)
		err := q.st.Transact(ctx, []store.TxOp{store.TxDelete(it.Key, store.IfVersion(it.Version)), store.TxPut(leased, store.NotExist)})
		if errors.Is(err, store.ErrConditionFailed) {
			return false, nil // another drain took it
		}
		if err != nil {
			return false, fmt.Errorf("localqueue %s: claim: %w", q.name, err)
		}
	}
	herr := handle(ctx, m.Body)
	if herr == nil {
		if err := q.st.Delete(ctx, leased.Key, store.None); err != nil {
			return true, fmt.Errorf("localqueue %s: delete: %w", q.name, err)
		}
		return true, nil
	}
	m.Error = herr.Error()
	// Must still exist: a handler that outlived its lease lost the message
	// to another drain, which now owns its retry.
	next := []store.TxOp{store.TxDelete(leased.Key, store.Exists)}
	if m.Attempts >= q.opts.MaxAttempts {
		dl, _ := json.Marshal(DeadLetter{Body: m.Body, Attempts: m.Attempts, Error: m.Error, At: now})
		next = append(next, store.TxPut(store.Item{Key: store.Key{PK: q.dlqPK(), SK: store.SortTime(now) + "#" + m.ID}, Type: itemType, Version: 1, Doc: dl}, store.NotExist))
	} else {
		next = append(next, store.TxPut(q.item(now.Add(q.opts.Backoff(m.Attempts)), m, 1), store.NotExist))
	}
	if err := q.st.Transact(ctx, next); err != nil && !errors.Is(err, store.ErrConditionFailed) {
		return false, fmt.Errorf("localqueue %s: reschedule: %w", q.name, err)
	}
	return false, nil
}

// Len counts the messages waiting, visible or not.
func (q *Queue) Len(ctx context.Context) (int, error) {
	items, err := q.all(ctx, q.pk())
	return len(items), err
}

// Waiting returns the bodies of the messages waiting, visible or not, in
// the order the queue would hand them out: tests deliver them in another
// order, as SQS may.
func (q *Queue) Waiting(ctx context.Context) ([][]byte, error) {
	items, err := q.all(ctx, q.pk())
	if err != nil {
		return nil, err
	}
	out := make([][]byte, 0, len(items))
	for _, it := range items {
		var m message
		if err := json.Unmarshal(it.Doc, &m); err != nil {
			return nil, fmt.Errorf("localqueue %s: decode %s: %w", q.name, it.Key, err)
		}
		out = append(out, m.Body)
	}
	return out, nil
}

// DeadLetters lists the messages that failed every attempt, oldest first.
func (q *Queue) DeadLetters(ctx context.Context) ([]DeadLetter, error) {
	items, err := q.all(ctx, q.dlqPK())
	if err != nil {
		return nil, err
	}
	out := make([]DeadLetter, 0, len(items))
	for _, it := range items {
		var d DeadLetter
		if err := json.Unmarshal(it.Doc, &d); err != nil {
			return nil, fmt.Errorf("localqueue %s: decode dead letter: %w", q.name, err)
		}
		out = append(out, d)
	}
	return out, nil
}

func (q *Queue) all(ctx context.Context, pk string) ([]store.Item, error) {
	items, err := store.QueryAll(ctx, q.st, store.Query{PK: pk, Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("localqueue %s: %w", q.name, err)
	}
	return items, nil
}

// HandleOne handles the first message visible now, if any, as Drain
// would, and reports whether there was one: tests step through a queue's
// work one message at a time.
func (q *Queue) HandleOne(ctx context.Context, handle func(ctx context.Context, body []byte) error) (bool, error) {
	page, err := q.st.Query(ctx, store.Query{PK: q.pk(), SK: store.SKLe, A: store.SortTime(q.clock.Now()) + "#~", Limit: 1})
	if err != nil {
		return false, fmt.Errorf("localqueue %s: read: %w", q.name, err)
	}
	if len(page.Items) == 0 {
		return false, nil
	}
	_, err = q.handleOne(ctx, page.Items[0], handle)
	return true, err
}
