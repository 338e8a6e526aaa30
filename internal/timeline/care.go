package timeline

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"tend/internal/check"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// subItems lists one kind of a customer's sub-items, newest first.
func subItems[T any](ctx context.Context, s *Service, c *workspace.Caller, customerID, prefix string, limit int, cursor string) (*domain.Page[T], error) {
	if _, err := s.customers.GetCustomer(ctx, c, customerID); err != nil {
		return nil, err
	}
	page, err := s.store.Query(ctx, store.Query{PK: customer.Partition(c.Tenant(), customerID), SK: store.SKBeginsWith, A: prefix,
		Reverse: true, Limit: domain.ListLimit(limit), Cursor: cursor})
	if err != nil {
		return nil, store.CursorError(err)
	}
	out := &domain.Page[T]{Items: make([]T, 0, len(page.Items)), NextCursor: page.Cursor}
	for _, it := range page.Items {
		v, err := store.Decode[T](it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, *v)
	}
	return out, nil
}

// History lists a customer's audit entries, newest first.
func (s *Service) History(ctx context.Context, c *workspace.Caller, id string, limit int, cursor string) (*domain.Page[domain.AuditEntry], error) {
	return subItems[domain.AuditEntry](ctx, s, c, id, customer.HistoryPrefix, limit, cursor)
}

// Notes lists a customer's notes, newest first.
func (s *Service) Notes(ctx context.Context, c *workspace.Caller, id string, limit int, cursor string) (*domain.Page[domain.Note], error) {
	return subItems[domain.Note](ctx, s, c, id, "NOTE#", limit, cursor)
}

// Activities lists a customer's quick transactions, newest first.
func (s *Service) Activities(ctx context.Context, c *workspace.Caller, id string, limit int, cursor string) (*domain.Page[domain.Activity], error) {
	return subItems[domain.Activity](ctx, s, c, id, "ACT#", limit, cursor)
}

// Calls lists a customer's call log, newest first.
func (s *Service) Calls(ctx context.Context, c *workspace.Caller, id string, limit int, cursor string) (*domain.Page[domain.Call], error) {
	return subItems[domain.Call](ctx, s, c, id, "CALL#", limit, cursor)
}

// addCare writes a note, activity or call and moves the customer's
// last_care_at to when the care happened, in one transaction.
func (s *Service) addCare(ctx context.Context, c *workspace.Caller, customerID, action string, at time.Time, it store.Item) error {
	return s.addCareAs(ctx, c.Org, c.Actor(), c.User.ID, customerID, action, at, it,
		func(cu *domain.Customer) error { return customer.CanEdit(c, cu) }, nil)
}

// addCareAs is addCare for any actor: by is the user who cared ("" for a
// system actor), allowed refuses a customer the actor may not change, and
// also is written with the care.
func (s *Service) addCareAs(ctx context.Context, o *workspace.Org, actor domain.Actor, by, customerID, action string, at time.Time, it store.Item,
	allowed func(*domain.Customer) error, also customer.Also) error {
	_, err := s.customers.Mutate(ctx, o, customerID, actor, action, func(before, after *domain.Customer) ([]store.TxOp, error) {
		if err := allowed(before); err != nil {
			return nil, err
		}
		if now := s.now(); at.After(now) {
			at = now
		}
		if before.LastCareAt == nil || at.After(*before.LastCareAt) {
			after.LastCareAt = &at
		}
		if by != "" && by == before.OwnerID && (before.OwnerCaredAt == nil || at.After(*before.OwnerCaredAt)) {
			after.OwnerCaredAt = &at
		}
		return append([]store.TxOp{store.TxPut(it, store.NotExist)}, also.Ops(customerID)...), nil
	})
	return err
}

// NoteInput is a new note.
type NoteInput struct {
	Body string `json:"body"`
}

// AddNote adds a note [ghi chú] to a customer.
func (s *Service) AddNote(ctx context.Context, c *workspace.Caller, customerID string, in NoteInput) (*domain.Note, error) {
	var p domain.Problems
	now := s.now()
	n := &domain.Note{ID: domain.NewID("note"), CustomerID: customerID, AuthorID: c.User.ID, CreatedAt: now,
		Body: check.Lines(&p, "body", in.Body, 10000, true)}
	if err := p.Err(); err != nil {
		return nil, err
	}
	it := noteItem(c.Tenant(), n)
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
func (s *Service) AddActivity(ctx context.Context, c *workspace.Caller, customerID string, in ActivityInput) (*domain.Activity, error) {
	a, it, err := s.activity(c.Tenant(), c.User.ID, customerID, in)
	if err != nil {
		return nil, err
	}
	if err := s.addCare(ctx, c, customerID, "activity_added", a.At, it); err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Service) activity(tenant, author, customerID string, in ActivityInput) (*domain.Activity, store.Item, error) {
	var p domain.Problems
	now := s.now()
	a := &domain.Activity{ID: domain.NewID("act"), CustomerID: customerID, AuthorID: author, CreatedAt: now, At: now,
		Name:        check.Text(&p, "name", in.Name, 200, true),
		Description: check.Lines(&p, "description", in.Description, 5000, false),
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
		return nil, store.Item{}, err
	}
	it := store.Item{Key: store.Key{PK: customer.Partition(tenant, customerID), SK: "ACT#" + store.SortTime(a.At) + "#" + a.ID}, Type: typeActivity, Version: 1, Doc: store.Doc(a)}
	return a, it, nil
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
func (s *Service) AddCall(ctx context.Context, c *workspace.Caller, customerID string, in CallInput) (*domain.Call, error) {
	call, it, err := s.call(c.Tenant(), c.User.ID, customerID, in)
	if err != nil {
		return nil, err
	}
	if err := s.addCare(ctx, c, customerID, "call_logged", call.At, it); err != nil {
		return nil, err
	}
	return call, nil
}

// AddCallAs records a call reported by a system actor (a call center's
// webhook), writing also with it; userID, when the report names a user,
// is who made the call and counts as their care.
func (s *Service) AddCallAs(ctx context.Context, o *workspace.Org, actor domain.Actor, userID, customerID string, in CallInput, also customer.Also) (*domain.Call, error) {
	call, it, err := s.call(o.Workspace.ID, userID, customerID, in)
	if err != nil {
		return nil, err
	}
	if err := s.addCareAs(ctx, o, actor, userID, customerID, "call_logged", call.At, it, customer.Live, also); err != nil {
		return nil, err
	}
	return call, nil
}

func (s *Service) call(tenant, userID, customerID string, in CallInput) (*domain.Call, store.Item, error) {
	var p domain.Problems
	now := s.now()
	call := &domain.Call{ID: domain.NewID("call"), CustomerID: customerID, UserID: userID, CreatedAt: now, At: now,
		Direction: in.Direction, Duration: in.Duration,
		Phone:     check.Phone(&p, "phone", in.Phone),
		Result:    check.Text(&p, "result", in.Result, 100, false),
		Note:      check.Lines(&p, "note", in.Note, 5000, false),
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
		return nil, store.Item{}, err
	}
	it := store.Item{Key: store.Key{PK: customer.Partition(tenant, customerID), SK: "CALL#" + store.SortTime(call.At) + "#" + call.ID}, Type: typeCall, Version: 1, Doc: store.Doc(call)}
	return call, it, nil
}

// SystemActivity builds an activity a system actor records (a webhook
// telling of a returning customer's lead), for its caller to write in its
// own change of the customer.
func (s *Service) SystemActivity(tenant, customerID string, in ActivityInput) (*domain.Activity, store.Item, error) {
	return s.activity(tenant, "", customerID, in)
}

// SystemNote builds a note a system actor leaves (the values of a
// returning customer's lead that differ from theirs), for its caller to
// write in its own change of the customer.
func (s *Service) SystemNote(tenant, customerID, body string) (*domain.Note, store.Item, error) {
	var p domain.Problems
	now := s.now()
	n := &domain.Note{ID: domain.NewID("note"), CustomerID: customerID, CreatedAt: now, Body: check.Lines(&p, "body", body, 10000, true)}
	if err := p.Err(); err != nil {
		return nil, store.Item{}, err
	}
	return n, noteItem(tenant, n), nil
}

// noteItem is a note as stored, under its customer.
func noteItem(tenant string, n *domain.Note) store.Item {
	return store.Item{Key: store.Key{PK: customer.Partition(tenant, n.CustomerID), SK: "NOTE#" + store.SortTime(n.CreatedAt) + "#" + n.ID}, Type: typeNote, Version: 1, Doc: store.Doc(n)}
}
