// Package inbox keeps users' in-app notifications: a customer assigned to
// them or taken back, and more as features add kinds. Notifications are
// written as items of the transaction that causes them, so a user is told
// exactly once of what happened.
package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Kinds of notification.
const (
	KindAssigned     = "customer_assigned"
	KindReclaimed    = "customer_reclaimed"
	KindTaskAssigned = "task_assigned" // a task given to the user
	KindTaskRelated  = "task_related"  // a task the user is named on as a related user
	// KindAppointmentReminder tells a user of an appointment coming up.
	KindAppointmentReminder = "appointment_reminder"
)

// Notification is one message to one user.
type Notification struct {
	ID         string    `json:"id"`
	UserID     string    `json:"user_id"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	CustomerID string    `json:"customer_id,omitempty"`
	TaskID     string    `json:"task_id,omitempty"`
	At         time.Time `json:"at"`
}

// Say picks a notification's wording in the workspace's language:
// English for "en", Vietnamese otherwise.
func Say(lang, vi, en string) string {
	if lang == "en" {
		return en
	}
	return vi
}

func pk(tenant, user string) string { return "T#" + tenant + "#INBOX#" + user }

// Item is the notification as a store item, to write in a transaction.
// Its key is derived from id, so writing it again (a retried transaction)
// does not notify twice.
func Item(tenant string, n Notification) store.Item {
	return store.Item{Key: store.Key{PK: pk(tenant, n.UserID), SK: store.SortTime(n.At) + "#" + n.ID},
		Type: "notification", Version: 1, Doc: store.Doc(n)}
}

// Service reads inboxes.
type Service struct{ st store.Store }

// New returns the inbox over a store.
func New(st store.Store) *Service { return &Service{st: st} }

// List returns the caller's notifications, newest first.
func (s *Service) List(ctx context.Context, c *workspace.Caller, limit int, cursor string) (*domain.Page[Notification], error) {
	page, err := s.st.Query(ctx, store.Query{PK: pk(c.Tenant(), c.User.ID), Reverse: true, Limit: domain.ListLimit(limit), Cursor: cursor})
	if err != nil {
		return nil, fmt.Errorf("inbox: read: %w", store.CursorError(err))
	}
	out := &domain.Page[Notification]{Items: []Notification{}, NextCursor: page.Cursor}
	for _, it := range page.Items {
		var n Notification
		if err := json.Unmarshal(it.Doc, &n); err != nil {
			return nil, fmt.Errorf("inbox: decode %s: %w", it.Key, err)
		}
		out.Items = append(out.Items, n)
	}
	return out, nil
}
