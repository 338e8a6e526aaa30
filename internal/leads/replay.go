package leads

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tend/internal/customer"
	"tend/internal/store"
)

// A signed call record is taken once (a signed lead too, by its
// delivery's mark: see Lead). Its signature stands for an implicit
// idempotency key for as long as it is honoured (MaxSkew either side of
// its timestamp): the copy that is taken writes a marker holding its
// answer in the same transaction as the call it adds, and every other
// copy, later or racing it, finds the marker and is answered the same,
// changing nothing. The marker expires with the signature, after which a
// copy is refused as stale anyway. An Idempotency-Key, which no signature
// covers, changes none of this.

const replayType = "webhook_replay"

// replay is the marker of one signed request to one webhook.
type replay struct {
	key     store.Key
	expires time.Time
}

// replayOf names a signed request by what its signature covers (the
// timestamp and the body), whichever of the source's secrets signed it,
// and by the webhook (lead or call) it was posted to.
func (v *Verified) replayOf(hook string, body []byte) replay {
	return replay{
		key: store.Key{PK: "LEADSRC#" + v.rec.ID + "#SIGNED#" + v.request(hook, body), SK: "SIGNED"},
		// A second past the window: timestamps are whole seconds.
		expires: v.signedAt.Add(MaxSkew + time.Second),
	}
}

// request names a signed request by what its signature covers (the
// timestamp and the body) and by the webhook (lead or call) it was posted
// to.
func (v *Verified) request(hook string, body []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s.", hook, v.timestamp)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// marking writes the marker with the answer of a request that went to the
// customer answer names, with what the request does to that customer.
func (r replay) marking(answer func(customerID string) Accepted) customer.Also {
	return func(customerID string) []store.TxOp {
		doc, err := json.Marshal(answer(customerID))
		if err != nil {
			panic(fmt.Sprintf("leads: encode answer: %v", err)) // our own type
		}
		return []store.TxOp{store.TxPut(store.Item{Key: r.key, Type: replayType, Version: 1, ExpiresAt: r.expires, Doc: doc}, store.NotExist)}
	}
}

// accepted is the answer to a call record taken by a customer.
func accepted(id string) Accepted { return Accepted{CustomerID: id} }

// replayed returns the answer of the copy of a request that was taken, or
// nil when none was.
func (s *Service) replayed(ctx context.Context, r replay) (*Accepted, error) {
	it, err := s.Store.Get(ctx, r.key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("leads: read replay marker: %w", err)
	}
	var acc Accepted
	if err := json.Unmarshal(it.Doc, &acc); err != nil {
		return nil, fmt.Errorf("leads: decode replay marker: %w", err)
	}
	acc.Replayed = true
	return &acc, nil
}

// once takes a signed request unless a copy of it was taken already. A
// copy that fails because another got there first (on the marker, or on
// the duplicate check of the customer it made) gets that copy's answer.
func (s *Service) once(ctx context.Context, r replay, take func() (*Accepted, error)) (*Accepted, error) {
	if prev, err := s.replayed(ctx, r); prev != nil || err != nil {
		return prev, err
	}
	acc, err := take()
	if err != nil {
		if prev, perr := s.replayed(ctx, r); perr == nil && prev != nil {
			return prev, nil
		}
	}
	return acc, err
}
