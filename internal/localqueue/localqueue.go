// Package localqueue is the local stand-in for SQS: a durable queue over
// the item-store port, with delays, retries with backoff and a dead-letter
// list, and SQS's at-least-once delivery.
//
// Like an SQS fair queue, it serves message groups (package queuegroup:
// the workspace a message was sent for) in turn, so that one workspace's
// backlog does not delay another's messages: Drain and HandleOne take the
// next visible message of the next group that has one.
//
// Keys: a group's messages live in a partition of their own,
// LOCAL#Q#<queue>#G#<group>, sorted by when they become visible (then by
// id); messages sent without a group live in LOCAL#Q#<queue>, where every
// message lived before groups, so a queue left from then is served as
// the no-group group. The groups a queue has seen are listed in
// LOCAL#QG#<queue> (one item per group, written once before its first
// message, kept: they are the workspaces, few). Dead letters of every
// group go to LOCAL#DLQ#<queue>.
package localqueue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"tend/internal/domain"
	"tend/internal/queuegroup"
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
	// listed holds the groups known to be in the group list.
	listed sync.Map
	// turn is the group served last: the next turn goes to the one after.
	turnMu sync.Mutex
	turn   string
}

// DeadLetter is a message that failed every attempt.
type DeadLetter struct {
	Body     []byte    `json:"body"`
	Group    string    `json:"group,omitempty"`
	Attempts int       `json:"attempts"`
	Error    string    `json:"error"`
	At       time.Time `json:"at"`
}

type message struct {
	ID       string    `json:"id"`
	Body     []byte    `json:"body"`
	Group    string    `json:"group,omitempty"`
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

const (
	itemType  = "queue"
	groupType = "queue_group"
)

// pk is the partition of a group's messages ("" for no group).
func (q *Queue) pk(group string) string {
	if group == "" {
		return "LOCAL#Q#" + q.name
	}
	return "LOCAL#Q#" + q.name + "#G#" + group
}

func (q *Queue) groupsPK() string { return "LOCAL#QG#" + q.name }
func (q *Queue) dlqPK() string    { return "LOCAL#DLQ#" + q.name }

func (q *Queue) key(visible time.Time, m message) store.Key {
	return store.Key{PK: q.pk(m.Group), SK: store.SortTime(visible) + "#" + m.ID}
}

func (q *Queue) item(visible time.Time, m message, version int64) store.Item {
	b, _ := json.Marshal(m) // strings, bytes, ints and a time: cannot fail
	return store.Item{Key: q.key(visible, m), Type: itemType, Version: version, Doc: b}
}

// Send queues a message in ctx's group (queuegroup), visible after delay.
func (q *Queue) Send(ctx context.Context, body []byte, delay time.Duration) error {
	now := q.clock.Now()
	group := queuegroup.From(ctx)
	if err := q.list(ctx, group); err != nil {
		return err
	}
	// Ids sort by when they were sent, so that messages of a group visible
	// at the same time are handed out in the order they were sent (SQS
	// makes no such promise; locally it makes runs easy to follow).
	m := message{ID: fmt.Sprintf("%s.%012d.%s", store.SortTime(now), q.sent.Add(1), domain.NewID("m")), Body: body, Group: group, SentAt: now}
	if err := q.st.Put(ctx, q.item(now.Add(delay), m, 1), store.NotExist); err != nil {
		return fmt.Errorf("localqueue %s: send: %w", q.name, err)
	}
	return nil
}

// list writes group in the group list unless it is known to be there,
// before its first message: no message is ever in a group nobody serves.
func (q *Queue) list(ctx context.Context, group string) error {
	if group == "" {
		return nil // always served
	}
	if _, ok := q.listed.Load(group); ok {
		return nil
	}
	err := q.st.Put(ctx, store.Item{Key: store.Key{PK: q.groupsPK(), SK: group}, Type: groupType, Version: 1}, store.NotExist)
	if err != nil && !errors.Is(err, store.ErrConditionFailed) {
		return fmt.Errorf("localqueue %s: list group: %w", q.name, err)
	}
	q.listed.Store(group, true)
	return nil
}

// groups lists the queue's groups in the order of the next turn: from
// the one after the group served last, round the list.
func (q *Queue) groups(ctx context.Context) ([]string, error) {
	items, err := q.all(ctx, q.groupsPK())
	if err != nil {
		return nil, err
	}
	all := make([]string, 0, len(items)+1)
	all = append(all, "") // the no-group group sorts first
	for _, it := range items {
		all = append(all, it.SK)
	}
	q.turnMu.Lock()
	last := q.turn
	q.turnMu.Unlock()
	next := 0
	for i, g := range all {
		if g > last {
			next = i
			break
		}
	}
	return append(all[next:], all[:next]...), nil
}

// served records the group whose message was handed out last.
func (q *Queue) served(group string) {
	q.turnMu.Lock()
	q.turn = group
	q.turnMu.Unlock()
}

// visible reads up to limit messages of a group visible now, in order.
func (q *Queue) visible(ctx context.Context, group string, limit int) ([]store.Item, error) {
	page, err := q.st.Query(ctx, store.Query{PK: q.pk(group), SK: store.SKLe, A: store.SortTime(q.clock.Now()) + "#~", Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("localqueue %s: read: %w", q.name, err)
	}
	return page.Items, nil
}

// perTurn is how many visible messages of each group a round of a drain
// hands to each worker (SQS's batch of 10). A round reads up to perTurn
// for every worker of each group and hands them out one group after the
// other (a message, or a batch, of each group in turn, then a second of
// each...), so a group waits for at most one message (batch) of each
// other group per message (batch) of its own, while one busy group alone
// keeps every worker busy.
const perTurn = 10

// perRound is how many visible messages of one group a round reads.
func (q *Queue) perRound() int { return perTurn * max(q.opts.Workers, 1) }

// round reads the next round of a drain: up to perRound visible messages
// of each group, interleaved in turn.
func (q *Queue) round(ctx context.Context) ([]store.Item, error) {
	byGroup, err := q.roundByGroup(ctx)
	return interleave(byGroup), err
}

// roundBatches reads the next round of a batch drain: each group's
// visible messages in batches of perTurn, the batches interleaved in turn.
func (q *Queue) roundBatches(ctx context.Context) ([][]store.Item, error) {
	byGroup, err := q.roundByGroup(ctx)
	if err != nil {
		return nil, err
	}
	chunked := make([][][]store.Item, len(byGroup))
	for i, items := range byGroup {
		chunked[i] = slices.Collect(slices.Chunk(items, perTurn))
	}
	return interleave(chunked), nil
}

// roundByGroup reads up to perRound visible messages of each group that
// has one, a list per group.
func (q *Queue) roundByGroup(ctx context.Context) ([][]store.Item, error) {
	groups, err := q.groups(ctx)
	if err != nil {
		return nil, err
	}
	var byGroup [][]store.Item
	for _, g := range groups {
		items, err := q.visible(ctx, g, q.perRound())
		if err != nil {
			return nil, err
		}
		if len(items) > 0 {
			byGroup = append(byGroup, items)
		}
	}
	return byGroup, nil
}

// interleave takes the first of each list in turn, then the second...
func interleave[T any](lists [][]T) []T {
	var out []T
	for i := 0; ; i++ {
		took := false
		for _, l := range lists {
			if i < len(l) {
				out, took = append(out, l[i]), true
			}
		}
		if !took {
			return out
		}
	}
}

// Drain handles every message visible now, again and again until none is,
// and returns how many were handled successfully. It goes in rounds, each
// taking a few messages of every group in turn (see round). With a lease,
// a message is claimed (made invisible for the lease) before it is
// handled, so concurrent drains never handle one message at the same
// time; within a drain, each message of a round goes to one worker.
func (q *Queue) Drain(ctx context.Context, handle func(ctx context.Context, body []byte) error) (int, error) {
	return drainRounds(ctx, q, q.round, func(it store.Item, handled *done) (int, error) {
		ok, err := q.handleOne(ctx, it, handle, handled)
		if err != nil || !ok {
			return 0, err
		}
		return 1, nil
	})
}

// drainRounds reads rounds until one is empty and hands each round's
// units (a message, or a group's batch) to the queue's workers; do
// handles one unit, leaves the deletes of the messages it handled to
// handled, and says how many it handled. The round's deletes are made
// together before the next round is read. The first error stops the
// drain.
func drainRounds[T any](ctx context.Context, q *Queue, round func(context.Context) ([]T, error), do func(T, *done) (int, error)) (int, error) {
	var count atomic.Int64
	for {
		units, err := round(ctx)
		if err != nil {
			return int(count.Load()), err
		}
		if len(units) == 0 {
			return int(count.Load()), nil
		}
		work := make(chan T, len(units))
		for _, u := range units {
			work <- u
		}
		close(work)
		errs := make(chan error, max(q.opts.Workers, 1))
		handled := &done{}
		var wg sync.WaitGroup
		for range max(q.opts.Workers, 1) {
			wg.Go(func() {
				for u := range work {
					n, err := do(u, handled)
					count.Add(int64(n))
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		if err := errors.Join(<-errs, q.deleteHandled(ctx, handled)); err != nil {
			return int(count.Load()), err
		}
	}
}

// handleOne claims, handles and settles one message. It reports whether
// the handler succeeded.
func (q *Queue) handleOne(ctx context.Context, it store.Item, handle func(ctx context.Context, body []byte) error, handled *done) (bool, error) {
	t, ok, err := q.take(ctx, it)
	if err != nil || !ok {
		return false, err
	}
	// The handling is the group's work: what it sends is the group's too.
	return q.settle(ctx, t, handle(queuegroup.With(ctx, t.m.Group), t.m.Body), handled)
}

// taken is a message claimed for handling.
type taken struct {
	m      message
	leased store.Item
	now    time.Time
}

// take claims a message for handling (with a lease unless the queue has a
// single consumer). It reports false when another drain took it.
func (q *Queue) take(ctx context.Context, it store.Item) (taken, bool, error) {
	var m message
	if err := json.Unmarshal(it.Doc, &m); err != nil {
		return taken{}, false, fmt.Errorf("localqueue %s: decode %s: %w", q.name, it.Key, err)
	}
	q.served(m.Group)
	now := q.clock.Now()
	m.Attempts++
	leased := it
	if !q.opts.SingleConsumer {
		leased = q.item(now.Add(q.opts.Lease), m, 1)
		err := q.st.Transact(ctx, []store.TxOp{store.TxDelete(it.Key, store.IfVersion(it.Version)), store.TxPut(leased, store.NotExist)})
		if errors.Is(err, store.ErrConditionFailed) {
			return taken{}, false, nil // another drain took it
		}
		if err != nil {
			return taken{}, false, fmt.Errorf("localqueue %s: claim: %w", q.name, err)
		}
	}
	return taken{m: m, leased: leased, now: now}, true, nil
}

// settle ends a taken message's attempt: deleted when its handler
// succeeded (herr nil), else put back for a retry after its backoff or,
// after its last attempt, moved to the dead letters. A drain's round
// passes its done list, which takes the deletes of the messages handled
// to make them together when the round ends (see done); nil deletes at
// once. It reports whether the handler succeeded.
func (q *Queue) settle(ctx context.Context, t taken, herr error, handled *done) (bool, error) {
	m, now := t.m, t.now
	if herr == nil {
		if handled != nil {
			handled.add(t.leased.Key)
			return true, nil
		}
		if err := q.st.Delete(ctx, t.leased.Key, store.None); err != nil {
			return true, fmt.Errorf("localqueue %s: delete: %w", q.name, err)
		}
		return true, nil
	}
	m.Error = herr.Error()
	// Must still exist: a handler that outlived its lease lost the message
	// to another drain, which now owns its retry.
	next := []store.TxOp{store.TxDelete(t.leased.Key, store.Exists)}
	if m.Attempts >= q.opts.MaxAttempts {
		dl, _ := json.Marshal(DeadLetter{Body: m.Body, Group: m.Group, Attempts: m.Attempts, Error: m.Error, At: now})
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
	_, byGroup, err := q.waiting(ctx)
	n := 0
	for _, items := range byGroup {
		n += len(items)
	}
	return n, err
}

// Waiting returns the bodies of the messages waiting, visible or not, in
// the order the queue would hand them out (a group's in turn with the
// others'): tests deliver them in another order, as SQS may.
func (q *Queue) Waiting(ctx context.Context) ([][]byte, error) {
	_, byGroup, err := q.waiting(ctx)
	if err != nil {
		return nil, err
	}
	items := interleave(byGroup)
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

// WaitingByGroup returns the bodies of the messages waiting, visible or
// not, by group ("" for those sent without one), each group's in the
// order the queue would hand them out.
func (q *Queue) WaitingByGroup(ctx context.Context) (map[string][][]byte, error) {
	groups, byGroup, err := q.waiting(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][][]byte{}
	for i, items := range byGroup {
		for _, it := range items {
			var m message
			if err := json.Unmarshal(it.Doc, &m); err != nil {
				return nil, fmt.Errorf("localqueue %s: decode %s: %w", q.name, it.Key, err)
			}
			out[groups[i]] = append(out[groups[i]], m.Body)
		}
	}
	return out, nil
}

// waiting reads every group's messages: the groups in turn, and theirs.
func (q *Queue) waiting(ctx context.Context) ([]string, [][]store.Item, error) {
	groups, err := q.groups(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := make([][]store.Item, 0, len(groups))
	for _, g := range groups {
		items, err := q.all(ctx, q.pk(g))
		if err != nil {
			return nil, nil, err
		}
		out = append(out, items)
	}
	return groups, out, nil
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

// HandleOne handles the next message visible now, if any, as Drain
// would: the first of the next group in turn that has one. It reports
// whether there was one: tests step through a queue's work one message at
// a time.
func (q *Queue) HandleOne(ctx context.Context, handle func(ctx context.Context, body []byte) error) (bool, error) {
	groups, err := q.groups(ctx)
	if err != nil {
		return false, err
	}
	for _, g := range groups {
		items, err := q.visible(ctx, g, 1)
		if err != nil {
			return false, err
		}
		if len(items) > 0 {
			_, err = q.handleOne(ctx, items[0], handle, nil)
			return true, err
		}
	}
	return false, nil
}
