package timeline

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/store"
)

// SendReminders reminds users of their appointments, remind_before ahead:
// the customer's owner and whoever made the appointment. It sends the
// reminders that have come due, each once, and says how many appointments
// it reminded of.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.now()
	done := 0
	for {
		due, err := s.DueReminders(ctx, now, 100)
		if err != nil || len(due) == 0 {
			return done, err
		}
		for _, d := range due {
			ops, err := s.reminderNotifications(ctx, d)
			if err != nil {
				return done, err
			}
			if err := s.MarkReminded(ctx, d, ops); err != nil {
				return done, err
			}
			done++
		}
	}
}

// reminderNotifications are a reminder's in-app notifications, in the
// workspace's language and time zone.
func (s *Service) reminderNotifications(ctx context.Context, d DueReminder) ([]store.TxOp, error) {
	a := d.Appointment
	if s.now().After(a.At) {
		return nil, nil // past already (the scheduler was down): nothing to remind of
	}
	o, err := s.orgs.LoadOrg(ctx, d.Tenant)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cu, err := s.customers.CustomerImage(ctx, d.Tenant, a.CustomerID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	when := a.At.In(o.Workspace.Location()).Format("15:04 02/01/2006")
	lang := o.Workspace.Language
	title := inbox.Say(lang, "Sắp đến lịch hẹn: ", "Appointment coming up: ") + a.Title
	body := fmt.Sprintf(inbox.Say(lang, "Lịch hẹn với %s lúc %s", "Appointment with %s at %s"), cu.Name, when)
	var ops []store.TxOp
	for _, u := range uniq(cu.OwnerID, a.CreatedBy) {
		if user, ok := o.User(u); !ok || !user.Active {
			continue
		}
		ops = append(ops, store.TxPut(inbox.Item(d.Tenant, inbox.Notification{ID: fmt.Sprintf("rem_%s_v%d_%s", a.ID, a.Version, u), UserID: u,
			Kind: inbox.KindAppointmentReminder, Title: title, Body: body, CustomerID: cu.ID, At: s.now(),
			Subject: &inbox.Subject{Type: inbox.SubjectAppointment, ID: a.ID}}), store.None))
	}
	return ops, nil
}

// uniq lists the non-empty ids once each.
func uniq(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
