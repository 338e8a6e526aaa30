package workspace

import (
	"context"
	"fmt"
	"sync"

	"tend/internal/store"
)

// CodeBlock is how many numbers of a workspace counter a container takes
// at once (customer codes, order codes). One atomic add per block instead
// of one per record keeps the counter partition (T#<t>#CTR) cool: at 5,000
// new customers a second a workspace takes 50 blocks a second.
//
// What it means for the numbers: they stay unique (each block is a range
// no other container gets), but they are neither gap-free nor in the
// order records were made. A container hands out its block in order; two
// containers hand out two blocks side by side (KH000101 may be made after
// KH000205), and what a container had not handed out when it stopped is
// never used (a gap of up to CodeBlock-1).
const CodeBlock = 100

// Codes hands out the numbers of a named workspace counter, a block at a
// time. It is safe for concurrent use.
type Codes struct {
	store store.Store
	name  string
	block int64

	mu     sync.Mutex
	blocks map[string]*codeRange // tenant → what is left of its block
}

// codeRange is the numbers next..last not handed out yet.
type codeRange struct{ next, last int64 }

// NewCodes hands out the numbers of counter name in blocks of CodeBlock.
func NewCodes(st store.Store, name string) *Codes {
	return &Codes{store: st, name: name, block: CodeBlock, blocks: map[string]*codeRange{}}
}

// Next returns the next number of the workspace's counter: 1, 2, ... in a
// workspace with one container.
func (c *Codes) Next(ctx context.Context, tenant string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.blocks[tenant]
	if r == nil || r.next > r.last {
		last, err := c.store.Incr(ctx, CounterKey(tenant, c.name), c.block)
		if err != nil {
			return 0, fmt.Errorf("workspace: take a block of %s numbers: %w", c.name, err)
		}
		r = &codeRange{next: last - c.block + 1, last: last}
		c.blocks[tenant] = r
	}
	n := r.next
	r.next++
	return n, nil
}
