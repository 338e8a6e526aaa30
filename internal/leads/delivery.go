package leads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

func (d *delivery) item() store.Item {
	it := store.Item{Key: deliveryKey(d.SourceID, d.ID), Type: "lead_delivery", Version: d.Version, Doc: store.Doc(d),
		ExpiresAt: d.ReceivedAt.Add(deliveryRetention)}
	it.Index[0] = store.IndexKey{PK: deliveriesPK(d.SourceID, d.ID), SK: store.SortTime(d.ReceivedAt) + "#" + d.ID}
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
		store.TxAdd(counterKey(d.SourceID, d.ID, OutcomePending), -1),
		store.TxAdd(counterKey(d.SourceID, d.ID, o), 1),
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
	items, next, err := s.logPage(ctx, sourceID, domain.ListLimit(limit), cursor)
	if err != nil {
		return nil, err
	}
	out := &DeliveryLog{Page: domain.Page[Delivery]{Items: []Delivery{}, NextCursor: next}}
	for _, it := range items {
		d, err := decodeDelivery(it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, d.Delivery)
	}
	out.Counters, err = s.counters(ctx, sourceID)
	return out, err
}

// counters reads a source's counters, summed over their shards: every
// outcome, 0 when none yet.
func (s *Service) counters(ctx context.Context, sourceID string) (map[Outcome]int64, error) {
	out := make(map[Outcome]int64, len(outcomes))
	for _, o := range outcomes {
		out[o] = 0
	}
	for _, pk := range counterPKs(sourceID) {
		page, err := s.Store.Query(ctx, store.Query{PK: pk, SK: store.SKBeginsWith, A: "N#"})
		if err != nil {
			return nil, fmt.Errorf("leads: read counters of %s: %w", sourceID, err)
		}
		for _, it := range page.Items {
			out[Outcome(it.Key.SK[2:])] += it.N
		}
	}
	return out, nil
}
