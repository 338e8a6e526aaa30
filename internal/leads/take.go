package leads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/leadpayload"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Graph reads Facebook leads (the Graph API on AWS, a local fake in tests
// and the local runner).
type Graph interface {
	FetchLead(ctx context.Context, leadgenID, accessToken string) (*FetchedLead, error)
}

// FetchedLead is a Facebook lead as the Graph API gives it.
type FetchedLead struct {
	Fields []leadpayload.Field
	// Meta holds form_id, ad_id, adset_id, campaign_id, is_organic,
	// platform, as the API gives them.
	Meta map[string]string
}

// ErrFetchLater says a lead could not be read from its provider for now
// (a 5xx, a timeout): it stays pending and is tried again. Any other
// fetch error is for good.
var ErrFetchLater = errors.New("leads: provider unavailable, try later")

// Take is the intake queue's consumer: it makes the customer of a pending
// delivery. A delivery taken already, or gone, is done; an error (the
// provider unavailable, the store failing) leaves it pending for the
// queue to try again.
func (s *Service) Take(ctx context.Context, body []byte) error {
	var m intakeMessage
	if err := json.Unmarshal(body, &m); err != nil || m.SourceID == "" || m.DeliveryID == "" {
		s.Log.ErrorContext(ctx, "intake: unreadable message dropped", "body", string(body))
		return nil
	}
	d, err := s.loadDelivery(ctx, m.SourceID, m.DeliveryID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	r, err := s.cached(ctx, d.SourceID)
	if errors.Is(err, domain.ErrNotFound) {
		if d.Outcome != OutcomePending {
			return nil
		}
		return s.close(ctx, d, OutcomeRejected, "lead_source_deleted", "")
	}
	if err != nil {
		return err
	}
	if d.Outcome == OutcomePending {
		if err := s.takePending(ctx, r, d); err != nil {
			return err
		}
		if !r.joinsCampaign(d) {
			return nil // nothing to register: spare the read of what take made
		}
		if d, err = s.loadDelivery(ctx, m.SourceID, m.DeliveryID); err != nil {
			return err
		}
	}
	return s.register(ctx, r, d)
}

func (s *Service) takePending(ctx context.Context, r *record, d *delivery) error {
	if r.Kind == KindFacebook && len(d.Fields) == 0 {
		if err := s.fetch(ctx, r, d); err != nil {
			return err
		}
		if d.Outcome != OutcomePending {
			return nil
		}
	}
	return s.take(ctx, r, d)
}

// register adds the customer a delivery made or found to the source's
// campaign, as registered. It runs on every delivery of the message, so
// that one delivered again after a failure between the two writes
// completes the first (a customer already in the campaign stays as it is).
func (s *Service) register(ctx context.Context, r *record, d *delivery) error {
	if !r.joinsCampaign(d) || d.CustomerID == "" {
		return nil
	}
	switch d.Outcome {
	case OutcomeAccepted, OutcomeDuplicate, OutcomeUpdated:
	default:
		return nil
	}
	actor := domain.Actor{Kind: domain.ActorWebhook, ID: r.ID, Name: r.Name}
	if err := s.Campaigns.Register(ctx, r.Tenant, r.CampaignID, d.CustomerID, actor); err != nil {
		return fmt.Errorf("leads: register lead in campaign %s: %w", r.CampaignID, err)
	}
	return nil
}

// joinsCampaign says whether a delivery's customer would join the
// source's campaign: the source has one and the lead is not a test.
func (r *record) joinsCampaign(d *delivery) bool { return r.CampaignID != "" && !d.Test }

// fetch reads a Facebook lead's fields from the Graph API into d. A
// refusal for good closes d as failed; a passing failure is recorded on d
// and returned, for the queue to try again.
func (s *Service) fetch(ctx context.Context, r *record, d *delivery) error {
	token, ok, err := s.secret(ctx, r, SecretPageAccessToken)
	if err != nil {
		return err
	}
	if !ok {
		return s.close(ctx, d, OutcomeFailed, "page_token_missing", "")
	}
	lead, err := s.Graph.FetchLead(ctx, d.ExternalID, token)
	if errors.Is(err, ErrFetchLater) {
		s.Log.WarnContext(ctx, "intake: facebook lead not readable yet", "source", r.ID, "delivery", d.ID, "err", err)
		if serr := s.attempted(ctx, d, "provider_unavailable", err.Error()); serr != nil {
			return serr
		}
		return err
	}
	if err != nil {
		return s.close(ctx, d, OutcomeFailed, "provider_refused", err.Error())
	}
	fields, err := leadpayload.Clean(lead.Fields)
	if err != nil {
		return s.close(ctx, d, OutcomeRejected, "unreadable_lead", err.Error())
	}
	d.Fields = fieldsOf(leadpayload.FacebookFields(fields))
	if d.Meta == nil {
		d.Meta = map[string]string{}
	}
	for k, v := range lead.Meta {
		d.Meta[k] = v
	}
	return nil
}

// attempted records a failed attempt on a pending delivery.
func (s *Service) attempted(ctx context.Context, d *delivery, code, detail string) error {
	next := *d
	next.Attempts++
	next.Error, next.Detail, next.UpdatedAt, next.Version = code, detail, s.Clock.Now().UTC(), d.Version+1
	err := s.Store.Put(ctx, next.item(), store.IfVersion(d.Version))
	if errors.Is(err, store.ErrConditionFailed) {
		return nil // taken meanwhile by another copy of the message
	}
	return err
}

// close ends a pending delivery with an outcome that made nothing.
func (s *Service) close(ctx context.Context, d *delivery, o Outcome, code, detail string) error {
	d.Error, d.Detail = code, detail
	err := s.Store.Transact(ctx, d.settle(o, "", s.Clock.Now().UTC()))
	if store.FailedOp(err) == 0 {
		return nil // taken meanwhile by another copy of the message
	}
	if err == nil {
		d.Outcome = o
	}
	return err
}

// take makes the customer of a delivery whose fields are known: a test
// lead is only checked; a lead that repeats a customer is recorded on it
// as a returning customer's (returning.go);
// a Zalo user's later submission updates the customer they are.
func (s *Service) take(ctx context.Context, r *record, d *delivery) error {
	o, err := s.Orgs.LoadOrg(ctx, r.Tenant)
	if err != nil {
		return err
	}
	now := s.Clock.Now().UTC()
	var (
		values  fieldSet
		in      *customer.Input
		summary string
	)
	if len(d.Payload) > 0 { // a signed lead: its JSON through the mapping
		in, err = signedInput(o, r, d.Payload, now)
		summary = summaryOf(d.Payload)
	} else {
		values, err = fieldValues(o, r, d.Fields)
		if err == nil {
			in, err = values.input(o, &r.Source, now)
		}
		summary = values.summary()
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return s.reject(ctx, d, de)
	}
	if err != nil {
		return err
	}
	if d.Test {
		return s.close(ctx, d, OutcomeTest, "", "")
	}
	actor := domain.Actor{Kind: domain.ActorWebhook, ID: r.ID, Name: r.Name}
	identity := identityOf(r, d)
	if identity != nil {
		if id, ok, err := s.identified(ctx, *identity); err != nil {
			return err
		} else if ok {
			return s.update(ctx, o, r, d, id, values, actor)
		}
	}
	cu, err := s.Customers.CreateCustomerAs(ctx, o, in, actor, func(id string) []store.TxOp {
		return append(d.settle(OutcomeAccepted, id, now), identity.put(id)...)
	})
	if err == nil {
		s.Log.InfoContext(ctx, "intake: lead taken", "source", r.ID, "delivery", d.ID, "customer", cu.ID)
		return nil
	}
	if errors.Is(err, store.ErrConditionFailed) && s.settled(ctx, d) {
		return nil
	}
	holder, dup := customer.DuplicateOf(err)
	if !dup {
		return err
	}
	err = s.returning(ctx, o, r, d, holder, in, summary, identity, actor)
	if err != nil && s.settled(ctx, d) {
		return nil
	}
	return err
}

// settled reports whether another copy of the message took the delivery
// meanwhile.
func (s *Service) settled(ctx context.Context, d *delivery) bool {
	now, err := s.loadDelivery(ctx, d.SourceID, d.ID)
	return err == nil && now.Outcome != OutcomePending
}

// reject closes a delivery whose content can't make a customer, with
// the elements that can't and why.
func (s *Service) reject(ctx context.Context, d *delivery, de *domain.Error) error {
	d.Problems = nil
	for _, f := range de.Fields {
		d.Problems = append(d.Problems, LeadError{Path: f.Path, Code: f.Code, Params: f.Params})
	}
	return s.close(ctx, d, OutcomeRejected, de.Code, problemsText(de))
}

// problemsText is the codes of a refusal's elements, for the log.
func problemsText(de *domain.Error) string {
	out := ""
	for _, f := range de.Fields {
		if out != "" {
			out += "; "
		}
		out += f.Path + ": " + f.Code
	}
	return out
}

// identity is who a delivery's sender is at its provider (a Zalo user of
// an Official Account's app), so that their later deliveries find their
// customer.
type identity struct{ key store.Key }

func identityOf(r *record, d *delivery) *identity {
	user := d.Meta["zalo_user_id"]
	if r.Kind != KindZalo || user == "" {
		return nil
	}
	return &identity{key: store.Key{PK: "T#" + r.Tenant + "#IDENT#zalo#" + r.Settings.AppID + "#" + user, SK: "I"}}
}

func (id *identity) put(customerID string) []store.TxOp {
	if id == nil {
		return nil
	}
	doc, _ := json.Marshal(map[string]string{"customer_id": customerID})
	return []store.TxOp{store.TxPut(store.Item{Key: id.key, Type: "lead_identity", Version: 1, Doc: doc}, store.None)}
}

// identified returns the customer an identity belongs to.
func (s *Service) identified(ctx context.Context, id identity) (string, bool, error) {
	it, err := s.Store.Get(ctx, id.key)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("leads: read identity: %w", err)
	}
	var v struct {
		CustomerID string `json:"customer_id"`
	}
	if err := json.Unmarshal(it.Doc, &v); err != nil {
		return "", false, fmt.Errorf("leads: decode identity: %w", err)
	}
	return v.CustomerID, v.CustomerID != "", nil
}

// update applies a known sender's submission to their customer: the
// fields it carries replace theirs (the name, phone and address they
// shared last). A customer deleted since is made anew.
func (s *Service) update(ctx context.Context, o *workspace.Org, r *record, d *delivery, customerID string, values fieldSet, actor domain.Actor) error {
	now := s.Clock.Now().UTC()
	_, err := s.Customers.Mutate(ctx, o, customerID, actor, "updated", func(_, after *domain.Customer) ([]store.TxOp, error) {
		for _, key := range values.keys() {
			if key == domain.FieldSource {
				continue
			}
			if err := customer.SetField(o, after, key, values[key], now); err != nil {
				return nil, err
			}
		}
		return d.settle(OutcomeUpdated, customerID, now), nil
	})
	if errors.Is(err, domain.ErrNotFound) {
		in, ierr := values.input(o, &r.Source, now)
		if ierr != nil {
			return ierr
		}
		id := identityOf(r, d)
		_, err = s.Customers.CreateCustomerAs(ctx, o, in, actor, func(cid string) []store.TxOp {
			return append(d.settle(OutcomeAccepted, cid, now), id.put(cid)...)
		})
	}
	var de *domain.Error
	if errors.As(err, &de) && !errors.Is(err, domain.ErrConflict) {
		return s.reject(ctx, d, de)
	}
	if err != nil && s.settled(ctx, d) {
		return nil
	}
	return err
}
