package sqlite

import (
	"context"
	"fmt"

	"tend/internal/store"
)

// bulkCache is the page cache of the writer once it has bulk loaded (in
// KiB, as PRAGMA cache_size takes it negative): index items land all over
// the secondary indexes' B-trees, and with SQLite's default 2 MB cache a
// million customers' items took most of an hour to load instead of
// minutes. (A file opened for Loading has no secondary index to update.)
const bulkCache = 1 << 20 // 1 GiB

// BulkLoad writes items as they are, in place of any at their keys, in one
// transaction, without conditions and without the change feed: nothing
// consumes what a loader writes (a benchmark's or a test's data set of a
// million customers, built in minutes rather than through the services).
// The writer keeps a large page cache from then on.
func (db *DB) BulkLoad(ctx context.Context, items []store.Item) error {
	return db.writeTx(ctx, func(t *wtx) error {
		if _, err := t.tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", bulkCache)); err != nil {
			return fmt.Errorf("sqlite: bulk load: %w", err)
		}
		for i := range items {
			if _, err := t.exec(stmtReplace, itemArgs(&items[i])...); err != nil {
				return fmt.Errorf("sqlite: bulk load %s: %w", items[i].Key, err)
			}
		}
		return nil
	})
}
