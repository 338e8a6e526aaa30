package localrun

import (
	"context"

	"tend/internal/changes"
	"tend/internal/localqueue"
	"tend/internal/sqlite"
	"tend/internal/store"
)

// routed hands feed changes to the change router a batch at a time, as
// the stream function does.
type routed struct{ r *changes.Router }

func (h routed) HandleChanges(ctx context.Context, batch []sqlite.Change) error {
	list := make([]store.Change, len(batch))
	for i, c := range batch {
		list[i] = store.Change{Type: c.Type, Old: c.Old, New: c.New}
	}
	_, err := h.r.HandleBatch(ctx, list)
	return err
}

// ticker is what the scheduler function does on each EventBridge tick.
type ticker interface {
	Tick(ctx context.Context) (int, error)
}

// tick runs the scheduler's tick on the runner's clock.
type tick struct{ t ticker }

func (t tick) Drain(ctx context.Context) (int, error) { return t.t.Tick(ctx) }

// queueDrainer handles the messages of a local queue, as the function
// subscribed to the SQS queue does in AWS.
// With batch set, a drain hands each round's messages of a group to it
// together, as Lambda hands an SQS batch to the function; handle is then
// used for one message at a time (App.Step).
type queueDrainer struct {
	q      *localqueue.Queue
	handle func(ctx context.Context, body []byte) error
	batch  func(ctx context.Context, bodies [][]byte) []error
}

func (d queueDrainer) Drain(ctx context.Context) (int, error) {
	if d.batch != nil {
		return d.q.DrainBatches(ctx, d.batch)
	}
	return d.q.Drain(ctx, d.handle)
}
