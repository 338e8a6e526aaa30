package leads

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tend/internal/domain"
	"tend/internal/leadpayload"
	"tend/internal/queuegroup"
	"tend/internal/store"
)

// Every kind is taken storage first: the hook checks the request, stores
// each lead as a pending delivery and queues it, and answers at once; the intake queue's consumer (Take) makes the customer.
// A provider is answered within its deadline whatever the load, a lead
// whose provider can't be read yet (Facebook's Graph API) waits and is
// tried again, and a lead whose queue message was lost is sent again by
// the tick (Resend): none is lost.

// Queue is the intake queue (SQS on AWS).
type Queue interface {
	Send(ctx context.Context, body []byte, delay time.Duration) error
}

// incoming is one lead a hook read from a provider's request.
type incoming struct {
	// ExternalID is the provider's id of the lead, if any.
	ExternalID string
	// Same names what makes two deliveries the same lead (the provider's
	// id, or a form's contact), for Window: a copy within it is counted
	// once.
	Same   string
	Window time.Duration
	// Until, when set, is when the window ends (a signed request's: when
	// its signature is no longer honoured), instead of Window from now.
	Until  time.Time
	Fields []leadpayload.Field
	Meta   map[string]string
	Test   bool
	// Payload is a signed lead's JSON (its fields are read from it when
	// it is taken).
	Payload json.RawMessage
}

// Held is the answer to a lead stored: its delivery, and whether a copy of
// it was held before (and so this one changed nothing).
type Held struct {
	DeliveryID string  `json:"delivery_id"`
	Status     Outcome `json:"status"`
	Repeated   bool    `json:"-"`
}

// intakeMessage is the intake queue's message: the delivery to take.
type intakeMessage struct {
	SourceID   string `json:"source_id"`
	DeliveryID string `json:"delivery_id"`
}

// seenKey marks a lead held within its window (see incoming.Same).
func seenKey(sourceID, same string) store.Key {
	h := sha256.Sum256([]byte(same))
	return store.Key{PK: "LEADSRC#" + sourceID + "#SEEN#" + hex.EncodeToString(h[:]), SK: "S"}
}

// hold stores a lead as a pending delivery of the source, with its mark
// for the window, and queues it. A copy within the window is answered
// with the first one's delivery. When the queue can't be reached the lead
// is still held: the tick sends it.
func (s *Service) hold(ctx context.Context, r *record, in incoming) (*Held, error) {
	ctx = queuegroup.With(ctx, r.Tenant) // what it queues is the source's workspace's
	now := s.Clock.Now().UTC()
	d := &delivery{Delivery: Delivery{ID: domain.NewID("dlv"), SourceID: r.ID, ReceivedAt: now, UpdatedAt: now, Outcome: OutcomePending,
		Test: in.Test, ExternalID: in.ExternalID, Fields: fieldsOf(in.Fields), Meta: in.Meta}, Tenant: r.Tenant, Kind: r.Kind, Payload: in.Payload, Version: 1}
	seen, until := seenKey(r.ID, in.Same), now.Add(in.Window)
	if !in.Until.IsZero() {
		until = in.Until
	}
	mark, _ := json.Marshal(intakeMessage{SourceID: r.ID, DeliveryID: d.ID})
	err := s.Store.Transact(ctx, []store.TxOp{
		store.TxPut(store.Item{Key: seen, Type: "lead_seen", Version: 1, ExpiresAt: until, Doc: mark}, store.NotExist),
		store.TxPut(d.item(), store.NotExist),
		store.TxAdd(counterKey(r.ID, d.ID, OutcomePending), 1),
	})
	if store.FailedOp(err) == 0 {
		return s.heldBefore(ctx, seen)
	}
	if err != nil {
		return nil, fmt.Errorf("leads: hold a lead of %s: %w", r.ID, err)
	}
	if err := s.Intake.Send(ctx, mark, 0); err != nil {
		s.Log.WarnContext(ctx, "lead held, not queued: the tick will send it", "source", r.ID, "delivery", d.ID, "err", err)
	}
	return &Held{DeliveryID: d.ID, Status: OutcomePending}, nil
}

// heldBefore answers a copy of a lead with the delivery that took it.
func (s *Service) heldBefore(ctx context.Context, seen store.Key) (*Held, error) {
	it, err := s.Store.Get(ctx, seen)
	if err != nil {
		return nil, fmt.Errorf("leads: read the mark of a repeated lead: %w", err)
	}
	var m intakeMessage
	if err := json.Unmarshal(it.Doc, &m); err != nil {
		return nil, fmt.Errorf("leads: decode the mark of a repeated lead: %w", err)
	}
	d, err := s.loadDelivery(ctx, m.SourceID, m.DeliveryID)
	if errors.Is(err, domain.ErrNotFound) {
		return &Held{DeliveryID: m.DeliveryID, Status: OutcomePending, Repeated: true}, nil
	}
	if err != nil {
		return nil, err
	}
	return &Held{DeliveryID: d.ID, Status: d.Outcome, Repeated: true}, nil
}

// resendAfter is how long a delivery may stay pending before the tick
// sends it to the queue again: past the queue's own retries of a message
// that failed, so that only lost messages and leads that keep failing
// (which the dead-letter alarm reports) are sent again.
const resendAfter = 15 * time.Minute

// Resend queues again the deliveries pending for longer than resendAfter
// since they were received or last sent again (at most resendBatch a
// tick, read from every shard of the pending list), and returns how many
// it sent.
func (s *Service) Resend(ctx context.Context) (int, error) {
	before := store.SortTime(s.Clock.Now().Add(-resendAfter))
	sent := 0
	var errs []error
	for _, pk := range pendingPKs() {
		if sent >= resendBatch {
			break
		}
		page, err := s.Store.Query(ctx, store.Query{Index: store.GSI2, PK: pk, SK: store.SKLt, A: before, Limit: resendBatch - sent, DocsOnly: true})
		if err != nil {
			errs = append(errs, fmt.Errorf("leads: read pending deliveries of %s: %w", pk, err))
			continue
		}
		for _, it := range page.Items {
			ok, err := s.resend(ctx, it)
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				sent++
			}
		}
	}
	return sent, errors.Join(errs...)
}

// resendBatch is the most deliveries a tick sends again.
const resendBatch = 500

// resend marks a pending delivery as sent again (moving it later in its
// shard of the pending list) and queues it, and reports whether it did.
// One taken meanwhile is left.
func (s *Service) resend(ctx context.Context, it store.Item) (bool, error) {
	d, err := decodeDelivery(it)
	if err != nil {
		return false, err
	}
	next := *d
	next.ResentAt, next.Version = s.Clock.Now().UTC(), d.Version+1
	if err := s.Store.Put(ctx, next.item(), store.IfVersion(d.Version)); err != nil {
		if errors.Is(err, store.ErrConditionFailed) {
			return false, nil // taken meanwhile
		}
		return false, fmt.Errorf("leads: resend delivery %s: %w", d.ID, err)
	}
	msg, _ := json.Marshal(intakeMessage{SourceID: d.SourceID, DeliveryID: d.ID})
	if err := s.Intake.Send(queuegroup.With(ctx, d.Tenant), msg, 0); err != nil {
		return false, fmt.Errorf("leads: resend delivery %s: %w", d.ID, err)
	}
	return true, nil
}
