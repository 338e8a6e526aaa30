package customer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"time"

	"tend/internal/store"
)

// Item types, as stored in the item's type attribute (the stream filters on
// them).
const (
	typeClaim    = "claim"
	typeCustomer = "customer"
	typeShare    = "share"
	typeHistory  = "history"
)

// Key layout of customers (the set-up's is in package workspace):
//
//	T#<t>#C#<id>          A (the customer) | H#… history | NOTE#… | ACT#… | CALL#… | APPT#<id>
//	                      | IX#… its search and sort index items (package custindex)
//	T#<t>#SH#<user>       <created>#<customer>      a customer shared with a user
//	T#<t>#UNQ#<crit>#<v>  UNQ                       duplicate-check claim
//
// Customer secondary keys: GSI1 all or trash, GSI2 by owner (sparse: an
// unowned customer has none, as no list reads the unowned by owner: they
// are listed by warehouse or among all), GSI3 by warehouse, GSI4 pinned
// (sparse). Their sort key is <created>#<id>, so lists merge in creation
// order. A claim's GSI1 key lists the claims of a criterion (its sort key
// is the value), to release them.
//
// Write sharding. DynamoDB serves about 1,000 write units a second to one
// partition key of an index, and a customer write costs each index it is
// in its size in KB (doubled in a transaction). Every lead of a workspace
// is written into its source's warehouse twice (made, then assigned), so
// an unsharded key would take a workspace's whole intake. The list keys
// are therefore split into shards, the shard picked from a stable hash of
// the customer's id (a claim's: of the value it claims), so that every
// rewrite of an item lands in the same shard:
//
//	GSI1 T#<t>#CS#<nn>           all customers         allShards (64)
//	GSI2 T#<t>#OWN#<user>#<nn>   a user's customers    ownerShards (16)
//	GSI3 T#<t>#WH#<wh>#<nn>      a warehouse's         warehouseShards (64)
//	GSI1 T#<t>#UNQI#<crit>#<nn>  claims of a criterion claimShards (32)
//
// The counts are what 5,000 leads (or creates) a second to one key takes
// with room for an uneven spread: a lead is written twice in a
// transaction, 2 to 4 units each (a record of 1 or 2 KB), so all
// customers and one warehouse (every lead of a source goes to its
// warehouse, a customer made without one to WH#-) take 20 to 40 shards'
// worth; a user gets their share of a round-robin, a criterion one small
// claim (2 units) per customer. Readers fan out over every shard of a key and merge
// by sort key (customerlist), reading about a page's share per shard at
// the same time, so each shard is a cost on every list: the counts stay
// as low as the write rate allows (a team leader's list reads ownerShards
// partitions per member, a warehouse manager's warehouseShards per
// warehouse). Runs over every customer (daily automation, care flows,
// report rebuilds) work in Shards jobs; job j reads the "all" shards j,
// j+Shards, j+2·Shards, j+3·Shards (see ShardPage), which also hold the
// items written when "all" had Shards shards (their shard was then the
// hash modulo Shards: j). Items stored before the owner, warehouse and
// claim keys were sharded are rewritten by the backfill
// (ShardedIndexKeys); until then lists by owner or warehouse miss them.

// Shards is how many jobs a run over every customer of a workspace works
// in (daily automation, care flows, report rebuilds).
const Shards = 16

// Shard counts of the secondary keys (see the key layout).
const (
	allShards       = 4 * Shards // a multiple of Shards: see ShardPage
	ownerShards     = 16
	warehouseShards = 64
	claimShards     = 32
)

// HistoryPrefix begins the sort keys of a customer's history entries in
// its partition (Partition).
const HistoryPrefix = "H#"

func customerPK(t, id string) string     { return "T#" + t + "#C#" + id }
func SharePK(t, user string) string      { return "T#" + t + "#SH#" + user }
func customerKey(t, id string) store.Key { return store.Key{PK: customerPK(t, id), SK: "A"} }

func claimKey(t, criterion, value string) store.Key {
	// Long values (a description) are hashed to keep keys small.
	if len(value) > 200 {
		sum := sha256.Sum256([]byte(value))
		value = "sha256:" + hex.EncodeToString(sum[:])
	}
	return store.Key{PK: "T#" + t + "#UNQ#" + criterion + "#" + value, SK: "UNQ"}
}

// claimIndexPK is the claims index partition of a claimed value.
func claimIndexPK(t, criterion, value string) string {
	return claimIndexShardPK(t, criterion, int(hashOf(value)%claimShards))
}

func claimIndexShardPK(t, criterion string, shard int) string {
	return fmt.Sprintf("T#%s#UNQI#%s#%02d", t, criterion, shard)
}

// AllPK is the index partition (GSI1) of shard n of all the live customers.
func AllPK(t string, n int) string { return fmt.Sprintf("T#%s#CS#%02d", t, n) }
func TrashPK(t string) string      { return "T#" + t + "#TRASH" }
func PinnedPK(t string) string     { return "T#" + t + "#PIN" }

func ownerPK(t, owner string, shard int) string {
	return fmt.Sprintf("T#%s#OWN#%s#%02d", t, owner, shard)
}

func warehousePK(t, wh string, shard int) string {
	if wh == "" {
		wh = "-"
	}
	return fmt.Sprintf("T#%s#WH#%s#%02d", t, wh, shard)
}

// AllPKs are the index partitions (GSI1) of all the live customers.
func AllPKs(t string) []string { return shardPKs(allShards, func(n int) string { return AllPK(t, n) }) }

// OwnerPKs are the index partitions (GSI2) of an owner's customers.
func OwnerPKs(t, owner string) []string {
	return shardPKs(ownerShards, func(n int) string { return ownerPK(t, owner, n) })
}

// WarehousePKs are the index partitions (GSI3) of a warehouse's customers,
// "" for those in none.
func WarehousePKs(t, wh string) []string {
	return shardPKs(warehouseShards, func(n int) string { return warehousePK(t, wh, n) })
}

func claimIndexPKs(t, criterion string) []string {
	return shardPKs(claimShards, func(n int) string { return claimIndexShardPK(t, criterion, n) })
}

func shardPKs(n int, pk func(int) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = pk(i)
	}
	return out
}

// hashOf is the stable hash that picks an item's shards.
func hashOf(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// ShardOf is the job (of Shards) whose runs over every customer take a
// customer.
func ShardOf(id string) int { return int(hashOf(id) % Shards) }

// listKey is a customer's sort key in every list index.
func listKey(created time.Time, id string) string { return store.SortTime(created) + "#" + id }
