package localqueue

import (
	"context"
	"fmt"

	"tend/internal/queuegroup"
	"tend/internal/store"
)

// DrainBatches is Drain for a consumer that handles messages together, as
// Lambda hands an SQS batch to one invocation: each round, a group's
// visible messages come in batches of up to perTurn (SQS's batch of 10),
// each handled by one worker, as concurrent invocations would. handle returns one error per body, nil for a
// message handled; each message is then settled on its own, so a failed
// one is retried alone (SQS's ReportBatchItemFailures). It returns how
// many messages were handled successfully.
func (q *Queue) DrainBatches(ctx context.Context, handle func(ctx context.Context, bodies [][]byte) []error) (int, error) {
	return drainRounds(ctx, q, q.roundBatches, func(b []store.Item, handled *done) (int, error) {
		return q.handleBatch(ctx, b, handle, handled)
	})
}

// handleBatch claims a group's messages, handles those it got as one
// batch and settles each. It returns how many were handled successfully.
func (q *Queue) handleBatch(ctx context.Context, items []store.Item, handle func(ctx context.Context, bodies [][]byte) []error, handled *done) (int, error) {
	var ts []taken
	for _, it := range items {
		t, ok, err := q.take(ctx, it)
		if err != nil {
			return 0, err
		}
		if ok {
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		return 0, nil
	}
	bodies := make([][]byte, len(ts))
	for i, t := range ts {
		bodies[i] = t.m.Body
	}
	// A round's batch is one group's: what its handling sends is the group's.
	herrs := handle(queuegroup.With(ctx, ts[0].m.Group), bodies)
	if len(herrs) != len(ts) {
		return 0, fmt.Errorf("localqueue %s: the batch handler answered %d results for %d messages", q.name, len(herrs), len(ts))
	}
	n := 0
	for i, t := range ts {
		ok, err := q.settle(ctx, t, herrs[i], handled)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
