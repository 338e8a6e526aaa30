// Package inbox keeps users' in-app notifications: a customer assigned to
// them or taken back, a task, an appointment coming up, a colleague's
// birthday, and more as features add kinds. Notifications are written as
// items of the transaction that causes them, so a user is told exactly once
// of what happened.
//
// Read state lives on the notification item itself: an unread notification
// carries a key in a sparse secondary index (UnreadIndex), and marking it
// read rewrites the item without that key. The unread count is a count over
// that index, so it can't drift from the notifications whatever runs at
// once: a notification is in the count exactly while it is unread, a write
// repeated by a retried transaction rewrites the same item (its key comes
// from its id and time), and there is no counter to keep in step (see
// read.go for the cost, bounded by UnreadCap). The price: a writer that
// wrote a notification again after it was read (unconditionally, as
// TxPut(Item(...), store.None) does) would make it unread again. Today's
// writers don't: their transactions are guarded (a version, an edit's
// guard, the birthday notices' store.NotExist), so a retry after a commit
// writes nothing.
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
	// KindStaffBirthday tells a user of a colleague's birthday this month
	// or today.
	KindStaffBirthday = "staff_birthday"
)

// Subject types: what a notification is about, each read at its own route
// by the subject's id (an appointment at its customer's, CustomerID).
const (
	SubjectCustomer    = "customer"
	SubjectTask        = "task"
	SubjectAppointment = "appointment"
	SubjectUser        = "user"
)

// Subject names what a notification is about.
type Subject struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Notification is one message to one user, as stored.
type Notification struct {
	ID         string    `json:"id"`
	UserID     string    `json:"user_id"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	CustomerID string    `json:"customer_id,omitempty"`
	TaskID     string    `json:"task_id,omitempty"`
	At         time.Time `json:"at"`
	// Subject is set by writers whose subject is neither the task (TaskID)
	// nor else the customer (CustomerID): see SubjectOf.
	Subject *Subject `json:"subject,omitempty"`
	// ReadAt is when the user read it; nil while unread.
	ReadAt *time.Time `json:"read_at,omitempty"`
}

// SubjectOf is what n is about: the subject its writer named, else its
// task, else its customer.
func SubjectOf(n Notification) Subject {
	switch {
	case n.Subject != nil:
		return *n.Subject
	case n.TaskID != "":
		return Subject{Type: SubjectTask, ID: n.TaskID}
	case n.CustomerID != "":
		return Subject{Type: SubjectCustomer, ID: n.CustomerID}
	}
	return Subject{}
}

// Say picks a notification's wording in the workspace's language:
// English for "en", Vietnamese otherwise.
func Say(lang, vi, en string) string {
	if lang == "en" {
		return en
	}
	return vi
}

func pk(tenant, user string) string       { return "T#" + tenant + "#INBOX#" + user }
func unreadPK(tenant, user string) string { return "T#" + tenant + "#UNREAD#" + user }

// UnreadIndex is the secondary index listing a user's unread notifications
// (sparse: a read one has no key in it).
const UnreadIndex = store.GSI1

const unreadSlot = 0 // Item.Index[unreadSlot] is UnreadIndex's key

const itemType = "notification"

// Item is the notification as a store item, to write in a transaction.
// Its key is derived from its id and time, so writing it again (a retried
// transaction) does not notify twice. An item written unread (ReadAt nil)
// is listed in UnreadIndex.
func Item(tenant string, n Notification) store.Item {
	sk := store.SortTime(n.At) + "#" + n.ID
	it := store.Item{Key: store.Key{PK: pk(tenant, n.UserID), SK: sk},
		Type: itemType, Version: 1, Doc: store.Doc(n)}
	if n.ReadAt == nil {
		it.Index[unreadSlot] = store.IndexKey{PK: unreadPK(tenant, n.UserID), SK: sk}
	}
	return it
}

// Service reads inboxes and keeps their read state.
type Service struct {
	st    store.Store
	clock domain.Clock
}

// New returns the inbox over a store. Marking read needs a clock too
// (WithClock).
func New(st store.Store) *Service { return &Service{st: st} }

// WithClock sets the clock that dates reads.
func (s *Service) WithClock(c domain.Clock) *Service {
	s.clock = c
	return s
}

// List returns the caller's notifications as stored, newest first.
func (s *Service) List(ctx context.Context, c *workspace.Caller, limit int, cursor string) (*domain.Page[Notification], error) {
	page, err := s.st.Query(ctx, store.Query{PK: pk(c.Tenant(), c.User.ID), Reverse: true, Limit: domain.ListLimit(limit), Cursor: cursor})
	if err != nil {
		return nil, fmt.Errorf("inbox: read: %w", store.CursorError(err))
	}
	out := &domain.Page[Notification]{Items: []Notification{}, NextCursor: page.Cursor}
	for _, it := range page.Items {
		n, err := decode(it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, n)
	}
	return out, nil
}

func decode(it store.Item) (Notification, error) {
	var n Notification
	if err := json.Unmarshal(it.Doc, &n); err != nil {
		return n, fmt.Errorf("inbox: decode %s: %w", it.Key, err)
	}
	return n, nil
}
