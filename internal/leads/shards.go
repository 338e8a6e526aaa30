package leads

import (
	"fmt"
	"hash/fnv"

	"tend/internal/store"
)

// Key layout of a source's leads, and how its hot keys are sharded.
//
//	LEADSRC#{source}                   SK A: the source; SK N#{outcome}:
//	                                   its counters before they were sharded
//	LEADSRC#{source}#N#{nn}            SK N#{outcome}: a shard of its counters
//	LEADSRC#{source}#DLV#{delivery}    SK D: a delivery (a lead as received)
//	LEADSRC#{source}#SEEN#{hash}       a lead's mark for its window
//	GSI1 LEADSRC#{source}#DLVS#{nn}    a shard of the source's delivery log
//	GSI1 LEADSRC#{source}#DLVS         the log before it was sharded
//	GSI2 LEADS#PENDING#{nnn}           a shard of every workspace's pending
//	                                   deliveries, for the tick's resend
//	GSI2 LEADS#PENDING                 the pending list before it was sharded
//
// Every lead writes its source's counters three times (pending +1 when
// held; pending -1 and its outcome +1 when taken, both in transactions: 6
// WCU) and its delivery twice (held, taken: the log's index and the
// pending list's with it), so that one source's burst would meet one
// partition's 1,000 WCU a second. Each of these keys is sharded by a
// stable hash of the delivery's id (never the clock, never random: every
// rewrite of a delivery lands in the shard it was held in):
//
//   - counters: 32 shards, 32,000 WCU/s, a source's 5,000 leads/s at 6
//     WCU each; the delivery log's counters sum the 32 shards and the
//     unsharded items (33 small queries, read by an admin, seldom);
//   - the delivery log: 16 shards, 16,000 WCU/s, a source's 4,000 leads/s
//     at two 2-WCU index writes each; a page of the log merges the 16
//     shards and the unsharded partition newest first (each queried for a
//     page, the page's last sort key its cursor);
//   - the pending list, written by every lead of every workspace: 512
//     shards, 512,000 index write units a second. A lead puts its entry
//     when held and removes it when taken, each in a transaction (2 WCU
//     each): 50,000 leads a second across tenants need 200,000, and the
//     hottest shard of a burst holds about twice its share (make
//     capacity, all_tenants_writes: 128 shards measured ceilings near
//     31,000 leads a second, 256 from 50,000 to 55,000). The tick's
//     resend reads every shard (513 small queries a tick, most of them
//     empty).
//
// Items written before the shards keep their keys until rewritten, and are
// read where they are: the unsharded counters and log partition are read
// with the shards (their items are never written again, or move into a
// shard when their pending delivery is taken or resent), and so is the
// unsharded pending list. No backfill is needed.
const (
	counterShards = 32
	logShards     = 16
	pendingShards = 512
)

// shardOf is the shard of n a delivery's keys are in.
func shardOf(deliveryID string, n uint32) uint32 {
	h := fnv.New32a()
	h.Write([]byte(deliveryID))
	return h.Sum32() % n
}

// counterKey is a source's counter of an outcome, in the shard of the
// delivery it counts.
func counterKey(sourceID, deliveryID string, o Outcome) store.Key {
	return store.Key{PK: fmt.Sprintf("LEADSRC#%s#N#%02d", sourceID, shardOf(deliveryID, counterShards)), SK: "N#" + string(o)}
}

// counterPKs are every shard of a source's counters, and the partition of
// the counters before they were sharded (the source's own).
func counterPKs(sourceID string) []string {
	out := make([]string, 0, counterShards+1)
	for n := range counterShards {
		out = append(out, fmt.Sprintf("LEADSRC#%s#N#%02d", sourceID, n))
	}
	return append(out, "LEADSRC#"+sourceID)
}

// deliveriesPK is the shard of a source's delivery log (GSI1, by time) a
// delivery is in.
func deliveriesPK(sourceID, deliveryID string) string {
	return fmt.Sprintf("%s#%02d", legacyDeliveriesPK(sourceID), shardOf(deliveryID, logShards))
}

func legacyDeliveriesPK(sourceID string) string { return "LEADSRC#" + sourceID + "#DLVS" }

// deliveriesPKs are every shard of a source's delivery log, and the
// partition of the log before it was sharded.
func deliveriesPKs(sourceID string) []string {
	out := make([]string, 0, logShards+1)
	for n := range logShards {
		out = append(out, fmt.Sprintf("%s#%02d", legacyDeliveriesPK(sourceID), n))
	}
	return append(out, legacyDeliveriesPK(sourceID))
}

const legacyPendingPK = "LEADS#PENDING"

// pendingPK is the shard of the pending list a delivery is in.
func pendingPK(deliveryID string) string {
	return fmt.Sprintf("%s#%03d", legacyPendingPK, shardOf(deliveryID, pendingShards))
}

// pendingPKs are every shard of the pending list, and the partition of
// the list before it was sharded.
func pendingPKs() []string {
	out := make([]string, 0, pendingShards+1)
	for n := range pendingShards {
		out = append(out, fmt.Sprintf("%s#%03d", legacyPendingPK, n))
	}
	return append(out, legacyPendingPK)
}
