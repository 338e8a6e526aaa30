// Package customerlist lists customers: the list a sales team works from
// (text search, filters, sort, pinned first, cursors) and the lookup any
// user may run over the whole workspace. It reads the index keys package
// customer writes with every customer.
package customerlist

import (
	"context"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
)

// Customers reads a customer as it is (share items point to customers).
type Customers interface {
	CustomerImage(ctx context.Context, tenant, id string) (*domain.Customer, error)
}

// Service lists customers.
type Service struct {
	st        store.Store
	clock     domain.Clock
	customers Customers
	budget    time.Duration
	stopwatch Stopwatch
}

// New returns the list service over a store.
func New(st store.Store, clock domain.Clock, customers Customers) *Service {
	return &Service{st: st, clock: clock, customers: customers, budget: Budget, stopwatch: monotonic}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// decode reads a customer item of an index.
func decode(it store.Item) (*domain.Customer, error) {
	im, err := customer.DecodeImage(it)
	if err != nil {
		return nil, err
	}
	return &im.Customer, nil
}
