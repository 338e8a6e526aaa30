package leads

import (
	"context"
	"errors"
	"strings"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// Signed leads are taken storage first, as every other kind: the hook
// checks the signature (401) and the payload against the source's mapping
// (422, with no write), holds the lead as a pending delivery and queues
// it, and answers 202 with the lead's id; the intake queue's consumer
// (Take) makes the customer. A copy of the signed request (the same
// timestamp and body) is answered with the same lead and changes nothing:
// the delivery's mark (seenKey) stands for the signature's implicit
// idempotency key for as long as the signature is honoured.

// Queued is the answer to a signed lead: the lead, to be read at
// GET /v1/leads/{id}, and its status when answered.
type Queued struct {
	LeadID string     `json:"lead_id"`
	Status LeadStatus `json:"status"`
	// Replayed says this is the answer to an earlier copy of the same
	// signed request, which this one changed nothing after.
	Replayed bool `json:"-"`
}

// LeadStatus is what became of a lead, as its sender sees it.
type LeadStatus string

const (
	LeadQueued    LeadStatus = "queued"
	LeadCreated   LeadStatus = "created"
	LeadDuplicate LeadStatus = "duplicate"
	LeadFailed    LeadStatus = "failed"
)

// statusOf is the status a delivery's outcome shows: a test lead was
// checked and made nothing, as it was meant to (created); a rejected one
// failed, as one that could not be read did.
func statusOf(o Outcome) LeadStatus {
	switch o {
	case OutcomePending:
		return LeadQueued
	case OutcomeDuplicate:
		return LeadDuplicate
	case OutcomeRejected, OutcomeFailed:
		return LeadFailed
	}
	return LeadCreated
}

// Lead checks a signed lead against the source's mapping and holds it
// for the intake queue's consumer.
func (s *Service) Lead(ctx context.Context, v *Verified, body []byte) (*Queued, error) {
	if len(body) > maxSignedLead {
		return nil, domain.Errorf(domain.ErrTooLarge, "body_too_large", "max", "100 KiB")
	}
	o, err := s.Orgs.LoadOrg(ctx, v.rec.Tenant)
	if err != nil {
		return nil, err
	}
	if _, err := signedInput(o, v.rec, body, s.Clock.Now().UTC()); err != nil {
		return nil, err
	}
	// The mark lasts as the replay marker of a call does (see replayOf).
	h, err := s.hold(ctx, v.rec, incoming{Same: "signed:" + v.request("lead", body), Until: v.signedAt.Add(MaxSkew + time.Second),
		Payload: compact(body)})
	if err != nil {
		return nil, err
	}
	return &Queued{LeadID: leadID(v.rec.ID, h.DeliveryID), Status: statusOf(h.Status), Replayed: h.Repeated}, nil
}

// maxSignedLead is the largest signed lead taken: it is stored with its
// delivery, and an item holds at most 400 KB.
const maxSignedLead = 100 << 10

// signedInput maps a signed lead's JSON to a customer's input through the
// source's mapping, checked as a new customer would be (but for the
// duplicate check, which Take does).
func signedInput(o *workspace.Org, r *record, payload []byte, now time.Time) (*customer.Input, error) {
	doc, err := decodePayload(payload)
	if err != nil {
		return nil, err
	}
	in, err := Map(o, &r.Source, doc)
	if err != nil {
		return nil, err
	}
	if _, err := in.Preview(o, now); err != nil {
		return nil, err
	}
	return in, nil
}

// summaryOf is a signed lead's JSON as the activity of a lead that
// repeats a customer shows it.
func summaryOf(payload []byte) string {
	summary := string(compact(payload))
	if len(summary) > 2000 {
		summary = summary[:2000] + "…"
	}
	return summary
}

// A lead's id names its source and its delivery ("src_….dlv_…"), so that
// GET /v1/leads/{id} finds the delivery with one read, and its workspace
// with the source's, without a lookup item that every lead would write
// (one more write per lead on the hook's path, where the load is).
func leadID(sourceID, deliveryID string) string { return sourceID + "." + deliveryID }

func parseLeadID(id string) (sourceID, deliveryID string, ok bool) {
	sourceID, deliveryID, ok = strings.Cut(id, ".")
	return sourceID, deliveryID, ok && strings.HasPrefix(sourceID, "src_") && strings.HasPrefix(deliveryID, "dlv_")
}

// LeadView is a lead as GET /v1/leads/{id} shows it.
type LeadView struct {
	ID          string      `json:"id"`
	SourceID    string      `json:"source_id"`
	Status      LeadStatus  `json:"status"`
	CustomerID  string      `json:"customer_id"`
	DuplicateOf string      `json:"duplicate_of"`
	Errors      []LeadError `json:"errors"`
	ReceivedAt  time.Time   `json:"received_at"`
}

// LeadError is why a lead failed (or why its last attempt did, while it
// is queued): the message code, and the element of the lead it is about
// when it names one.
type LeadError struct {
	Path   string            `json:"path"`
	Code   string            `json:"code"`
	Params map[string]string `json:"params"`
}

// GetLead returns what became of a lead (admins of its workspace only,
// as the source's delivery log: it holds the lead's personal data).
func (s *Service) GetLead(ctx context.Context, c *workspace.Caller, id string) (*LeadView, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	sourceID, deliveryID, ok := parseLeadID(id)
	if !ok {
		return nil, domain.NotFound("lead")
	}
	if _, err := s.loadFor(ctx, c, sourceID); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return nil, domain.NotFound("lead")
		}
		return nil, err
	}
	d, err := s.loadDelivery(ctx, sourceID, deliveryID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.NotFound("lead")
	}
	if err != nil {
		return nil, err
	}
	v := &LeadView{ID: id, SourceID: sourceID, Status: statusOf(d.Outcome), CustomerID: d.CustomerID, Errors: d.errors(), ReceivedAt: d.ReceivedAt}
	if d.Outcome == OutcomeDuplicate {
		v.DuplicateOf = d.CustomerID
	}
	return v, nil
}
