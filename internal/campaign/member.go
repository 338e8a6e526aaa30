package campaign

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/phone"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Member statuses (seed 004, "Trạng thái khách hàng chiến dịch").
const (
	StatusRegistered = "registered" // Đăng kí
	StatusConfirmed  = "confirmed"  // Xác nhận
	StatusJoined     = "joined"     // Tham gia
	StatusCancelled  = "cancelled"  // Hủy
)

// Statuses lists the member statuses in the seed's order.
var Statuses = []string{StatusRegistered, StatusConfirmed, StatusJoined, StatusCancelled}

// Care statuses of a member, which share rules act on (seed 003): "Account
// Multi Assigned", then "Account đã gán Multi Assigned" once shared.
const (
	CareMultiAssigned     = "multi_assigned"
	CareMultiAssignedDone = "multi_assigned_done"
)

// careStatuses are the care statuses a member may have ("" is none).
var careStatuses = []string{"", CareMultiAssigned, CareMultiAssignedDone}

// transitions are the seed's only allowed status changes.
var transitions = map[string][]string{
	StatusRegistered: {StatusConfirmed, StatusJoined, StatusCancelled},
	StatusConfirmed:  {StatusJoined, StatusCancelled},
	StatusJoined:     {StatusCancelled},
}

// CanMove reports whether a member may go from one status to another.
func CanMove(from, to string) bool { return slices.Contains(transitions[from], to) }

// InvalidTransition is the refusal of a change the seed forbids, naming
// both statuses.
func InvalidTransition(from, to string) error {
	return domain.Errorf(domain.ErrConflict, "invalid_transition", "from", from, "to", to)
}

// Member is a customer in a campaign, with the customer's display fields
// as they were when it was added.
type Member struct {
	CampaignID string     `json:"campaign_id"`
	CustomerID string     `json:"customer_id"`
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	Phone      string     `json:"phone"`
	Email      string     `json:"email"`
	OwnerID    string     `json:"owner_id"`
	Status     string     `json:"status"`
	CareStatus string     `json:"care_status"`
	JoinedAt   *time.Time `json:"joined_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	// Tenant is the member's workspace.
	Tenant string `json:"-"`
}

// MemberFilter picks members: any of the statuses (all when empty), one
// care status (any when ""), joined within [JoinedFrom, JoinedTo) when set.
type MemberFilter struct {
	Statuses   []string
	CareStatus string
	JoinedFrom *time.Time
	JoinedTo   *time.Time
}

func (f MemberFilter) match(m *Member) bool {
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, m.Status) {
		return false
	}
	if f.CareStatus != "" && m.CareStatus != f.CareStatus {
		return false
	}
	if f.JoinedFrom != nil || f.JoinedTo != nil {
		if m.JoinedAt == nil || (f.JoinedFrom != nil && m.JoinedAt.Before(*f.JoinedFrom)) ||
			(f.JoinedTo != nil && !m.JoinedAt.Before(*f.JoinedTo)) {
			return false
		}
	}
	return true
}

const memberType = "campaign_member"

func memberPK(t, campaignID string) string  { return "T#" + t + "#CMP#" + campaignID + "#M" }
func counterPK(t, campaignID string) string { return "T#" + t + "#CMP#" + campaignID + "#N" }
func phonePK(t, campaignID, p string) string {
	return "T#" + t + "#CMP#" + campaignID + "#PH#" + p
}
func memberKey(t, campaignID, customerID string) store.Key {
	return store.Key{PK: memberPK(t, campaignID), SK: customerID}
}
func counterKey(t, campaignID, status string) store.Key {
	return store.Key{PK: counterPK(t, campaignID), SK: status}
}

// phoneKey is a phone as members are found by it: normalised when it can
// be, else its digits.
func phoneKey(p string) string {
	if n, err := phone.Normalize(p); err == nil {
		return n
	}
	return phone.Digits(p)
}

func (m *Member) item(version int64) store.Item {
	it := store.Item{Key: memberKey(m.Tenant, m.CampaignID, m.CustomerID), Type: memberType, Version: version, Doc: store.Doc(m)}
	if p := phoneKey(m.Phone); p != "" {
		it.Index[0] = store.IndexKey{PK: phonePK(m.Tenant, m.CampaignID, p), SK: m.CustomerID}
	}
	return it
}

func decodeMember(tenant string, it store.Item) (*Member, error) {
	m, err := store.Decode[Member](it)
	if err != nil {
		return nil, err
	}
	m.Tenant = tenant
	return m, nil
}

// member reads a member and its version.
func (s *Service) member(ctx context.Context, tenant, campaignID, customerID string) (*Member, int64, error) {
	it, err := s.st.Get(ctx, memberKey(tenant, campaignID, customerID))
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, domain.NotFound("campaign_member")
	}
	if err != nil {
		return nil, 0, fmt.Errorf("campaign: read member: %w", err)
	}
	m, err := decodeMember(tenant, it)
	return m, it.Version, err
}

// totals reads a campaign's counters.
func (s *Service) totals(ctx context.Context, tenant, campaignID string) (Totals, error) {
	keys := make([]store.Key, len(Statuses))
	for i, st := range Statuses {
		keys[i] = counterKey(tenant, campaignID, st)
	}
	items, err := s.st.GetMany(ctx, keys)
	if err != nil {
		return Totals{}, fmt.Errorf("campaign: read counts: %w", err)
	}
	n := map[string]int64{}
	for _, it := range items {
		n[it.SK] = it.N
	}
	return totalsOf(n), nil
}

// EachMember calls fn for the campaign's members in customer-id order, page
// by page from the store (never all in memory), those the filter picks.
func (s *Service) EachMember(ctx context.Context, tenant, campaignID string, f MemberFilter, fn func(*Member) error) error {
	for it, err := range store.Items(ctx, s.st, store.Query{PK: memberPK(tenant, campaignID), Limit: 500, DocsOnly: true}) {
		if err != nil {
			return fmt.Errorf("campaign: read members: %w", err)
		}
		m, err := decodeMember(tenant, it)
		if err != nil {
			return err
		}
		if f.match(m) {
			if err := fn(m); err != nil {
				return err
			}
		}
	}
	return nil
}

// historyOp records a member change on the customer, as of its version now.
func (s *Service) historyOp(ctx context.Context, tenant, customerID string, at time.Time, actor domain.Actor, action string, changes []domain.FieldChange) (store.TxOp, error) {
	var version int64
	c, err := s.customers.CustomerImage(ctx, tenant, customerID)
	switch {
	case err == nil:
		version = c.Version
	case !errors.Is(err, domain.ErrNotFound):
		return store.TxOp{}, err
	}
	return customer.HistoryOp(tenant, customerID, version, at, actor, action, changes), nil
}

// History actions of member changes.
const (
	ActionAdded      = "campaign_member_added"
	ActionStatus     = "campaign_status_changed"
	ActionCareStatus = "campaign_care_status_changed"
	ActionRefused    = "campaign_response_refused"
)

func statusField(campaignID string) string { return "campaigns." + campaignID + ".status" }
func careField(campaignID string) string   { return "campaigns." + campaignID + ".care_status" }

// insert adds a customer to a campaign with a status and a care status,
// counted in the same transaction; ErrAlreadyMember when it is in already.
func (s *Service) insert(ctx context.Context, tenant, campaignID string, c *domain.Customer, status, care string, actor domain.Actor, extra []store.TxOp) (*Member, error) {
	now := s.clock.Now().UTC()
	m := &Member{CampaignID: campaignID, CustomerID: c.ID, Code: c.Code, Name: c.Name, Phone: c.Phone, Email: c.Email,
		OwnerID: c.OwnerID, Status: status, CareStatus: care, UpdatedAt: now, Tenant: tenant}
	if status == StatusJoined {
		m.JoinedAt = &now
	}
	changes := []domain.FieldChange{{Field: statusField(campaignID), Before: nil, After: status}}
	if care != "" {
		changes = append(changes, domain.FieldChange{Field: careField(campaignID), Before: nil, After: care})
	}
	hist, err := s.historyOp(ctx, tenant, c.ID, now, actor, ActionAdded, changes)
	if err != nil {
		return nil, err
	}
	ops := append([]store.TxOp{store.TxPut(m.item(1), store.NotExist), store.TxAdd(counterKey(tenant, campaignID, status), 1), hist}, extra...)
	err = s.st.Transact(ctx, ops)
	if store.FailedOp(err) == 0 {
		return nil, ErrAlreadyMember
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: add member: %w", err)
	}
	return m, nil
}

// ErrAlreadyMember: a customer is at most once in a campaign.
var ErrAlreadyMember = domain.Errorf(domain.ErrConflict, "already_in_campaign")

// maxAttempts bounds the retries of a member change that lost a race.
const maxAttempts = 50

// errUnchanged is what an edit returns when it changes nothing.
var errUnchanged = errors.New("unchanged")

// change edits a member with a conditional write, counting a status change
// and recording it on the customer in the same transaction; a write that
// lost a race reads the member again and edits it anew. edit returns
// errUnchanged to write nothing.
func (s *Service) change(ctx context.Context, tenant, campaignID, customerID string, actor domain.Actor, action string,
	edit func(m *Member) error, extra func(m *Member) []store.TxOp) (*Member, error) {
	for range maxAttempts {
		m, v, err := s.member(ctx, tenant, campaignID, customerID)
		if err != nil {
			return nil, err
		}
		before := *m
		if err := edit(m); err != nil {
			return m, err
		}
		now := s.clock.Now().UTC()
		m.UpdatedAt = now
		var changes []domain.FieldChange
		ops := []store.TxOp{store.TxPut(m.item(v+1), store.IfVersion(v))}
		if m.Status != before.Status {
			if m.Status == StatusJoined {
				m.JoinedAt = &now
				ops[0] = store.TxPut(m.item(v+1), store.IfVersion(v))
			}
			changes = append(changes, domain.FieldChange{Field: statusField(campaignID), Before: before.Status, After: m.Status})
			ops = append(ops, store.TxAdd(counterKey(tenant, campaignID, before.Status), -1),
				store.TxAdd(counterKey(tenant, campaignID, m.Status), 1))
		}
		if m.CareStatus != before.CareStatus {
			changes = append(changes, domain.FieldChange{Field: careField(campaignID), Before: before.CareStatus, After: m.CareStatus})
		}
		hist, err := s.historyOp(ctx, tenant, customerID, now, actor, action, changes)
		if err != nil {
			return nil, err
		}
		ops = append(ops, hist)
		if extra != nil {
			ops = append(ops, extra(m)...)
		}
		err = s.st.Transact(ctx, ops)
		if store.FailedOp(err) == 0 {
			continue // another change got there first
		}
		if err != nil {
			return nil, fmt.Errorf("campaign: change member: %w", err)
		}
		return m, nil
	}
	return nil, domain.VersionConflict("campaign_member")
}

// moveTo is the edit that moves a member to a status, refusing what the
// seed forbids; moving to the status it has changes nothing.
func moveTo(status string) func(m *Member) error {
	return func(m *Member) error {
		switch {
		case m.Status == status:
			return errUnchanged
		case !CanMove(m.Status, status):
			return InvalidTransition(m.Status, status)
		}
		m.Status = status
		return nil
	}
}

// SetCareStatus sets a member's care status if it is still from
// (conditional write), recording the actor in the customer's history; false
// when it was not from any more.
func (s *Service) SetCareStatus(ctx context.Context, o *workspace.Org, campaignID, customerID, from, to string, actor domain.Actor) (bool, error) {
	_, err := s.change(ctx, o.Workspace.ID, campaignID, customerID, actor, ActionCareStatus, func(m *Member) error {
		if m.CareStatus != from || from == to {
			return errUnchanged
		}
		m.CareStatus = to
		return nil
	}, nil)
	if errors.Is(err, errUnchanged) {
		return false, nil
	}
	return err == nil, err
}
