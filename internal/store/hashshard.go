package store

import "hash/fnv"

// HashShard places an item in one of n shards by a stable hash of its own
// id: the same id always lands in the same shard, so a rewrite of an item
// stays where it was written.
func HashShard(id string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}
