// Package timeline is what happens to a customer over time: notes,
// activities [giao dịch nhanh], calls, appointments with their reminders,
// and the history of changes. Care moves the customer's last_care_at and
// an appointment its next_appointment_at, in the same transaction.
package timeline

import (
	"context"
	"log/slog"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Item types of the timeline, as stored in the item's type attribute.
const (
	typeNote        = "note"
	typeActivity    = "activity"
	typeCall        = "call"
	typeAppointment = "appointment"
)

// Orgs reads workspaces' set-ups.
type Orgs interface {
	LoadOrg(ctx context.Context, tenant string) (*workspace.Org, error)
}

// Customers are the customer operations the timeline needs: reading a
// customer as the caller may see it (or as it is, for reminders), and
// changing one with the timeline's own items in the same transaction.
type Customers interface {
	GetCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error)
	CustomerImage(ctx context.Context, tenant, id string) (*domain.Customer, error)
	Mutate(ctx context.Context, o *workspace.Org, id string, actor domain.Actor, action string, fn customer.Change) (*domain.Customer, error)
}

// Service keeps customers' timelines.
type Service struct {
	store     store.Store
	clock     domain.Clock
	log       *slog.Logger
	orgs      Orgs
	customers Customers
}

// New returns the timeline service over a store.
func New(st store.Store, clock domain.Clock, log *slog.Logger, orgs Orgs, customers Customers) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, clock: clock, log: log, orgs: orgs, customers: customers}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }
