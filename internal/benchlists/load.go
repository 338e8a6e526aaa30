package benchlists

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"tend/internal/customer"
	"tend/internal/sqlite"
	"tend/internal/store"
)

// loadBatch is how many customers one SQLite transaction of the loader
// writes: large enough that the commit is a small part of it.
const loadBatch = 5000

// Items are what the store holds for one live customer: the customer item
// with its list keys, and its search and sort index items. They come from
// the packages that write them in production (customer, custindex), so
// the loader cannot drift from the layout the lists read.
func Items(tenant string, i, n int, sh Shape) []store.Item {
	c := Customer(i, n, sh)
	return append([]store.Item{customer.Item(tenant, c)}, indexItems(tenant, &c)...)
}

// Load writes customers [from, to) of n into db, a batch per transaction,
// building the next batch while the last is written.
func Load(ctx context.Context, db *sqlite.DB, tenant string, from, to, n int, sh Shape) error {
	batches := make(chan []store.Item, 1)
	errc := make(chan error, 1)
	go func() {
		defer close(batches)
		for start := from; start < to; start += loadBatch {
			var items []store.Item
			for i := start; i < min(start+loadBatch, to); i++ {
				items = append(items, Items(tenant, i, n, sh)...)
			}
			select {
			case batches <- items:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				err = db.BulkLoad(ctx, b)
			}
		}
		errc <- err
	}()
	if err := <-errc; err != nil {
		return fmt.Errorf("benchlists: load: %w", err)
	}
	return ctx.Err()
}

// layoutVersion names what Items cannot show of the data set: bump it
// when the generator changes what a request looks for.
const layoutVersion = "1"

// Fingerprint names the layout of the items the loader writes (keys,
// secondary keys and documents of a few customers, and the generator's
// version): a cached data set whose fingerprint differs is rebuilt.
func Fingerprint(n int, sh Shape) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%d|", layoutVersion, n)
	for _, i := range []int{0, 1, 2, 3, n / 2, n - 1} {
		for _, it := range Items("fp", i, n, sh) {
			fmt.Fprintf(h, "%s|%s|%s|%v|%d|%s\n", it.PK, it.SK, it.Type, it.Index, it.Version, it.Doc)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
