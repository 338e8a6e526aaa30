// Package customer is the customer record [khách hàng]: creating, editing,
// deleting and restoring it, its code, owner, shares, pins and pipeline
// steps, the duplicate-check claims written with it, its history entries,
// the lists and lookups over customers, and the edits system actors
// (rules, distribution, care flows) make. Every method that takes a caller
// enforces what the caller's role allows.
package customer

import (
	"errors"
	"log/slog"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Service keeps customers.
type Service struct {
	store store.Store
	clock domain.Clock
	log   *slog.Logger
	// codes hands out customer codes, in blocks as a busy workspace needs (see
	// workspace.CodeBlock: unique; a busy workspace's are not gap-free nor in creation order).
	codes *workspace.Codes
}

// New returns the customer service over a store.
func New(st store.Store, clock domain.Clock, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, clock: clock, log: log, codes: workspace.NewCodes(st, clock, "customer")}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
