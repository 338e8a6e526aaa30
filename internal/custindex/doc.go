// Package custindex keeps the search and sort indexes of customers: index
// items written in the customer's own transaction (so they are never
// stale), and the reads that serve lists and lookups from them without
// scanning customers.
//
// Key layout. Every index item lives in its customer's partition, one item
// per entry, and is found through GSI1:
//
//	T#<t>#C#<id>  IX#T#<kind>:<value>  a search token      GSI1 T#<t>#TOK#<nn>          <kind>:<value>#<id>
//	T#<t>#C#<id>  IX#S#<field>         a sort key          GSI1 T#<t>#SRT#<field>#<nn>  <flag><value>\x01<id>
//
// Token kinds: "w" a word (each folded word of the name, the folded code,
// the folded e-mail whole), "p" the phone's national digits
// ("0912345678"), "r" the same digits reversed, so that "the last 4+
// digits" is a prefix read. A token item's document carries every word
// and the phone digits of its customer, which is what a query of several
// words is checked against: a search never reads a customer. A token's
// base sort key names the token, so a token that goes away is deleted; a
// sort key's is fixed per field, so a changed value is one put.
//
// Sort keys order as the field does: names folded, revenue as a fixed
// width unsigned decimal with the sign bit flipped (string order is
// numeric order), times with store.SortTime. The flag is "0" before a
// value and "1" for a customer without one (no name, no revenue, never
// cared for, no appointment): ascending reads the key range forwards and
// meets them last; descending reads the "0" range backwards, then the "1"
// range backwards, so they come last too. The value ends with \x01, below
// any character a value holds, so that ties order by id and a value that
// is a prefix of another sorts first ("an" before "an b").
//
// Shards. A customer's entries all go to the shard picked by a stable
// hash of its id (store.HashShard), so a rewrite lands where the item was
// and a customer is in one shard of each key: reads fan out over every
// shard and merge k-way, reading about a page's share from each, at the
// same time. The shard of an entry does not depend on its value, so a
// workspace where 30% of customers are called "Nguyễn" spreads them as
// evenly as the rest. The counts (TokenShards, SortShards) come from
// TestBurstOfCreatesSpreadsOverTheShards: a create writes about seven
// token items and one item per sort field, each twice as a transaction
// bills it, and a change rewrites the updated_at key (a delete and a put
// in the same shard). TokenShards = 64 takes about 4,000 creates a second
// (16 took 1,000); SortShards = 16 takes over 7,000 creates and about
// 3,500 changes a second on the updated_at key. More shards would cost
// every search and sort page a query per shard (half a read unit each,
// even empty), so the counts stay at what a burst of a workspace's
// intake needs.
package custindex
