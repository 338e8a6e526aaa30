package localrun

import (
	"context"

	"tend/internal/changes"
	"tend/internal/localqueue"
	"tend/internal/sqlite"
)

// routed hands feed changes to the change router, one by one, as the
// stream function does with a batch.
type routed struct{ r *changes.Router }

func (h routed) HandleChanges(ctx context.Context, batch []sqlite.Change) error {
	for _, c := range batch {
		if err := h.r.Handle(ctx, c.Type, c.Old, c.New); err != nil {
			return err
		}
	}
	return nil
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
