package leads

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/jsonin"
	"tend/internal/phone"
	"tend/internal/timeline"
	"tend/internal/workspace"
)

// Verified is a source whose request's signature checked out, with when
// the request was signed.
type Verified struct {
	rec       *record
	timestamp string
	signedAt  time.Time
}

// ID is the source's id.
func (v *Verified) ID() string { return v.rec.ID }

// Verify finds the source of a webhook request and checks its signature
// (X-Tend-Timestamp, X-Tend-Signature) over the raw body. A bad or stale
// signature, or an unknown or disabled source, is a 401: a sender learns
// nothing about which.
func (s *Service) Verify(ctx context.Context, sourceID, timestamp, signature string, body []byte) (*Verified, error) {
	r, err := s.verified(ctx, s.cached, sourceID, timestamp, signature, body)
	if errors.Is(err, errSignature) {
		// The cached source may be older than its secret (see sourceTTL).
		r, err = s.verified(ctx, s.fresh, sourceID, timestamp, signature, body)
	}
	if err != nil {
		return nil, err
	}
	at, err := signedAt(timestamp)
	if err != nil {
		return nil, err
	}
	return &Verified{rec: r, timestamp: timestamp, signedAt: at}, nil
}

// verified reads a source with read and checks a request's signature with
// its secrets.
func (s *Service) verified(ctx context.Context, read func(context.Context, string) (*record, error), sourceID, timestamp, signature string, body []byte) (*record, error) {
	r, err := read(ctx, sourceID)
	if errors.Is(err, domain.ErrNotFound) || (err == nil && !r.Enabled) {
		return nil, errSignature
	}
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	secrets := []string{r.Secret}
	if r.PreviousSecret != "" && now.Before(r.PreviousUntil) {
		secrets = append(secrets, r.PreviousSecret)
	}
	if err := verify(secrets, timestamp, signature, body, now); err != nil {
		return nil, err
	}
	return r, nil
}

// Accepted is the answer to a signed call record: the customer it went
// to.
type Accepted struct {
	CustomerID string `json:"customer_id"`
	// Replayed says this is the answer to an earlier copy of the same
	// signed request, which this one changed nothing after.
	Replayed bool `json:"-"`
}

// decodePayload reads a lead's JSON, whose strings must be text (see
// jsonin.Check).
func decodePayload(body []byte) (any, error) {
	if err := jsonin.Check(body); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return nil, domain.Errorf(domain.ErrBadRequest, "invalid_json")
	}
	return doc, nil
}

func compact(body []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, body) != nil {
		return body
	}
	return b.Bytes()
}

// Map turns a lead's JSON into customer input through the source's
// mapping. A mapped path the payload lacks is left out, except for the
// name, which a customer must have.
func Map(o *workspace.Org, src *Source, doc any) (*customer.Input, error) {
	in := customer.NewInput()
	var p domain.Problems
	for key, raw := range src.Mapping {
		path, err := ParsePath(raw)
		if err != nil {
			p.Add("mapping."+key, "invalid_json_path")
			continue
		}
		v, ok := path.Lookup(doc)
		if !ok || v == nil {
			if key == "name" {
				p.Add("name", "missing_in_payload", "path", raw)
			}
			continue
		}
		field := strings.TrimPrefix(key, "fields.")
		value, err := json.Marshal(asFieldValue(o, field, v))
		if err != nil {
			p.Add(key, "invalid_value")
			continue
		}
		if domain.IsSystemField(field) {
			in.SetSystem(field, value)
		} else {
			in.SetCustom(field, value)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	withDefaults(in, src)
	return in, nil
}

// asFieldValue converts what forms send to what the field takes: numbers
// and booleans for text fields become text ("phone": 912345678), numbers
// in text become numbers for number fields, and a single text becomes a
// one-element list for list fields.
func asFieldValue(o *workspace.Org, field string, v any) any {
	typ, _ := o.FieldType(field)
	switch typ {
	case domain.TypeNumber, domain.TypeMoney:
		if s, ok := v.(string); ok {
			if n := json.Number(strings.TrimSpace(s)); n.String() != "" {
				if _, err := n.Float64(); err == nil {
					return n
				}
			}
		}
		return v
	case domain.TypeBoolean:
		return v
	case domain.TypeMultiSelect, domain.TypeTags:
		if s, ok := v.(string); ok {
			return []string{s}
		}
		return v
	}
	switch x := v.(type) {
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	}
	return v
}

// CallRecord is what a call center posts for a call.
type CallRecord struct {
	Phone     string           `json:"phone"`
	Direction string           `json:"direction"`
	Duration  *domain.Duration `json:"duration"`
	Seconds   *float64         `json:"duration_seconds"`
	At        *time.Time       `json:"at"`
	Result    string           `json:"result"`
	Note      string           `json:"note"`
	Recording string           `json:"recording_url"`
	// UserID or UserEmail name the agent, when the call center knows.
	UserID    string `json:"user_id"`
	UserEmail string `json:"user_email"`
}

// Call records a call-center call in the call log of the customer with its
// phone number; a caller who is not a customer yet becomes one, in the
// source's warehouse and step. A copy of a signed request is answered as
// the request was, and adds no call (see replay).
func (s *Service) Call(ctx context.Context, v *Verified, body []byte) (*Accepted, error) {
	rp := v.replayOf("call", body)
	return s.once(ctx, rp, func() (*Accepted, error) { return s.call(ctx, v, body, rp) })
}

func (s *Service) call(ctx context.Context, v *Verified, body []byte, rp replay) (*Accepted, error) {
	src := &v.rec.Source
	o, err := s.Orgs.LoadOrg(ctx, src.Tenant)
	if err != nil {
		return nil, err
	}
	if err := jsonin.Check(body); err != nil {
		return nil, err
	}
	var rec CallRecord
	if err := jsonin.Strict(body, &rec); err != nil {
		return nil, err
	}
	in := timeline.CallInput{Direction: domain.CallDirection(rec.Direction), Phone: rec.Phone, At: rec.At, Result: rec.Result,
		Note: rec.Note, Recording: rec.Recording}
	switch {
	case rec.Duration != nil:
		in.Duration = *rec.Duration
	case rec.Seconds != nil:
		in.Duration = domain.Duration(time.Duration(*rec.Seconds * float64(time.Second)))
	}
	number, err := phone.Normalize(rec.Phone)
	if err != nil {
		var p domain.Problems
		p.Add("phone", "invalid_phone")
		return nil, p.Err()
	}
	userID := rec.UserID
	if userID == "" && rec.UserEmail != "" {
		for _, u := range o.Users {
			if strings.EqualFold(u.Email, rec.UserEmail) {
				userID = u.ID
			}
		}
	}
	if _, ok := o.User(userID); !ok {
		userID = ""
	}
	actor := domain.Actor{Kind: domain.ActorWebhook, ID: src.ID, Name: src.Name}
	customerID, found, err := s.Customers.ClaimHolder(ctx, o, workspace.CriterionPhone, number)
	if err != nil {
		return nil, err
	}
	if !found {
		lead := customer.NewInput()
		name, _ := json.Marshal("Khách gọi " + number)
		lead.SetSystem(domain.FieldName, name)
		p, _ := json.Marshal(number)
		lead.SetSystem(domain.FieldPhone, p)
		withDefaults(lead, src)
		customerID, err = s.createCaller(ctx, o, lead, actor)
		if err != nil {
			return nil, err
		}
	}
	if _, err := s.Timeline.AddCallAs(ctx, o, actor, userID, customerID, in, rp.marking(accepted)); err != nil {
		return nil, err
	}
	return &Accepted{CustomerID: customerID}, nil
}

// createCaller makes a customer of a caller. When the number turns out to
// be taken meanwhile (a copy of the same call, or another call from it,
// made the customer first), the call goes to that customer.
func (s *Service) createCaller(ctx context.Context, o *workspace.Org, lead *customer.Input, actor domain.Actor) (string, error) {
	cu, err := s.Customers.CreateCustomerAs(ctx, o, lead, actor, nil)
	if err == nil {
		return cu.ID, nil
	}
	if id, ok := customer.DuplicateOf(err); ok {
		return id, nil
	}
	return "", err
}

// withDefaults puts a lead in the source's warehouse and step, with the
// source's name as its source.
func withDefaults(in *customer.Input, src *Source) {
	if src.WarehouseID != "" {
		in.SetSystem(domain.FieldWarehouse, json.RawMessage(fmt.Sprintf("%q", src.WarehouseID)))
	}
	if src.PipelineID != "" {
		in.SetPipeline(src.PipelineID, src.StepID)
	}
	if !in.Sets(domain.FieldSource) {
		source, _ := json.Marshal(src.Name)
		in.SetSystem(domain.FieldSource, source)
	}
}
