package crm

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
	typeWorkspace   = "workspace"
	typeUser        = "user"
	typeTeam        = "team"
	typeWarehouse   = "warehouse"
	typePipeline    = "pipeline"
	typeField       = "field"
	typeSetting     = "setting"
	typeClaim       = "claim"
	typeCustomer    = "customer"
	typeShare       = "share"
	typeHistory     = "history"
	typeNote        = "note"
	typeActivity    = "activity"
	typeCall        = "call"
	typeAppointment = "appointment"
	typeSubject     = "subject"
	typeInvite      = "subject_invite"
)

// CustomerShards spreads "all customers of a workspace" over this many
// index partitions, so that no partition gets hot and daily runs can work
// shards in parallel.
const CustomerShards = 16

// Key layout. Every key starts with the tenant, except the sign-in subject
// and its invitations, which have to be found before the tenant is known.
//
//	T#<t>                 WS | USER#<id> | TEAM#<id> | WH#<id> | PL#<id> | FIELD#<key> | SET#<name> | UEMAIL#<email> | USUB#<sub>
//	T#<t>#C#<id>          A (the customer) | H#… history | NOTE#… | ACT#… | CALL#… | APPT#<id>
//	T#<t>#SH#<user>       <created>#<customer>      a customer shared with a user
//	T#<t>#UNQ#<crit>#<v>  UNQ                       duplicate-check claim
//	T#<t>#CTR             <name>                    counters
//	SUBJECT#<sub>         SUBJECT                   sign-in subject → user (bound at first sign-in)
//	SUBINV#<sub>          <created>#<t>#<user>      an invitation of a subject to a user
//
// Customer secondary keys: GSI1 all (sharded) or trash, GSI2 by owner,
// GSI3 by warehouse, GSI4 pinned (sparse). Their sort key is
// <created>#<id>, so lists merge in creation order.
func tenantPK(t string) string            { return "T#" + t }
func customerPK(t, id string) string      { return "T#" + t + "#C#" + id }
func sharePK(t, user string) string       { return "T#" + t + "#SH#" + user }
func counterKey(t, name string) store.Key { return store.Key{PK: "T#" + t + "#CTR", SK: name} }
func subjectKey(sub string) store.Key     { return store.Key{PK: "SUBJECT#" + sub, SK: "SUBJECT"} }
func subjectInvitePK(sub string) string   { return "SUBINV#" + sub }
func workspaceKey(t string) store.Key     { return store.Key{PK: tenantPK(t), SK: "WS"} }
func userKey(t, id string) store.Key      { return store.Key{PK: tenantPK(t), SK: "USER#" + id} }
func userEmailKey(t, email string) store.Key {
	return store.Key{PK: tenantPK(t), SK: "UEMAIL#" + email}
}
func userSubjectKey(t, sub string) store.Key {
	return store.Key{PK: tenantPK(t), SK: "USUB#" + sub}
}
func subjectInviteKey(sub string, created time.Time, t, user string) store.Key {
	return store.Key{PK: subjectInvitePK(sub), SK: store.SortTime(created) + "#" + t + "#" + user}
}
func teamKey(t, id string) store.Key      { return store.Key{PK: tenantPK(t), SK: "TEAM#" + id} }
func warehouseKey(t, id string) store.Key { return store.Key{PK: tenantPK(t), SK: "WH#" + id} }
func pipelineKey(t, id string) store.Key  { return store.Key{PK: tenantPK(t), SK: "PL#" + id} }
func fieldKey(t, key string) store.Key    { return store.Key{PK: tenantPK(t), SK: "FIELD#" + key} }
func settingKey(t, name string) store.Key { return store.Key{PK: tenantPK(t), SK: "SET#" + name} }
func customerKey(t, id string) store.Key  { return store.Key{PK: customerPK(t, id), SK: "A"} }

func claimKey(t, criterion, value string) store.Key {
	// Long values (a description) are hashed to keep keys small.
	if len(value) > 200 {
		sum := sha256.Sum256([]byte(value))
		value = "sha256:" + hex.EncodeToString(sum[:])
	}
	return store.Key{PK: "T#" + t + "#UNQ#" + criterion + "#" + value, SK: "UNQ"}
}

func claimIndexPK(t, criterion string) string { return "T#" + t + "#UNQ#" + criterion }

func allCustomersPK(t string, shard int) string { return fmt.Sprintf("T#%s#CS#%02d", t, shard) }
func trashPK(t string) string                   { return "T#" + t + "#TRASH" }
func ownerPK(t, owner string) string {
	if owner == "" {
		owner = "-"
	}
	return "T#" + t + "#OWN#" + owner
}
func warehousePK(t, wh string) string {
	if wh == "" {
		wh = "-"
	}
	return "T#" + t + "#WH#" + wh
}
func pinnedPK(t string) string { return "T#" + t + "#PIN" }

// shardOf places a customer in one of the CustomerShards partitions.
func shardOf(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % CustomerShards)
}

// listKey is a customer's sort key in every list index.
func listKey(created time.Time, id string) string { return store.SortTime(created) + "#" + id }
