package distribution

import (
	"fmt"
	"hash/fnv"
)

// ruleShards is how many partitions a rule's assignments log, staff counts
// and waiting list are each spread over. Every assignment writes one item
// of each, in its transaction (2 write units each): at the rotation's limit
// of about 1,000 assignments a second, 2,000 units a second, which one
// partition (1,000) cannot take. Eight shards take 4,000 assignments a
// second each, four times the rotation's limit, so the counter stays the
// only limit of a rule. Reads fan out over the eight (and the layout
// before): the rule's stats and assignments pages, read by people, not per
// lead.
const ruleShards = 8

// dueShards is how many partitions the delayed distributions of every
// workspace are spread over (GSI1 DISTDUE#<s>). Each delayed lead writes
// its due item once and deletes it once (2 index write units): 50,000
// delayed leads a second across all workspaces need 100 partitions; 128
// leave room. The tick reads each shard once per tick (128 small queries,
// every few minutes).
const dueShards = 128

// shardOf is the shard of an item, from a stable hash of its own id: the
// same item is always written to the same shard.
func shardOf(id string, shards int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(shards))
}

// positionShard is the shard of the log and count items of rotation
// position n: positions are consecutive, so n mod ruleShards spreads them
// evenly (a stable function of the position, which is the items' id).
func positionShard(n int64) int { return int(n % ruleShards) }

func shardSuffix(s int) string { return fmt.Sprintf("#%d", s) }
