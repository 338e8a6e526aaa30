package sqlite

import (
	"context"
	"fmt"

	"tend/internal/store"
)

// BulkLoad writes items as they are, in place of any at their keys, in one
// transaction, without conditions and without the change feed: nothing
// consumes what a loader writes (a benchmark's or a test's data set of a
// million customers, built in minutes rather than through the services).
func (db *DB) BulkLoad(ctx context.Context, items []store.Item) error {
	return db.writeTx(ctx, func(t *wtx) error {
		for i := range items {
			if _, err := t.exec(stmtReplace, itemArgs(&items[i])...); err != nil {
				return fmt.Errorf("sqlite: bulk load %s: %w", items[i].Key, err)
			}
		}
		return nil
	})
}
