package customer

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	gojson "github.com/goccy/go-json"

	"tend/internal/domain"
	"tend/internal/store"
)

// customerRecord is a customer as stored: the entity plus what Tend keeps
// about it for itself.
type customerRecord struct {
	domain.Customer
	TenantID string `json:"tenant_id"`
	// Claims are the duplicate-check claims the customer holds, by
	// criterion, with the normalised value claimed.
	Claims map[string]string `json:"claims,omitempty"`
	// Cause is set on writes made by automation rules.
	Cause *Cause `json:"cause,omitempty"`
}

// Cause says what made a write: the rules whose actions it carries and how
// deep it is in a chain of rule writes (a user's write is depth 0 and has
// no cause). Stream consumers stop chains past a fixed depth.
type Cause struct {
	Rules []string `json:"rules,omitempty"`
	Depth int      `json:"depth"`
}

// item is the record as a store item, with its list index keys.
func (r *customerRecord) item() store.Item {
	return store.Item{Key: customerKey(r.TenantID, r.ID), Type: typeCustomer, Version: r.Version,
		Doc: compactDoc(store.Doc(r)), Index: r.indexKeys()}
}

// indexKeys are the record's list index keys (see the key layout).
func (r *customerRecord) indexKeys() [4]store.IndexKey {
	var ix [4]store.IndexKey
	if r.DeletedAt != nil {
		ix[0] = store.IndexKey{PK: TrashPK(r.TenantID), SK: listKey(*r.DeletedAt, r.ID)}
		return ix
	}
	lk := listKey(r.CreatedAt, r.ID)
	h := hashOf(r.ID)
	ix[0] = store.IndexKey{PK: AllPK(r.TenantID, int(h%allShards)), SK: lk}
	if r.OwnerID != "" {
		ix[1] = store.IndexKey{PK: ownerPK(r.TenantID, r.OwnerID, int(h%ownerShards)), SK: lk}
	}
	ix[2] = store.IndexKey{PK: warehousePK(r.TenantID, r.WarehouseID, int(h%warehouseShards)), SK: lk}
	if r.PinnedAt != nil {
		ix[3] = store.IndexKey{PK: PinnedPK(r.TenantID), SK: lk}
	}
	return ix
}

// compactDoc leaves out of a customer's stored document the members that
// hold nothing ("", null, false, 0, [] and {}), which decoding gives back
// (decodeCustomer). A customer is written twice or more per lead, each
// write charged to its partition and to every index it is in by the KB,
// and a lead's record (a name, a phone, a step: most members empty) then
// stays under 1 KB, half what it costs in full.
func compactDoc(doc []byte) []byte {
	var members map[string]gojson.RawMessage
	if err := gojson.Unmarshal(doc, &members); err != nil {
		panic(fmt.Sprintf("customer: compact a document: %v", err)) // store.Doc made it
	}
	for k, v := range members {
		switch string(v) {
		case `""`, "null", "false", "0", "[]", "{}":
			delete(members, k)
		}
	}
	out, err := gojson.Marshal(members)
	if err != nil {
		panic(fmt.Sprintf("customer: compact a document: %v", err))
	}
	return out
}

func decodeCustomer(it store.Item) (*customerRecord, error) {
	r := new(customerRecord)
	if err := gojson.Unmarshal(it.Doc, r); err != nil {
		return nil, fmt.Errorf("customer: decode customer %s: %w", it.Key, err)
	}
	r.Version = it.Version
	normaliseCustomer(&r.Customer)
	return r, nil
}

// normaliseCustomer gives empty collections instead of nil, so that JSON
// answers always carry [] and {}.
func normaliseCustomer(c *domain.Customer) {
	if c.Tags == nil {
		c.Tags = []string{}
	}
	if c.SharedWith == nil {
		c.SharedWith = []string{}
	}
	if c.Fields == nil {
		c.Fields = domain.Values{}
	}
	if c.Pipelines == nil {
		c.Pipelines = map[string]string{}
	}
}

// loadCustomer reads a customer of the tenant, deleted or not.
func (s *Service) loadCustomer(ctx context.Context, tenant, id string) (*customerRecord, error) {
	it, err := s.store.Get(ctx, customerKey(tenant, id))
	if err != nil {
		if isNotFound(err) {
			return nil, domain.NotFound("customer")
		}
		return nil, fmt.Errorf("customer: read customer %s: %w", id, err)
	}
	return decodeCustomer(it)
}

func (r *customerRecord) clone() *customerRecord {
	cp := *r
	cp.Customer = copyCustomer(r.Customer)
	cp.Claims = maps.Clone(r.Claims)
	if r.Cause != nil {
		cause := *r.Cause
		cause.Rules = slices.Clone(r.Cause.Rules)
		cp.Cause = &cause
	}
	normaliseCustomer(&cp.Customer)
	return &cp
}

// historyItem is a history entry of the write that made version of the
// customer. Its key sorts by time, then by version: entries written at the
// same time (a clock that stands still, or a coarse one) list in the order
// they were written, like the rest of the history.
func historyItem(tenant, customerID string, version int64, at time.Time, actor domain.Actor, action string, changes []domain.FieldChange) store.Item {
	e := domain.AuditEntry{ID: domain.NewID("hist"), CustomerID: customerID, At: at, Actor: actor, Action: action, Changes: changes}
	if e.Changes == nil {
		e.Changes = []domain.FieldChange{}
	}
	sk := fmt.Sprintf("%s%s#%019d#%s", HistoryPrefix, store.SortTime(at), version, e.ID)
	return store.Item{Key: store.Key{PK: customerPK(tenant, customerID), SK: sk}, Type: typeHistory, Version: 1, Doc: store.Doc(e)}
}
