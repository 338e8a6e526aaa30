package localrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

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
		for _, h := range f.handlers {
			if err := h.HandleChanges(ctx, batch); err != nil {
				return done, fmt.Errorf("localrun: feed handler: %w", err)
			}
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
