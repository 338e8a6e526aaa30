package customer

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// ItemType is the store type of customer items, which the stream
// and the local feed carry.
const ItemType = typeCustomer

// Image is a customer as a change of the stream or feed carries it.
type Image struct {
	Customer domain.Customer
	Tenant   string
	// Cause is set when rules made the write.
	Cause *Cause
}

// Depth is how deep in a chain of rule writes the image is (0: a user's or
// a system's write).
func (im *Image) Depth() int {
	if im == nil || im.Cause == nil {
		return 0
	}
	return im.Cause.Depth
}

// DecodeImage reads a stored customer item.
func DecodeImage(it store.Item) (*Image, error) {
	if it.Type != typeCustomer {
		return nil, fmt.Errorf("customer: item %s is a %q, not a customer", it.Key, it.Type)
	}
	r, err := decodeCustomer(it)
	if err != nil {
		return nil, err
	}
	return &Image{Customer: r.Customer, Tenant: r.TenantID, Cause: r.Cause}, nil
}

// Edit is one system actor's change to a customer (an automation rule's
// actions, say), validated like a user's edit.
type Edit struct {
	Actor  domain.Actor
	Action string
	// Guard, when set, must hold on the customer as it is now, or the edit
	// is skipped: what decided to make it may have gone stale.
	Guard func(c *domain.Customer) bool
	// Apply changes c; an error refuses this edit alone.
	Apply func(c *domain.Customer) error
}

// EditOutcome says what one edit did.
type EditOutcome struct {
	Changes []domain.FieldChange
	Skipped bool  // its guard no longer held
	Err     error // it was refused; the other edits still applied
}

// Logs returns the ops that record what edits did (automation logs), to
// write with the change.
type Logs func(c *domain.Customer, out []EditOutcome) []store.TxOp

// EditAs applies edits in order to the current customer and writes the
// result in one transaction: one history entry per edit that changed
// something (its actor as the author), the cause on the customer, and the
// ops logs returns for the outcomes (automation logs, written atomically
// with the change). When no edit changes anything nothing is written. A
// customer in the trash is not edited.
func (s *Service) EditAs(ctx context.Context, o *workspace.Org, customerID string, cause *Cause, edits []Edit, logs Logs) ([]EditOutcome, error) {
	var outcomes []EditOutcome
	err := retryStale(func() error {
		before, err := s.loadCustomer(ctx, o.Workspace.ID, customerID)
		if err != nil {
			return err
		}
		if before.DeletedAt != nil {
			return domain.NotFound("customer")
		}
		after := before.clone()
		after.Cause = cause
		outcomes = make([]EditOutcome, len(edits))
		entries := make([]audit, 0, len(edits))
		for i, e := range edits {
			if e.Guard != nil && !e.Guard(&after.Customer) {
				outcomes[i].Skipped = true
				continue
			}
			snapshot := after.clone()
			if err := e.Apply(&after.Customer); err != nil {
				after, outcomes[i].Err = snapshot, err
				after.Cause = cause
				continue
			}
			outcomes[i].Changes = diff(&snapshot.Customer, &after.Customer)
			entries = append(entries, audit{e.Actor, e.Action, outcomes[i].Changes})
		}
		if !anyChange(outcomes) {
			return nil
		}
		var extra []store.TxOp
		if logs != nil {
			extra = logs(&after.Customer, outcomes)
		}
		_, err = s.commitAudited(ctx, o, before, after, entries, extra)
		return err
	})
	if err != nil {
		return nil, err
	}
	return outcomes, nil
}

func anyChange(out []EditOutcome) bool {
	for _, o := range out {
		if len(o.Changes) > 0 {
			return true
		}
	}
	return false
}

// SetField sets one field (a system field or a custom one) of c to a JSON
// value, validated exactly as a user's edit is.
func SetField(o *workspace.Org, c *domain.Customer, key string, value json.RawMessage, now time.Time) error {
	in := &Input{system: map[string]json.RawMessage{}, custom: map[string]json.RawMessage{}, pipelines: map[string]json.RawMessage{}}
	switch {
	case key == "owner" || key == "warehouse":
		key += "_id"
		in.system[key] = value
	case isWritable(key):
		in.system[key] = value
	default:
		if _, ok := o.Field(key); !ok {
			return domain.Invalid(key, "unknown_field", "field", key)
		}
		in.custom[key] = value
	}
	normaliseCustomer(c)
	return in.apply(o, c, false, now).Err()
}

func isWritable(key string) bool { _, ok := writable[key]; return ok }

// WritableField reports whether a system field or custom field key may be
// set by a client or an automation.
func WritableField(o *workspace.Org, key string) bool {
	if key == "owner" || key == "warehouse" || isWritable(key) {
		return true
	}
	_, ok := o.Field(key)
	return ok
}

// SetStep puts c at a step of a pipeline, checking both exist.
func SetStep(o *workspace.Org, c *domain.Customer, pipelineID, stepID string) error {
	if err := (StepInput{PipelineID: pipelineID, StepID: stepID}).check(o); err != nil {
		return err
	}
	normaliseCustomer(c)
	c.Pipelines[pipelineID] = stepID
	return nil
}

// CustomersOfShard reads one page of a shard (of Shards) of a workspace's
// live customers, for runs over every customer.
func (s *Service) CustomersOfShard(ctx context.Context, tenant string, shard, limit int, cursor string) ([]*domain.Customer, string, error) {
	page, err := ShardPage(ctx, s.store, tenant, shard, limit, cursor)
	if err != nil {
		return nil, "", err
	}
	out := make([]*domain.Customer, 0, len(page.Items))
	for _, it := range page.Items {
		r, err := decodeCustomer(it)
		if err != nil {
			return nil, "", err
		}
		out = append(out, &r.Customer)
	}
	return out, page.Cursor, nil
}

// EachCustomer calls fn for every live customer of the workspace.
func (s *Service) EachCustomer(ctx context.Context, tenant string, fn func(*domain.Customer) error) error {
	return s.eachCustomer(ctx, tenant, func(r *customerRecord) error { return fn(&r.Customer) })
}

// View is a customer as clients see it (custom values of fields no longer
// defined are hidden).
func View(o *workspace.Org, c *domain.Customer) *domain.Customer {
	cp := *c
	if len(cp.Fields) > 0 {
		shown := make(domain.Values, len(cp.Fields))
		for k, v := range cp.Fields {
			if _, ok := o.Field(k); ok {
				shown[k] = v
			}
		}
		cp.Fields = shown
	}
	return &cp
}

// Partition is the partition holding a customer and the items kept
// with it (history, notes, automation logs).
func Partition(tenant, id string) string { return customerPK(tenant, id) }

// Diff lists what changed between two versions of a customer.
func Diff(before, after *domain.Customer) []domain.FieldChange { return diff(before, after) }

// ChangedFields names the fields a change touched, as conditions name them:
// "revenue", a custom key such as "customer_type", "step:<pipeline_id>".
func ChangedFields(before, after *domain.Customer) map[string]bool {
	out := map[string]bool{}
	for _, ch := range diff(before, after) {
		key := ch.Field
		if k, ok := strings.CutPrefix(key, "fields."); ok {
			key = k
		} else if k, ok := strings.CutPrefix(key, "pipelines."); ok {
			key = "step:" + k
		}
		out[key] = true
	}
	return out
}

// Clone returns a deep copy of c.
func Clone(c *domain.Customer) *domain.Customer {
	cp := copyCustomer(*c)
	normaliseCustomer(&cp)
	return &cp
}

// CanChangeCustomer refuses a customer the caller may not change (404 when
// they can't see it, 403 when it is only shared with them).
func (s *Service) CanChangeCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error) {
	r, err := s.loadCustomer(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	if err := CanEdit(c, &r.Customer); err != nil {
		return nil, err
	}
	return View(c.Org, &r.Customer), nil
}

// Visible returns which of the customers the caller may see.
func (s *Service) Visible(ctx context.Context, c *workspace.Caller, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	sc := c.Org.ScopeOf(c.User)
	for start := 0; start < len(ids); start += 100 {
		keys := []store.Key{}
		for _, id := range ids[start:min(start+100, len(ids))] {
			keys = append(keys, customerKey(c.Tenant(), id))
		}
		items, err := s.store.GetMany(ctx, dedupeKeys(keys))
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			r, err := decodeCustomer(it)
			if err != nil {
				return nil, err
			}
			out[r.ID] = r.DeletedAt == nil && sc.CanRead(&r.Customer)
		}
	}
	return out, nil
}

func dedupeKeys(keys []store.Key) []store.Key {
	seen := map[store.Key]bool{}
	out := keys[:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// CustomerImage reads a customer as it is now, for system work (not for a
// caller: no access check). One in the trash is reported as such.
func (s *Service) CustomerImage(ctx context.Context, tenant, id string) (*domain.Customer, error) {
	r, err := s.loadCustomer(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	return &r.Customer, nil
}

// EachCustomerOfWarehouse calls fn for every live customer of a warehouse.
func (s *Service) EachCustomerOfWarehouse(ctx context.Context, tenant, warehouse string, fn func(*domain.Customer) error) error {
	return s.eachCustomerOf(ctx, store.GSI3, WarehousePKs(tenant, warehouse), func(r *customerRecord) error { return fn(&r.Customer) })
}

// ClaimHolder returns the customer holding a duplicate-check value (a
// phone, say), if the criterion is checked and someone holds it.
func (s *Service) ClaimHolder(ctx context.Context, o *workspace.Org, criterion, value string) (string, bool, error) {
	it, err := s.store.Get(ctx, claimKey(o.Workspace.ID, criterion, value))
	if isNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	var c claimDoc
	if err := json.Unmarshal(it.Doc, &c); err != nil {
		return "", false, fmt.Errorf("customer: decode claim: %w", err)
	}
	return c.CustomerID, true, nil
}

// HistoryOp writes a history entry on a customer for a change made outside
// the customer record (a campaign member's status), in the transaction of
// that change. version is the customer's version when the change was made:
// the entry sorts with that version's entries, whose replay it leaves
// alone (it changes no field of the record).
func HistoryOp(tenant, customerID string, version int64, at time.Time, actor domain.Actor, action string, changes []domain.FieldChange) store.TxOp {
	return store.TxPut(historyItem(tenant, customerID, version, at, actor, action, changes), store.NotExist)
}

// Preview is the customer an input would make, validated as a create
// validates it but not written (no id, code or claims): what a returning
// customer's lead says, to merge into the customer it matched.
func Preview(o *workspace.Org, in *Input, now time.Time) (*domain.Customer, error) {
	c := &domain.Customer{CreatedAt: now, UpdatedAt: now}
	normaliseCustomer(c)
	if err := in.apply(o, c, true, now).Err(); err != nil {
		return nil, err
	}
	return c, nil
}
