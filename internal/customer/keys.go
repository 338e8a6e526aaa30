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

// Shards spreads "all customers of a workspace" over this many
// index partitions, so that no partition gets hot and daily runs can work
// shards in parallel.
const Shards = 16

// Key layout of customers (the set-up's is in package workspace):
//
//	T#<t>#C#<id>          A (the customer) | H#… history | NOTE#… | ACT#… | CALL#… | APPT#<id>
//	T#<t>#SH#<user>       <created>#<customer>      a customer shared with a user
//	T#<t>#UNQ#<crit>#<v>  UNQ                       duplicate-check claim
//
// Customer secondary keys: GSI1 all (sharded) or trash, GSI2 by owner,
// GSI3 by warehouse, GSI4 pinned (sparse). Their sort key is
// <created>#<id>, so lists merge in creation order.
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

func claimIndexPK(t, criterion string) string { return "T#" + t + "#UNQ#" + criterion }

func AllPK(t string, shard int) string { return fmt.Sprintf("T#%s#CS#%02d", t, shard) }
func TrashPK(t string) string          { return "T#" + t + "#TRASH" }
func OwnerPK(t, owner string) string {
	if owner == "" {
		owner = "-"
	}
	return "T#" + t + "#OWN#" + owner
}
func WarehousePK(t, wh string) string {
	if wh == "" {
		wh = "-"
	}
	return "T#" + t + "#WH#" + wh
}
func PinnedPK(t string) string { return "T#" + t + "#PIN" }

// ShardOf places a customer in one of the Shards partitions.
func ShardOf(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % Shards)
}

// listKey is a customer's sort key in every list index.
func listKey(created time.Time, id string) string { return store.SortTime(created) + "#" + id }
