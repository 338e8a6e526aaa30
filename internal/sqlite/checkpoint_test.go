package sqlite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tend/internal/sqlite"
	"tend/internal/store"
)

// The checkpointer copies the WAL back into the database file beside the
// writer, so that after a pause in the writes the WAL starts again from
// its beginning, instead of growing to the writer's own threshold.
func TestCheckpointerKeepsTheWALSmall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tend.db")
	db := MustOpenAt(t, path, newClock())
	doc := []byte(`{"note":"` + strings.Repeat("x", 1500) + `"}`)
	const rounds, each = 8, 150
	var first int64 // the WAL after the first round
	for r := range rounds {
		for i := range each {
			it := store.Item{Key: store.Key{PK: fmt.Sprintf("T#1#C#%03d%04d", r, i), SK: "A"}, Type: "note", Version: 1, Doc: doc}
			if err := db.Put(t.Context(), it, store.NotExist); err != nil {
				t.Fatal(err)
			}
		}
		if r == 0 {
			first = walSize(t, path)
		}
		// Pause until the next checkpoint (the checkpointer runs every
		// 50 ms of real time while there are commits). One that began
		// before the round's last commit leaves its last frames, and the
		// next round then goes on in the same WAL: the bound allows for
		// that.
		select {
		case <-sqlite.NextCheckpoint(db):
		case <-time.After(10 * time.Second):
			t.Fatalf("round %d: no checkpoint within 10 s", r)
		}
	}
	if got := walSize(t, path); got > rounds/2*first {
		t.Errorf("the WAL is %d bytes after %d rounds, %d after the first: checkpoints did not let it start again", got, rounds, first)
	}
	for _, pk := range []string{"T#1#C#0000000", fmt.Sprintf("T#1#C#%03d%04d", rounds-1, each-1)} {
		if _, err := db.Get(t.Context(), store.Key{PK: pk, SK: "A"}); err != nil {
			t.Errorf("%s after the checkpoints: %v", pk, err)
		}
	}
}

func walSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
