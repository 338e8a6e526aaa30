// Package crm is the CRM core: workspaces, users, teams, warehouses,
// pipelines, fields and customers with their notes, activities, calls,
// appointments and history, on top of the item-store port. Every method
// takes the caller and enforces what the caller's role allows.
package crm

import (
	"errors"
	"log/slog"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Service is the CRM core.
type Service struct {
	store store.Store
	clock domain.Clock
	log   *slog.Logger
	orgs  orgCache
}

// New returns the CRM core over a store.
func New(st store.Store, clock domain.Clock, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, clock: clock, log: log}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// Store returns the store the service writes to.
func (s *Service) Store() store.Store { return s.store }

// Clock returns the service's clock.
func (s *Service) Clock() domain.Clock { return s.clock }

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
