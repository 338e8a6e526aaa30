package timeline

import (
	"context"
	"slices"
	"time"

	"tend/internal/check"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// AppointmentInput creates or changes an appointment [lịch hẹn]; on a
// change, absent fields are kept.
type AppointmentInput struct {
	At           *time.Time                `json:"at"`
	Title        *string                   `json:"title"`
	Note         *string                   `json:"note"`
	RemindBefore *domain.Duration          `json:"remind_before"`
	Status       *domain.AppointmentStatus `json:"status"`
	Version      *int64                    `json:"version"`
}

func appointmentKey(tenant, customerID, id string) store.Key {
	return store.Key{PK: customer.Partition(tenant, customerID), SK: "APPT#" + id}
}

// Appointments lists a customer's appointments by time.
func (s *Service) Appointments(ctx context.Context, c *workspace.Caller, customerID string) ([]domain.Appointment, error) {
	if _, err := s.customers.GetCustomer(ctx, c, customerID); err != nil {
		return nil, err
	}
	return s.appointments(ctx, c.Tenant(), customerID)
}

// Appointment returns one of a customer's appointments.
func (s *Service) Appointment(ctx context.Context, c *workspace.Caller, customerID, id string) (*domain.Appointment, error) {
	appts, err := s.Appointments(ctx, c, customerID)
	if err != nil {
		return nil, err
	}
	for i := range appts {
		if appts[i].ID == id {
			return &appts[i], nil
		}
	}
	return nil, domain.NotFound("appointment")
}

func (s *Service) appointments(ctx context.Context, tenant, customerID string) ([]domain.Appointment, error) {
	items, err := store.QueryAll(ctx, s.store, store.Query{PK: customer.Partition(tenant, customerID), SK: store.SKBeginsWith, A: "APPT#"})
	if err != nil {
		return nil, err
	}
	out := make([]domain.Appointment, 0, len(items))
	for _, it := range items {
		a, err := store.Decode[domain.Appointment](it)
		if err != nil {
			return nil, err
		}
		a.Version = it.Version
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b domain.Appointment) int { return a.At.Compare(b.At) })
	return out, nil
}

// nextAppointment is the earliest scheduled appointment from now on.
func nextAppointment(appts []domain.Appointment, now time.Time) *time.Time {
	var next *time.Time
	for _, a := range appts {
		if a.Status == domain.AppointmentScheduled && !a.At.Before(now) && (next == nil || a.At.Before(*next)) {
			at := a.At
			next = &at
		}
	}
	return next
}

// SaveAppointment creates (id "") or changes an appointment, keeping the
// customer's next_appointment_at in step in the same transaction.
func (s *Service) SaveAppointment(ctx context.Context, c *workspace.Caller, customerID, id string, in AppointmentInput) (*domain.Appointment, error) {
	var saved domain.Appointment
	action := "appointment_added"
	if id != "" {
		action = "appointment_changed"
	}
	_, err := s.customers.Mutate(ctx, c.Org, customerID, c.Actor(), action, func(before, after *domain.Customer) ([]store.TxOp, error) {
		if err := customer.CanEdit(c, before); err != nil {
			return nil, err
		}
		appts, err := s.appointments(ctx, c.Tenant(), customerID)
		if err != nil {
			return nil, err
		}
		now := s.now()
		a := domain.Appointment{ID: domain.NewID("appt"), CustomerID: customerID, Status: domain.AppointmentScheduled,
			CreatedBy: c.User.ID, CreatedAt: now}
		i := slices.IndexFunc(appts, func(x domain.Appointment) bool { return x.ID == id })
		cond := store.NotExist
		if id != "" {
			if i < 0 {
				return nil, domain.NotFound("appointment")
			}
			a, cond = appts[i], store.IfVersion(appts[i].Version)
			if err := domain.CheckVersion(in.Version, a.Version, "appointment"); err != nil {
				return nil, err
			}
		}
		if err := applyAppointment(&a, in, id == ""); err != nil {
			return nil, err
		}
		a.Version++
		a.UpdatedAt = now
		if i >= 0 {
			appts[i] = a
		} else {
			appts = append(appts, a)
		}
		after.NextAppointmentAt = nextAppointment(appts, now)
		saved = a
		return []store.TxOp{store.TxPut(appointmentItem(c.Tenant(), a), cond)}, nil
	})
	if err != nil {
		if store.FailedOp(err) >= 0 {
			return nil, domain.VersionConflict("appointment")
		}
		return nil, err
	}
	return &saved, nil
}

func applyAppointment(a *domain.Appointment, in AppointmentInput, creating bool) error {
	var p domain.Problems
	if creating && in.At == nil {
		p.Add("at", "required")
	}
	if creating && in.Title == nil {
		p.Add("title", "required")
	}
	if in.At != nil {
		if !in.At.Equal(a.At) {
			a.RemindedAt = nil // a new time: a new reminder
		}
		a.At = in.At.UTC()
	}
	if in.Title != nil {
		a.Title = check.Text(&p, "title", *in.Title, 200, true)
	}
	if in.Note != nil {
		a.Note = check.Lines(&p, "note", *in.Note, 5000, false)
	}
	if in.RemindBefore != nil {
		if *in.RemindBefore < 0 || time.Duration(*in.RemindBefore) > 7*24*time.Hour {
			p.Add("remind_before", "out_of_range")
		}
		if *in.RemindBefore != a.RemindBefore {
			a.RemindedAt = nil
		}
		a.RemindBefore = *in.RemindBefore
	}
	if in.Status != nil {
		switch *in.Status {
		case domain.AppointmentScheduled, domain.AppointmentDone, domain.AppointmentCancelled:
			a.Status = *in.Status
		default:
			p.Add("status", "invalid_status")
		}
	}
	return p.Err()
}

// DeleteAppointment removes an appointment.
func (s *Service) DeleteAppointment(ctx context.Context, c *workspace.Caller, customerID, id string) error {
	_, err := s.customers.Mutate(ctx, c.Org, customerID, c.Actor(), "appointment_deleted", func(before, after *domain.Customer) ([]store.TxOp, error) {
		if err := customer.CanChange(c, before); err != nil {
			return nil, err
		}
		appts, err := s.appointments(ctx, c.Tenant(), customerID)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(appts, func(x domain.Appointment) bool { return x.ID == id })
		if i < 0 {
			return nil, domain.NotFound("appointment")
		}
		after.NextAppointmentAt = nextAppointment(slices.Delete(appts, i, i+1), s.now())
		return []store.TxOp{store.TxDelete(appointmentKey(c.Tenant(), customerID, id), store.Exists)}, nil
	})
	return err
}
