package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
)

// HashShard places an item in one of n shards by a stable hash of its own
// id: the same id always lands in the same shard, so a rewrite of an item
// stays where it was written.
func HashShard(id string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

// FanOut is how many queries QueryEach has in flight at once.
const FanOut = 16

// QueryEach runs the queries (one page each), FanOut at a time, and
// returns their pages in the queries' order: a read of every shard of a
// sharded key takes about its number of queries over FanOut round trips.
func QueryEach(ctx context.Context, st Store, qs []Query) ([]Page, error) {
	pages := make([]Page, len(qs))
	errs := make([]error, len(qs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(FanOut, len(qs)) {
		wg.Go(func() {
			for i := range next {
				pages[i], errs[i] = st.Query(ctx, qs[i])
			}
		})
	}
	for i := range qs {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("query %s %s: %w", qs[i].Index, qs[i].PK, err)
		}
	}
	return pages, nil
}
