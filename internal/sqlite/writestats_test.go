package sqlite_test

import (
	"context"
	"errors"
	"testing"

	"tend/internal/sqlite"
	"tend/internal/store"
)

// WriteStats counts committed transactions and the writes they carried;
// a write refused by its condition is not counted.
func TestWriteStatsCountsCommittedWrites(t *testing.T) {
	db := MustOpen(t, newClock(), sqlite.Options{})
	ctx := context.Background()
	key := store.Key{PK: "P", SK: "S"}
	steps := []struct {
		name            string
		write           func() error
		commits, writes int64
	}{
		{"put", func() error { return db.Put(ctx, store.Item{Key: key, Type: "t", Version: 1}, store.NotExist) }, 1, 1},
		{"refused put", func() error {
			err := db.Put(ctx, store.Item{Key: key, Type: "t", Version: 1}, store.NotExist)
			if errors.Is(err, store.ErrConditionFailed) {
				return nil
			}
			return errors.New("the second put was not refused")
		}, 1, 1},
		{"transaction", func() error {
			return db.Transact(ctx, []store.TxOp{store.TxDelete(key, store.Exists), store.TxPut(store.Item{Key: store.Key{PK: "P", SK: "T"}, Type: "t", Version: 1}, store.NotExist)})
		}, 2, 2},
	}
	for _, s := range steps {
		if err := s.write(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if commits, writes := db.WriteStats(); commits != s.commits || writes != s.writes {
			t.Errorf("after %s: WriteStats = %d commits, %d writes; want %d, %d", s.name, commits, writes, s.commits, s.writes)
		}
	}
}
