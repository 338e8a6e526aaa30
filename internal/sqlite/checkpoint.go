package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"time"
)

// Checkpoints copy the WAL's pages back into the database file. SQLite
// runs one in the committing writer once the WAL passes
// wal_autocheckpoint pages, and every write queued behind it waits; that
// was about a seventh of the writer's time under a stream of leads. A
// checkpointer of its own runs them beside the writer instead, on its own
// connection: a passive checkpoint takes no writer lock, so writes go on
// meanwhile. The WAL starts again from its beginning at the first write
// after a checkpoint that caught up with it, so after any pause in the
// writes; the writer's own threshold stays, ten times higher, to bound it
// under writes without one, or when the checkpointer falls behind.
const (
	checkpointEvery = 50 * time.Millisecond
	// writerCheckpointPages is the writer's own threshold (~40 MB of WAL).
	writerCheckpointPages = 10000
)

// checkpointer runs passive checkpoints every checkpointEvery (of real
// time: it paces work, whatever the store's clock says) while there were
// commits since the last, until stop is closed.
type checkpointer struct {
	conn *sql.DB
	// ran is closed after the next checkpoint, and replaced: what waits
	// for one (a test) waits on it.
	ran  atomic.Pointer[chan struct{}]
	stop chan struct{}
	done chan struct{}
}

func startCheckpointer(path string, commits func() int64) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s for checkpoints: %w", path, err)
	}
	conn.SetMaxOpenConns(1)
	c := &checkpointer{conn: conn, stop: make(chan struct{}), done: make(chan struct{})}
	ran := make(chan struct{})
	c.ran.Store(&ran)
	go c.run(commits)
	return c, nil
}

func (c *checkpointer) run(commits func() int64) {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	last := commits()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		if n := commits(); n != last {
			last = n
			// A failed checkpoint is tried again at the next tick, and the
			// writer's own threshold bounds the WAL meanwhile.
			if _, err := c.conn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err == nil {
				next := make(chan struct{})
				close(*c.ran.Swap(&next))
			}
		}
	}
}

func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.conn.Close()
}
