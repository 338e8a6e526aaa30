package localqueue

import (
	"context"
	"fmt"
	"sync"

	"tend/internal/store"
)

// done collects the keys of a round's messages handled successfully. A
// drain deletes them together when the round's workers are through,
// before it reads the next round, instead of one write each: with two
// queues on a lead's way (intake, distribution), those deletes were two of
// its eight write transactions. As with SQS's DeleteMessageBatch, a crash
// or a failed delete before that hands the round's handled messages out
// again: delivery is at least once, and every consumer takes a copy as a
// no-op. A handler that outlives its lease, or a round that outlives it,
// may have its message taken by another drain meanwhile (queues with a
// lease); the delete then finds nothing, as a late delete did before.
type done struct {
	mu   sync.Mutex
	keys []store.Key
}

func (d *done) add(k store.Key) {
	d.mu.Lock()
	d.keys = append(d.keys, k)
	d.mu.Unlock()
}

// deleteHandled deletes a round's handled messages, in transactions of
// at most store.MaxTransactItems.
func (q *Queue) deleteHandled(ctx context.Context, d *done) error {
	for len(d.keys) > 0 {
		n := min(len(d.keys), store.MaxTransactItems)
		ops := make([]store.TxOp, n)
		for i, k := range d.keys[:n] {
			ops[i] = store.TxDelete(k, store.None)
		}
		if err := q.st.Transact(ctx, ops); err != nil {
			return fmt.Errorf("localqueue %s: delete %d handled messages: %w", q.name, len(d.keys), err)
		}
		d.keys = d.keys[n:]
	}
	return nil
}
