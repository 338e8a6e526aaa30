// Package custindex keeps the search and sort indexes of customers: index
// items written in the customer's own transaction (so they are never
// stale), and the reads that serve lists and lookups from them without
// scanning customers.
//
// Key layout. Every index item lives in its customer's partition, one item
// per entry, and is found through GSI1:
//
//	T#<t>#C#<id>  IX#T#w:<value>       a word token        GSI1 T#<t>#TOK#<nn>          w:<value>#<id>
//	T#<t>#C#<id>  IX#T#p:<value>       a phone token (p,r) GSI1 T#<t>#PHN#<nn>          p:<value>#<id>
//	T#<t>#C#<id>  IX#T#g:<value>       a tag token         GSI1 T#<t>#TAG#<nn>          g:<value>#<id>
//	T#<t>#C#<id>  IX#T#s:<pl>:<step>   a step token        GSI1 T#<t>#TAG#<nn>          s:<pl>:<step>#<id>
//	T#<t>#C#<id>  IX#S#<field>         a sort key          GSI1 T#<t>#SRT#<field>#<nn>  <flag><value>\x01<id>
//
// Token kinds: "w" a word (each folded word of the name and of the two
// addresses, the folded code, e-mail and tax code whole), "p" the phone's
// national digits ("0912345678"), "r" the same digits reversed, so that
// "the last 4+ digits" is a prefix read, "g" a folded tag (what a tags
// filter reads; a customer with more than ten tags has the one tag token
// ManyTags instead), "s" the step of each pipeline the customer is in
// (what a step filter reads; past six pipelines, ManySteps). A token item's document carries every word and the
// phone digits of its customer, which is what a query of several words is
// checked against: a search never reads a customer. A token's base sort
// key names the token, so a token that goes away is deleted; a sort key's
// is fixed per field, so a changed value is one put.
//
// Every index item's document also names the customer's owner and
// warehouse: a read for a staff member passes over other people's
// customers on the index items (Keep), without reading them. The price is
// that a change of owner or warehouse (a lead's assignment) writes every
// index item of the customer again.
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
// evenly as the rest (a partition per token would put 30% of the creates'
// token writes on "nguyen": 1,700 creates a second).
//
// The counts come from TestBurstOfCreatesSpreadsOverTheShards (the heat
// meter over a burst of creates) and customer's
// TestIntakeSpreadsOverTheShards (leads made, then assigned). A create
// writes about seven token items (three name words, the code, the e-mail,
// the phone both ways) and one item per sort field, each billed twice in a
// transaction: 14 units on the tokens, 2 on each sort field; a lead's
// assignment writes them all again (its owner changes). Evenly spread, a
// lead's 20 word token units on TokenShards = 256 take 12,800 leads a
// second, its 8 phone token units on PhoneShards = 128 take 16,000 (at
// 64, make capacity's hottest phone shard held leads_per_workspace to
// 5,700), a tag's 4 units on TagShards = 64 take 16,000, and its 4 units
// a sort field on SortShards = 32 take 8,000: make
// capacity's leads_per_workspace and creates_per_workspace (5,000 a
// second) with room for the hottest shard of a burst. updated_at, which
// every change moves (a delete and a put on the index, 4 units; a lead is
// written three times), has UpdatedShards = 64. Every search and sorted
// page queries each shard (half a read unit even when empty: 128 units a
// searched word, 128 a phone (two ranges), 32 a tag, 16 or 32 a sorted
// page), so the counts stay at what a burst of one workspace's intake
// needs.
package custindex
