package crm

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Page is one page of a list.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// ListLimit clamps a requested page size: default 50, at most 500.
func ListLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}

// subItems lists one kind of a customer's sub-items, newest first.
func subItems[T any](ctx context.Context, s *Service, c *Caller, customerID, prefix string, limit int, cursor string) (*Page[T], error) {
	if _, err := s.GetCustomer(ctx, c, customerID); err != nil {
		return nil, err
	}
	page, err := s.store.Query(ctx, store.Query{PK: customerPK(c.Tenant(), customerID), SK: store.SKBeginsWith, A: prefix,
		Reverse: true, Limit: ListLimit(limit), Cursor: cursor})
	if err != nil {
		return nil, badCursor(err)
	}
	out := &Page[T]{Items: make([]T, 0, len(page.Items)), NextCursor: page.Cursor}
	for _, it := range page.Items {
		v, err := decode[T](it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, *v)
	}
	return out, nil
}

// badCursor turns a store's refusal of a cursor into a user error.
func badCursor(err error) error {
	if errors.Is(err, store.ErrInvalid) {
		return &domain.Error{Kind: domain.ErrInvalid, Code: "validation_failed", Fields: []domain.FieldError{{Path: "cursor", Code: "invalid_cursor"}}}
	}
	return err
}

// History lists a customer's audit entries, newest first.
func (s *Service) History(ctx context.Context, c *Caller, id string, limit int, cursor string) (*Page[domain.AuditEntry], error) {
	return subItems[domain.AuditEntry](ctx, s, c, id, "H#", limit, cursor)
}

// Notes lists a customer's notes, newest first.
func (s *Service) Notes(ctx context.Context, c *Caller, id string, limit int, cursor string) (*Page[domain.Note], error) {
	return subItems[domain.Note](ctx, s, c, id, "NOTE#", limit, cursor)
}

// Activities lists a customer's quick transactions, newest first.
func (s *Service) Activities(ctx context.Context, c *Caller, id string, limit int, cursor string) (*Page[domain.Activity], error) {
	return subItems[domain.Activity](ctx, s, c, id, "ACT#", limit, cursor)
}

// Calls lists a customer's call log, newest first.
func (s *Service) Calls(ctx context.Context, c *Caller, id string, limit int, cursor string) (*Page[domain.Call], error) {
	return subItems[domain.Call](ctx, s, c, id, "CALL#", limit, cursor)
}

// addCare writes a note, activity or call and moves the customer's
// last_care_at to when the care happened, in one transaction.
func (s *Service) addCare(ctx context.Context, c *Caller, customerID, action string, at time.Time, it store.Item) error {
	_, err := s.mutate(ctx, c.Org, customerID, c.Actor(), action, func(before, after *customerRecord) ([]store.TxOp, error) {
		if err := c.canEdit(before); err != nil {
			return nil, err
		}
		if now := s.now(); at.After(now) {
			at = now
		}
		if before.LastCareAt == nil || at.After(*before.LastCareAt) {
			after.LastCareAt = &at
		}
		return []store.TxOp{store.TxPut(it, store.NotExist)}, nil
	})
	return err
}

// NoteInput is a new note.
type NoteInput struct {
	Body string `json:"body"`
}

// AddNote adds a note [ghi chú] to a customer.
func (s *Service) AddNote(ctx context.Context, c *Caller, customerID string, in NoteInput) (*domain.Note, error) {
	var p domain.Problems
	now := s.now()
	n := &domain.Note{ID: domain.NewID("note"), CustomerID: customerID, AuthorID: c.User.ID, CreatedAt: now,
		Body: checkText(&p, "body", in.Body, 10000, true)}
	if err := p.Err(); err != nil {
		return nil, err
	}
	it := store.Item{Key: store.Key{PK: customerPK(c.Tenant(), customerID), SK: "NOTE#" + sortTime(now) + "#" + n.ID}, Type: typeNote, Version: 1, Doc: encode(n)}
	if err := s.addCare(ctx, c, customerID, "note_added", now, it); err != nil {
		return nil, err
	}
	return n, nil
}

// ActivityInput is a new quick transaction; only name and type are
// required.
type ActivityInput struct {
	Name        string              `json:"name"`
	Type        domain.ActivityType `json:"type"`
	Description string              `json:"description"`
	At          *time.Time          `json:"at"`
}

// AddActivity adds a quick transaction [giao dịch nhanh] to a customer.
func (s *Service) AddActivity(ctx context.Context, c *Caller, customerID string, in ActivityInput) (*domain.Activity, error) {
	var p domain.Problems
	now := s.now()
	a := &domain.Activity{ID: domain.NewID("act"), CustomerID: customerID, AuthorID: c.User.ID, CreatedAt: now, At: now,
		Name:        checkText(&p, "name", in.Name, 200, true),
		Description: checkText(&p, "description", in.Description, 5000, false),
		Type:        in.Type}
	if in.Type == "" {
		p.Add("type", "required")
	} else if !slices.Contains(domain.ActivityTypes, in.Type) {
		p.Add("type", "invalid_activity_type")
	}
	if in.At != nil {
		a.At = in.At.UTC()
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	it := store.Item{Key: store.Key{PK: customerPK(c.Tenant(), customerID), SK: "ACT#" + sortTime(a.At) + "#" + a.ID}, Type: typeActivity, Version: 1, Doc: encode(a)}
	if err := s.addCare(ctx, c, customerID, "activity_added", a.At, it); err != nil {
		return nil, err
	}
	return a, nil
}

// CallInput is a call to record in the call log.
type CallInput struct {
	Direction domain.CallDirection `json:"direction"`
	Phone     string               `json:"phone"`
	At        *time.Time           `json:"at"`
	Duration  domain.Duration      `json:"duration"`
	Result    string               `json:"result"`
	Note      string               `json:"note"`
	Recording string               `json:"recording_url"`
}

// AddCall records a call with a customer [tab cuộc gọi].
func (s *Service) AddCall(ctx context.Context, c *Caller, customerID string, in CallInput) (*domain.Call, error) {
	var p domain.Problems
	now := s.now()
	call := &domain.Call{ID: domain.NewID("call"), CustomerID: customerID, UserID: c.User.ID, CreatedAt: now, At: now,
		Direction: in.Direction, Duration: in.Duration,
		Phone:     checkPhone(&p, "phone", in.Phone),
		Result:    checkText(&p, "result", in.Result, 100, false),
		Note:      checkText(&p, "note", in.Note, 5000, false),
		Recording: strings.TrimSpace(in.Recording)}
	switch call.Direction {
	case "":
		call.Direction = domain.CallOutbound
	case domain.CallInbound, domain.CallOutbound:
	default:
		p.Add("direction", "invalid_direction")
	}
	if in.Duration < 0 || time.Duration(in.Duration) > 24*time.Hour {
		p.Add("duration", "out_of_range")
	}
	if call.Recording != "" {
		if u, err := url.Parse(call.Recording); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.Add("recording_url", "invalid_url")
		}
	}
	if in.At != nil {
		call.At = in.At.UTC()
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	it := store.Item{Key: store.Key{PK: customerPK(c.Tenant(), customerID), SK: "CALL#" + sortTime(call.At) + "#" + call.ID}, Type: typeCall, Version: 1, Doc: encode(call)}
	if err := s.addCare(ctx, c, customerID, "call_logged", call.At, it); err != nil {
		return nil, err
	}
	return call, nil
}
