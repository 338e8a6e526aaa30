// Package idempotency remembers the answers to writes made with an
// Idempotency-Key, so that a client's retry gets the first answer and
// changes nothing.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Errors of Begin.
var (
	// ErrInProgress: a request with the key is being processed right now.
	ErrInProgress = domain.Errorf(domain.ErrConflict, "idempotency_in_progress")
	// ErrReused: the key was used for a different request.
	ErrReused = domain.Errorf(domain.ErrInvalid, "idempotency_key_reused")
)

const (
	// Retention is how long an answer is remembered.
	Retention = 24 * time.Hour
	// lockFor is how long a request holds its key before a retry may take
	// over (a crashed request must not block its key for a day).
	lockFor  = time.Minute
	itemType = "idempotency"
)

// Response is a remembered answer.
type Response struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header,omitempty"`
	Body   []byte            `json:"body,omitempty"`
}

type record struct {
	Fingerprint string    `json:"fingerprint"`
	Done        bool      `json:"done"`
	Response    *Response `json:"response,omitempty"`
}

// Keeper keeps answers in the item store.
type Keeper struct {
	st    store.Store
	clock domain.Clock
}

// New returns a Keeper over st.
func New(st store.Store, clock domain.Clock) *Keeper { return &Keeper{st: st, clock: clock} }

// Fingerprint identifies a request by method, path and body.
func Fingerprint(method, path string, body []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", method, path)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func key(scope, k string) store.Key {
	sum := sha256.Sum256([]byte(k))
	return store.Key{PK: scope + "#IDEM#" + hex.EncodeToString(sum[:16]), SK: "IDEM"}
}

// Begin takes the key for a request. It returns the remembered answer when
// the same request was already answered (do nothing else then), nil when
// the caller should go ahead and Finish, or ErrInProgress / ErrReused.
func (k *Keeper) Begin(ctx context.Context, scope, idemKey, fingerprint string) (*Response, error) {
	now := k.clock.Now()
	it := store.Item{Key: key(scope, idemKey), Type: itemType, Version: 1, ExpiresAt: now.Add(lockFor),
		Doc: store.Doc(record{Fingerprint: fingerprint})}
	err := k.st.Put(ctx, it, store.NotExist)
	if err == nil {
		return nil, nil
	}
	if !errors.Is(err, store.ErrConditionFailed) {
		return nil, fmt.Errorf("idempotency: take key: %w", err)
	}
	cur, err := k.st.Get(ctx, it.Key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInProgress // it expired between the two calls: the client may retry
	}
	if err != nil {
		return nil, fmt.Errorf("idempotency: read key: %w", err)
	}
	var rec record
	if err := json.Unmarshal(cur.Doc, &rec); err != nil {
		return nil, fmt.Errorf("idempotency: decode key: %w", err)
	}
	switch {
	case rec.Fingerprint != fingerprint:
		return nil, ErrReused
	case !rec.Done:
		return nil, ErrInProgress
	}
	return rec.Response, nil
}

// Finish remembers the answer to the request that took the key.
func (k *Keeper) Finish(ctx context.Context, scope, idemKey, fingerprint string, resp Response) error {
	it := store.Item{Key: key(scope, idemKey), Type: itemType, Version: 2, ExpiresAt: k.clock.Now().Add(Retention),
		Doc: store.Doc(record{Fingerprint: fingerprint, Done: true, Response: &resp})}
	if err := k.st.Put(ctx, it, store.IfVersion(1)); err != nil {
		return fmt.Errorf("idempotency: remember answer: %w", err)
	}
	return nil
}

// Abandon releases the key of a request that failed in a way worth
// retrying (a server error), so that a retry runs again. The key's item is
// written as expired rather than deleted: an expired item is absent to
// every read and condition, and the webhooks' function may not delete.
func (k *Keeper) Abandon(ctx context.Context, scope, idemKey string) error {
	it := store.Item{Key: key(scope, idemKey), Type: itemType, Version: 2, ExpiresAt: k.clock.Now(), Doc: store.Doc(record{})}
	return k.st.Put(ctx, it, store.IfVersion(1))
}

// Remembered reports whether an HTTP status is an answer to keep: every
// answer but a server error, which a retry may not meet again.
func Remembered(status int) bool { return status < http.StatusInternalServerError }
