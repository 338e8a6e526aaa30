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
	TokenShards = 256 // word tokens
	// PhoneShards and TagShards are those of the phone tokens (two a
	// customer) and the tag tokens: fewer writes than the words, so fewer
	// shards, and a phone search or a tags filter queries fewer.
	PhoneShards = 128
	TagShards   = 64
	SortShards  = 32
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

// TokenPK is the GSI1 partition of shard n of a workspace's word tokens.
func TokenPK(t string, n int) string { return fmt.Sprintf("T#%s#TOK#%02d", t, n) }

// PhonePK is the GSI1 partition of shard n of a workspace's phone tokens
// (both kinds).
func PhonePK(t string, n int) string { return fmt.Sprintf("T#%s#PHN#%02d", t, n) }

// TagPK is the GSI1 partition of shard n of a workspace's tag and step
// tokens.
func TagPK(t string, n int) string { return fmt.Sprintf("T#%s#TAG#%02d", t, n) }

// tokenShards are the partitions of the tokens of kind, and how many.
func tokenShards(kind string) (func(t string, n int) string, int) {
	switch kind {
	case KindPhone, KindReversed:
		return PhonePK, PhoneShards
	case KindTag, KindStep:
		return TagPK, TagShards
	}
	return TokenPK, TokenShards
}

// tokenPKs are every partition of the tokens of kind.
func tokenPKs(tenant, kind string) []string {
	pk, n := tokenShards(kind)
	out := make([]string, n)
	for i := range out {
		out[i] = pk(tenant, i)
	}
	return out
}

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
		pk, n := tokenShards(e.Kind)
		return store.IndexKey{PK: pk(tenant, store.HashShard(id, n)), SK: e.Kind + ":" + e.Value + "#" + id}
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
// checked against without reading the customer, and who the customer
// belongs to.
type tokenDoc struct {
	ID    string   `json:"id"`
	Words []string `json:"w,omitempty"`
	Phone string   `json:"p,omitempty"`
	Owner string   `json:"o,omitempty"`
	House string   `json:"h,omitempty"` // the warehouse
}

// sortDoc is a sort key item's document, and what every index item's
// document holds (a token's has the same members and more).
type sortDoc struct {
	ID    string `json:"id"`
	Owner string `json:"o,omitempty"`
	House string `json:"h,omitempty"`
}

func docOf(id string, entries []Entry) tokenDoc {
	d := tokenDoc{ID: id}
	for _, e := range entries {
		switch e.Kind {
		case KindWord:
			d.Words = append(d.Words, e.Value)
		case KindPhone:
			d.Phone = e.Value
		case KindOwner:
			d.Owner = e.Value
		case KindWarehouse:
			d.House = e.Value
		}
	}
	return d
}

func (d *tokenDoc) sortDoc() sortDoc { return sortDoc{ID: d.ID, Owner: d.Owner, House: d.House} }

func (d *tokenDoc) equal(o *tokenDoc) bool {
	return d.ID == o.ID && slices.Equal(d.Words, o.Words) && d.Phone == o.Phone && d.Owner == o.Owner && d.House == o.House
}

// Ops bring customer id's index items from before's entries to after's:
// puts for new or changed ones, deletes for gone ones; nil when equal.
// Every token item carries the customer's words, phone, owner and
// warehouse, and every sort item its owner and warehouse: when those
// change, the items are written again.
func Ops(tenant, id string, before, after []Entry) []store.TxOp {
	pk := customerPK(tenant, id)
	was := make(map[string]Entry, len(before))
	for _, e := range before {
		if !e.IsScope() {
			was[baseSK(e)] = e
		}
	}
	oldDoc, newDoc := docOf(id, before), docOf(id, after)
	tokensStale := !oldDoc.equal(&newDoc)
	sortsStale := oldDoc.sortDoc() != newDoc.sortDoc()
	tokenBody, sortBody := store.Doc(newDoc), store.Doc(newDoc.sortDoc())
	var ops []store.TxOp
	kept := make(map[string]bool, len(after))
	for _, e := range after {
		if e.IsScope() {
			continue
		}
		sk := baseSK(e)
		kept[sk] = true
		old, had := was[sk]
		if had && old == e && !(e.IsToken() && tokensStale) && !(e.isSortKey() && sortsStale) {
			continue
		}
		it := store.Item{Key: store.Key{PK: pk, SK: sk}, Type: ItemType, Version: 1, Doc: tokenBody}
		if e.isSortKey() {
			it.Doc = sortBody
		}
		it.Index[0] = indexKey(tenant, id, e)
		ops = append(ops, store.TxPut(it, store.None))
	}
	for _, e := range before {
		if e.IsScope() {
			continue
		}
		if sk := baseSK(e); !kept[sk] {
			kept[sk] = true // an entry listed twice is deleted once
			ops = append(ops, store.TxDelete(store.Key{PK: pk, SK: sk}, store.None))
		}
	}
	return ops
}
