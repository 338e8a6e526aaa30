package timeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Appointments with a reminder still to come are listed, while they wait,
// under a secondary key by the time it is due, across workspaces: the
// scheduler's tick reads what has come due.
const reminderIndexPK = "APPT#REMIND"

func appointmentItem(tenant string, a domain.Appointment) store.Item {
	it := store.Item{Key: appointmentKey(tenant, a.CustomerID, a.ID), Type: typeAppointment, Version: a.Version, Doc: store.Doc(a)}
	if at, ok := a.RemindAt(); ok {
		it.Index[0] = store.IndexKey{PK: reminderIndexPK, SK: store.SortTime(at) + "#" + tenant + "#" + a.CustomerID + "#" + a.ID}
	}
	return it
}

// DueReminder is an appointment whose reminder has come due.
type DueReminder struct {
	Tenant      string
	Appointment domain.Appointment
}

// DueReminders lists the appointments whose reminder is due by now.
func (s *Service) DueReminders(ctx context.Context, now time.Time, limit int) ([]DueReminder, error) {
	page, err := s.store.Query(ctx, store.Query{Index: store.GSI1, PK: reminderIndexPK, SK: store.SKLe, A: store.SortTime(now) + "#~", Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("timeline: read due reminders: %w", err)
	}
	out := make([]DueReminder, 0, len(page.Items))
	for _, it := range page.Items {
		a, err := store.Decode[domain.Appointment](it)
		if err != nil {
			return nil, err
		}
		a.Version = it.Version
		tenant, _, _ := strings.Cut(strings.TrimPrefix(it.Key.PK, "T#"), "#")
		out = append(out, DueReminder{Tenant: tenant, Appointment: *a})
	}
	return out, nil
}

// MarkReminded records that an appointment's people were reminded,
// writing ops (their notifications) in the same transaction, so that they
// are reminded once. It does nothing when the appointment changed since
// it was read (its new state decides).
func (s *Service) MarkReminded(ctx context.Context, d DueReminder, ops []store.TxOp) error {
	a := d.Appointment
	prev := a.Version
	now := s.now()
	a.RemindedAt, a.Version = &now, prev+1
	err := s.store.Transact(ctx, append([]store.TxOp{store.TxPut(appointmentItem(d.Tenant, a), store.IfVersion(prev))}, ops...))
	if errors.Is(err, store.ErrConditionFailed) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("timeline: mark appointment %s reminded: %w", a.ID, err)
	}
	return nil
}
