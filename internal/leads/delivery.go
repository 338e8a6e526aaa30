package leads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"tend/internal/domain"
	"tend/internal/leadpayload"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Outcome is what became of a delivery.
type Outcome string

const (
	// OutcomePending: stored, waiting for the intake queue's consumer.
	OutcomePending Outcome = "pending"
	// OutcomeAccepted: a new customer.
	OutcomeAccepted Outcome = "accepted"
	// OutcomeDuplicate: it repeated an existing customer, recorded there.
	OutcomeDuplicate Outcome = "duplicate"
	// OutcomeUpdated: it updated the customer its sender already is (a
	// Zalo user's later submission).
	OutcomeUpdated Outcome = "updated"
	// OutcomeTest: a test lead, read and checked but kept apart: no
	// customer, no distribution.
	OutcomeTest Outcome = "test"
	// OutcomeRejected: its content can't make a customer (Error says why).
	OutcomeRejected Outcome = "rejected"
	// OutcomeFailed: it could not be read from its provider for good (a
	// Facebook lead whose page token was refused).
	OutcomeFailed Outcome = "failed"
)

// outcomes are the counted outcomes, in the order counters are shown.
var outcomes = []Outcome{OutcomePending, OutcomeAccepted, OutcomeDuplicate, OutcomeUpdated, OutcomeTest, OutcomeRejected, OutcomeFailed}

// Delivery is one lead a source delivered, as its log shows it.
type Delivery struct {
	ID         string    `json:"id"`
	SourceID   string    `json:"source_id"`
	ReceivedAt time.Time `json:"received_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Outcome    Outcome   `json:"outcome"`
	// Test marks a test lead: the provider's (Google's is_test) or the
	// source's "send a test lead".
	Test       bool   `json:"test"`
	CustomerID string `json:"customer_id,omitempty"`
	// Error is the code of why it was rejected or failed, or of the last
	// failed attempt while it is pending; Detail says more.
	Error  string `json:"error,omitempty"`
	Detail string `json:"detail,omitempty"`
	// ExternalID is the provider's id of the lead (leadgen_id, lead_id,
	// Zalo's event id), when it has one.
	ExternalID string `json:"external_id,omitempty"`
	Attempts   int    `json:"attempts"`
	// Fields are the lead's fields as received (or fetched).
	Fields []Field `json:"fields"`
	// Meta holds the provider's ids of where the lead came from (form,
	// ad, campaign, page, is_organic).
	Meta map[string]string `json:"meta,omitempty"`
}

// Field is one field of a lead as its provider names it.
type Field struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

func fieldsOf(in []leadpayload.Field) []Field {
	out := make([]Field, 0, len(in))
	for _, f := range in {
		vs := f.Values
		if vs == nil {
			vs = []string{}
		}
		out = append(out, Field{Name: f.Name, Values: vs})
	}
	return out
}

// delivery is a delivery as stored: with what is needed to take it.
type delivery struct {
	Delivery
	Tenant string `json:"tenant_id"`
	Kind   Kind   `json:"kind"`
	// Payload is a signed lead's JSON as posted (compacted), which the
	// source's mapping reads when the lead is taken.
	Payload json.RawMessage `json:"payload,omitempty"`
	// Problems are the elements of a rejected lead that could not make a
	// customer, with their message codes (Error is their code).
	Problems []LeadError `json:"problems,omitempty"`
	// ResentAt is when the tick last sent it to the queue again.
	ResentAt time.Time `json:"resent_at,omitzero"`
	// Version is the stored item's.
	Version int64 `json:"-"`
}

// Deliveries are kept for 90 days: long enough to look into a source's
// problems, not forever (they hold the leads' personal data).
const deliveryRetention = 90 * 24 * time.Hour

func deliveryKey(sourceID, id string) store.Key {
	return store.Key{PK: "LEADSRC#" + sourceID + "#DLV#" + id, SK: "D"}
}

// deliveriesPK lists a source's deliveries by time (GSI1).
func deliveriesPK(sourceID string) string { return "LEADSRC#" + sourceID + "#DLVS" }

// The pending deliveries of every workspace, for the tick's resend, are
// listed in GSI2 (an item is in it only while pending, so it stays small).
// Every lead of every workspace writes it twice (held, then taken), so it
// is sharded by the delivery's id: pendingShards partitions
// "LEADS#PENDING#000".."LEADS#PENDING#127", a delivery always in the same
// one (rewritten there when resent or settled). 128 shards carry 128,000
// index writes a second, above 50,000 leads a second across tenants at two
// writes each with room for larger items; the tick's resend reads every
// shard (128 small queries every few minutes, most of them empty), and the
// partition of the unsharded layout (legacyPendingPK), which pending items
// written before the shards keep until they are resent or taken.
const pendingShards = 128

const legacyPendingPK = "LEADS#PENDING"

// pendingPK is the shard of the pending list a delivery is in: a stable
// hash of its id, so that every rewrite of it lands in the same shard.
func pendingPK(deliveryID string) string {
	h := fnv.New32a()
	h.Write([]byte(deliveryID))
	return fmt.Sprintf("%s#%03d", legacyPendingPK, h.Sum32()%pendingShards)
}

// pendingPKs are every shard of the pending list, and the unsharded
// partition of the items written before it was sharded.
func pendingPKs() []string {
	out := make([]string, 0, pendingShards+1)
	for n := range pendingShards {
		out = append(out, fmt.Sprintf("%s#%03d", legacyPendingPK, n))
	}
	return append(out, legacyPendingPK)
}

// counterKey is a source's counter of an outcome: beside the source's
// item, so that one query reads the source's figures.
func counterKey(sourceID string, o Outcome) store.Key {
	return store.Key{PK: "LEADSRC#" + sourceID, SK: "N#" + string(o)}
}

func (d *delivery) item() store.Item {
	it := store.Item{Key: deliveryKey(d.SourceID, d.ID), Type: "lead_delivery", Version: d.Version, Doc: store.Doc(d),
		ExpiresAt: d.ReceivedAt.Add(deliveryRetention)}
	it.Index[0] = store.IndexKey{PK: deliveriesPK(d.SourceID), SK: store.SortTime(d.ReceivedAt) + "#" + d.ID}
	if d.Outcome == OutcomePending {
		since := d.ReceivedAt
		if d.ResentAt.After(since) {
			since = d.ResentAt
		}
		it.Index[1] = store.IndexKey{PK: pendingPK(d.ID), SK: store.SortTime(since) + "#" + d.SourceID + "#" + d.ID}
	}
	return it
}

func decodeDelivery(it store.Item) (*delivery, error) {
	d, err := store.Decode[delivery](it)
	if err != nil {
		return nil, err
	}
	d.Version = it.Version
	if d.Fields == nil {
		d.Fields = []Field{}
	}
	return d, nil
}

func (s *Service) loadDelivery(ctx context.Context, sourceID, id string) (*delivery, error) {
	it, err := s.Store.Get(ctx, deliveryKey(sourceID, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("lead_delivery")
	}
	if err != nil {
		return nil, fmt.Errorf("leads: read delivery %s: %w", id, err)
	}
	return decodeDelivery(it)
}

// errors are why a delivery failed, or why its last attempt did.
func (d *delivery) errors() []LeadError {
	out := []LeadError{}
	for _, p := range d.Problems {
		if p.Params == nil {
			p.Params = map[string]string{}
		}
		out = append(out, p)
	}
	if len(out) == 0 && d.Error != "" {
		out = append(out, LeadError{Code: d.Error, Params: map[string]string{}})
	}
	return out
}

// settle returns the ops that close a pending delivery with its outcome,
// written with what the outcome made (the customer, the activity): the
// delivery at its next version, and the counters moved from pending.
func (d *delivery) settle(o Outcome, customerID string, now time.Time) []store.TxOp {
	next := *d
	next.Outcome, next.CustomerID, next.UpdatedAt, next.Version = o, customerID, now, d.Version+1
	if o != OutcomeRejected && o != OutcomeFailed {
		next.Error, next.Detail = "", "" // of an earlier attempt
	}
	return []store.TxOp{
		store.TxPut(next.item(), store.IfVersion(d.Version)),
		store.TxAdd(counterKey(d.SourceID, OutcomePending), -1),
		store.TxAdd(counterKey(d.SourceID, o), 1),
	}
}

// DeliveryLog is one page of a source's deliveries, newest first, with
// the source's counters.
type DeliveryLog struct {
	domain.Page[Delivery]
	Counters map[Outcome]int64 `json:"counters"`
}

// Deliveries returns a page of a source's delivery log, newest first, and
// its counters (admins only: the log shows the leads' personal data).
func (s *Service) Deliveries(ctx context.Context, c *workspace.Caller, sourceID string, limit int, cursor string) (*DeliveryLog, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	if _, err := s.loadFor(ctx, c, sourceID); err != nil {
		return nil, err
	}
	page, err := s.Store.Query(ctx, store.Query{Index: store.GSI1, PK: deliveriesPK(sourceID), Reverse: true,
		Limit: domain.ListLimit(limit), Cursor: cursor, DocsOnly: true})
	if err != nil {
		return nil, store.CursorError(fmt.Errorf("leads: list deliveries of %s: %w", sourceID, err))
	}
	out := &DeliveryLog{Page: domain.Page[Delivery]{Items: []Delivery{}, NextCursor: page.Cursor}}
	for _, it := range page.Items {
		d, err := decodeDelivery(it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, d.Delivery)
	}
	out.Counters, err = s.counters(ctx, sourceID)
	return out, err
}

// counters reads a source's counters: every outcome, 0 when none yet.
func (s *Service) counters(ctx context.Context, sourceID string) (map[Outcome]int64, error) {
	out := make(map[Outcome]int64, len(outcomes))
	for _, o := range outcomes {
		out[o] = 0
	}
	page, err := s.Store.Query(ctx, store.Query{PK: "LEADSRC#" + sourceID, SK: store.SKBeginsWith, A: "N#"})
	if err != nil {
		return nil, fmt.Errorf("leads: read counters of %s: %w", sourceID, err)
	}
	for _, it := range page.Items {
		out[Outcome(it.Key.SK[2:])] = it.N
	}
	return out, nil
}
