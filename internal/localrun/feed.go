package localrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"

	"tend/internal/sqlite"
	"tend/internal/store"
)

// ChangeHandler consumes changes of the local feed, as a stream consumer
// does in AWS. A handler must tolerate seeing a change twice.
type ChangeHandler interface {
	HandleChanges(ctx context.Context, changes []sqlite.Change) error
}

// feedConsumer reads the SQLite change feed from its checkpoint and hands
// each batch to every handler, then moves the checkpoint and trims.
type feedConsumer struct {
	db       *sqlite.DB
	handlers []ChangeHandler
}

var checkpointKey = store.Key{PK: "LOCAL", SK: "FEED#checkpoint"}

// Drain implements Drainer: it processes every change there is.
func (f *feedConsumer) Drain(ctx context.Context) (int, error) {
	after, err := f.checkpoint(ctx)
	if err != nil {
		return 0, err
	}
	done := 0
	for {
		batch, err := f.db.Changes(ctx, after, 100)
		if err != nil {
			return done, err
		}
		if len(batch) == 0 {
			return done, nil
		}
		if err := f.handle(ctx, batch); err != nil {
			return done, err
		}
		after = batch[len(batch)-1].Seq
		if err := f.save(ctx, after); err != nil {
			return done, err
		}
		if err := f.db.TrimChanges(ctx, after); err != nil {
			return done, err
		}
		done += len(batch)
	}
}

func (f *feedConsumer) checkpoint(ctx context.Context) (int64, error) {
	it, err := f.db.Get(ctx, checkpointKey)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var seq int64
	if err := json.Unmarshal(it.Doc, &seq); err != nil {
		return 0, fmt.Errorf("localrun: feed checkpoint: %w", err)
	}
	return seq, nil
}

func (f *feedConsumer) save(ctx context.Context, seq int64) error {
	b, _ := json.Marshal(seq)
	return f.db.Put(ctx, store.Item{Key: checkpointKey, Type: "checkpoint", Version: 1, Doc: b}, store.None)
}

// lanes is how many changes are handled at once, as the stream's shards
// are in AWS. Changes of one item stay in one lane, in order.
const lanes = 4

// handle hands a batch to every handler, lane by lane in parallel. A
// failed batch is handled again from the start: handlers are idempotent.
func (f *feedConsumer) handle(ctx context.Context, batch []sqlite.Change) error {
	split := make([][]sqlite.Change, lanes)
	for _, c := range batch {
		h := fnv.New32a()
		h.Write([]byte(c.Key.PK))
		i := h.Sum32() % lanes
		split[i] = append(split[i], c)
	}
	errs := make(chan error, lanes)
	var wg sync.WaitGroup
	for _, lane := range split {
		if len(lane) == 0 {
			continue
		}
		wg.Go(func() {
			for _, h := range f.handlers {
				if err := h.HandleChanges(ctx, lane); err != nil {
					errs <- fmt.Errorf("localrun: feed handler: %w", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}
