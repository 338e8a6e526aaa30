package workspace

import (
	"time"

	"tend/internal/store"
)

// Item types of a workspace's set-up, as stored in the item's type
// attribute.
const (
	typeWorkspace = "workspace"
	typeUser      = "user"
	typeTeam      = "team"
	typeWarehouse = "warehouse"
	typePipeline  = "pipeline"
	typeField     = "field"
	typeSetting   = "setting"
	typeClaim     = "claim"
	typeSubject   = "subject"
	typeInvite    = "subject_invite"
)

// Key layout of the set-up. Every key starts with the tenant, except the
// sign-in subject and its invitations, which have to be found before the
// tenant is known.
//
//	T#<t>                 WS | USER#<id> | TEAM#<id> | WH#<id> | PL#<id> | FIELD#<key> | SET#<name> | UEMAIL#<email> | USUB#<sub>
//	T#<t>#CTR             <name>                    counters
//	SUBJECT#<sub>         SUBJECT                   sign-in subject → user (bound at first sign-in)
//	SUBINV#<sub>          <created>#<t>#<user>      an invitation of a subject to a user
func tenantPK(t string) string          { return "T#" + t }
func subjectKey(sub string) store.Key   { return store.Key{PK: "SUBJECT#" + sub, SK: "SUBJECT"} }
func subjectInvitePK(sub string) string { return "SUBINV#" + sub }
func workspaceKey(t string) store.Key   { return store.Key{PK: tenantPK(t), SK: "WS"} }
func userKey(t, id string) store.Key    { return store.Key{PK: tenantPK(t), SK: "USER#" + id} }
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

// CounterKey is a workspace's counter of a name (customer codes, say),
// changed by store.Incr.
func CounterKey(t, name string) store.Key { return store.Key{PK: "T#" + t + "#CTR", SK: name} }
