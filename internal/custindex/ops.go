package custindex

import (
	"fmt"
	"slices"

	"tend/internal/store"
)

// ItemType is the type of index items (the stream does not pass them on).
const ItemType = "custindex"

// Shard counts (see the package comment for how they were chosen).
const (
	TokenShards = 128
	SortShards  = 16
	// UpdatedShards is updated_at's: every change of a customer moves it.
	UpdatedShards = 64
)

// ShardsOf is how many shards field's sort keys are spread over.
func ShardsOf(field string) int {
	if field == "updated_at" {
		return UpdatedShards
	}
	return SortShards
}

// endOfValue ends a sort key's value: below any character a value holds.
const endOfValue = "\x01"

// Flags before a sort key's value: customers without one sort after.
const (
	flagValue = "0"
	flagNone  = "1"
)

func customerPK(t, id string) string { return "T#" + t + "#C#" + id }

// TokenPK is the GSI1 partition of shard n of a workspace's tokens.
func TokenPK(t string, n int) string { return fmt.Sprintf("T#%s#TOK#%02d", t, n) }

// SortPK is the GSI1 partition of shard n of a workspace's sort keys of
// field.
func SortPK(t, field string, n int) string { return fmt.Sprintf("T#%s#SRT#%s#%02d", t, field, n) }

// SKPrefix begins the sort key of every index item in its customer's
// partition.
const SKPrefix = "IX#"

// baseSK is an entry's sort key in its customer's partition.
func baseSK(e Entry) string {
	if e.IsToken() {
		return SKPrefix + "T#" + e.Kind + ":" + e.Value
	}
	return SKPrefix + "S#" + e.Kind
}

// indexKey is an entry's GSI1 key.
func indexKey(tenant, id string, e Entry) store.IndexKey {
	if e.IsToken() {
		return store.IndexKey{PK: TokenPK(tenant, store.HashShard(id, TokenShards)), SK: e.Kind + ":" + e.Value + "#" + id}
	}
	return store.IndexKey{PK: SortPK(tenant, e.Kind, store.HashShard(id, ShardsOf(e.Kind))), SK: sortSK(e.Value, id)}
}

func sortSK(value, id string) string {
	if value == "" {
		return flagNone + endOfValue + id
	}
	return flagValue + value + endOfValue + id
}

// tokenDoc is a token item's document: what a query of several words is
// checked against without reading the customer.
type tokenDoc struct {
	ID    string   `json:"id"`
	Words []string `json:"w,omitempty"`
	Phone string   `json:"p,omitempty"`
}

// sortDoc is a sort key item's document.
type sortDoc struct {
	ID string `json:"id"`
}

func docOf(id string, entries []Entry) tokenDoc {
	d := tokenDoc{ID: id}
	for _, e := range entries {
		switch e.Kind {
		case KindWord:
			d.Words = append(d.Words, e.Value)
		case KindPhone:
			d.Phone = e.Value
		}
	}
	return d
}

func tokens(entries []Entry) []Entry {
	var out []Entry
	for _, e := range entries {
		if e.IsToken() {
			out = append(out, e)
		}
	}
	return out
}

// Ops bring customer id's index items from before's entries to after's:
// puts for new or changed ones, deletes for gone ones; nil when equal.
// Token items carry every token of the customer, so when the tokens
// change every token item is written again.
func Ops(tenant, id string, before, after []Entry) []store.TxOp {
	pk := customerPK(tenant, id)
	was := make(map[string]Entry, len(before))
	for _, e := range before {
		was[baseSK(e)] = e
	}
	tokensChanged := !slices.Equal(tokens(before), tokens(after))
	doc := store.Doc(docOf(id, after))
	var ops []store.TxOp
	kept := make(map[string]bool, len(after))
	for _, e := range after {
		sk := baseSK(e)
		kept[sk] = true
		old, had := was[sk]
		if had && old == e && !(e.IsToken() && tokensChanged) {
			continue
		}
		it := store.Item{Key: store.Key{PK: pk, SK: sk}, Type: ItemType, Version: 1, Doc: doc}
		if !e.IsToken() {
			it.Doc = store.Doc(sortDoc{ID: id})
		}
		it.Index[0] = indexKey(tenant, id, e)
		ops = append(ops, store.TxPut(it, store.None))
	}
	for _, e := range before {
		if sk := baseSK(e); !kept[sk] {
			kept[sk] = true // an entry listed twice is deleted once
			ops = append(ops, store.TxDelete(store.Key{PK: pk, SK: sk}, store.None))
		}
	}
	return ops
}
