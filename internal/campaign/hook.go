package campaign

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"tend/internal/domain"
	"tend/internal/jsonin"
	"tend/internal/signing"
	"tend/internal/store"
)

// Key presses of an auto-call system [cuộc gọi tự động] reach a campaign
// through POST /hooks/campaigns/{id}/responses, signed with the
// campaign's secret as lead sources sign theirs (package signing). Like a
// lead source's, a signed request is taken once: the copy that is taken
// writes a marker holding its answer in the transaction of the change it
// makes (or of the refusal it records), and every other copy finds it and
// is answered the same, changing nothing. The marker expires with the
// signature, after which a copy is refused as stale anyway.

// Verified is a campaign whose key-press request's signature checked out.
type Verified struct {
	rec       *record
	timestamp string
	signedAt  time.Time
}

// ID is the campaign's id.
func (v *Verified) ID() string { return v.rec.Campaign.ID }

// Verify finds the campaign of a key-press request and checks its
// signature (X-Tend-Timestamp, X-Tend-Signature) over the raw body. A bad
// or stale signature, or an unknown campaign, is a 401 alike.
func (s *Service) Verify(ctx context.Context, campaignID, timestamp, signature string, body []byte) (*Verified, error) {
	r, err := s.load(ctx, campaignID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, signing.ErrSignature
	}
	if err != nil {
		return nil, err
	}
	at, err := signing.Verify([]string{r.Secret}, timestamp, signature, body, s.clock.Now())
	if err != nil {
		return nil, err
	}
	return &Verified{rec: r, timestamp: timestamp, signedAt: at}, nil
}

// Response is a key press: the phone that pressed and the key.
type Response struct {
	Phone string `json:"phone"`
	Key   string `json:"key"`
}

// ParseResponse reads a key-press body: a JSON object with the phone and
// one key press, every problem at its path.
func ParseResponse(body []byte) (*Response, error) {
	if err := jsonin.Check(body); err != nil {
		return nil, err
	}
	var r Response
	if err := jsonin.Strict(body, &r); err != nil {
		return nil, err
	}
	var p domain.Problems
	switch {
	case r.Phone == "":
		p.Add("phone", "required")
	case phoneKey(r.Phone) == "":
		p.Add("phone", "invalid_phone")
	}
	switch {
	case r.Key == "":
		p.Add("key", "required")
	case !keyPress.MatchString(r.Key):
		p.Add("key", "invalid_key_press")
	}
	return &r, p.Err()
}

// Answer is what a key press did: the member and its status now.
type Answer struct {
	CustomerID string `json:"customer_id"`
	Status     string `json:"status"`
	// Refused, when set, is the status the key asked for, which the seed
	// does not allow from Status: the answer is a 409.
	Refused string `json:"refused,omitempty"`
	// Replayed says this answers an earlier copy of the same request.
	Replayed bool `json:"-"`
}

// Err is the refusal the answer carries, if any.
func (a *Answer) Err() error {
	if a.Refused == "" {
		return nil
	}
	return InvalidTransition(a.Status, a.Refused)
}

const replayType = "campaign_replay"

func (v *Verified) replayKey(body []byte) store.Key {
	h := sha256.New()
	fmt.Fprintf(h, "%s.", v.timestamp)
	h.Write(body)
	return store.Key{PK: "CAMPAIGN#" + v.rec.Campaign.ID + "#SIGNED#" + hex.EncodeToString(h.Sum(nil)), SK: "SIGNED"}
}

func (v *Verified) marker(key store.Key, a Answer) store.TxOp {
	// A second past the window: timestamps are whole seconds.
	return store.TxPut(store.Item{Key: key, Type: replayType, Version: 1, ExpiresAt: v.signedAt.Add(signing.MaxSkew + time.Second),
		Doc: store.Doc(a)}, store.NotExist)
}

func (s *Service) replayed(ctx context.Context, key store.Key) (*Answer, error) {
	it, err := s.st.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: read replay marker: %w", err)
	}
	a, err := store.Decode[Answer](it)
	if err != nil {
		return nil, err
	}
	a.Replayed = true
	return a, nil
}

// Respond takes a verified key press: the key maps to a status through the
// campaign's key map, and the member with the phone moves to it. An
// unmapped key is refused (422), an unknown phone is not found (404); a
// move the seed forbids is recorded on the customer and refused (409).
func (s *Service) Respond(ctx context.Context, v *Verified, body []byte) (*Answer, error) {
	key := v.replayKey(body)
	if prev, err := s.replayed(ctx, key); prev != nil || err != nil {
		return prev, err
	}
	a, err := s.respond(ctx, v, body, key)
	if errors.Is(err, store.ErrConditionFailed) {
		// Another copy was taken meanwhile: its answer is this one's.
		if prev, perr := s.replayed(ctx, key); perr == nil && prev != nil {
			return prev, nil
		}
	}
	return a, err
}

func (s *Service) respond(ctx context.Context, v *Verified, body []byte, key store.Key) (*Answer, error) {
	in, err := ParseResponse(body)
	if err != nil {
		return nil, err
	}
	camp := &v.rec.Campaign
	status, ok := camp.KeyMap[in.Key]
	if !ok {
		return nil, domain.Invalid("key", "unmapped_key", "value", in.Key)
	}
	tenant := v.rec.Tenant
	page, err := s.st.Query(ctx, store.Query{Index: store.GSI1, PK: phonePK(tenant, camp.ID, phoneKey(in.Phone)), Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("campaign: find member by phone: %w", err)
	}
	if len(page.Items) == 0 {
		return nil, domain.NotFound("campaign_member")
	}
	customerID := page.Items[0].Index[0].SK
	actor := domain.Actor{Kind: domain.ActorWebhook, ID: camp.ID, Name: "Phím " + in.Key}
	m, err := s.change(ctx, tenant, camp.ID, customerID, actor, ActionStatus, moveTo(status), func(m *Member) []store.TxOp {
		return []store.TxOp{v.marker(key, Answer{CustomerID: m.CustomerID, Status: m.Status})}
	})
	var de *domain.Error
	switch {
	case errors.Is(err, errUnchanged):
		return &Answer{CustomerID: m.CustomerID, Status: m.Status}, nil
	case errors.As(err, &de) && de.Code == "invalid_transition":
		a := Answer{CustomerID: m.CustomerID, Status: m.Status, Refused: status}
		hist, herr := s.historyOp(ctx, tenant, customerID, s.clock.Now().UTC(), actor, ActionRefused,
			[]domain.FieldChange{{Field: statusField(camp.ID), Before: m.Status, After: status}})
		if herr != nil {
			return nil, herr
		}
		if err := s.st.Transact(ctx, []store.TxOp{hist, v.marker(key, a)}); err != nil {
			return nil, fmt.Errorf("campaign: record refused key press: %w", err)
		}
		return &a, nil
	case err != nil:
		return nil, err
	}
	return &Answer{CustomerID: m.CustomerID, Status: m.Status}, nil
}
