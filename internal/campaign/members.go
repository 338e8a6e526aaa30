package campaign

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"

	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Lists finds the customers a filter picks, with the caller's access, as
// the customer list does (customerlist.Service).
type Lists interface {
	ListCustomers(ctx context.Context, c *workspace.Caller, q customerlist.ListQuery) (*domain.Page[*domain.Customer], error)
	Check(c *workspace.Caller, q customerlist.ListQuery) error
}

// MaxAdd is how many customers one request may add (by ids or a filter).
const MaxAdd = 5000

// AddInput adds customers to a campaign: one, several by id, or those a
// customer filter picks (condition groups, as lists take them).
type AddInput struct {
	CustomerID  *string         `json:"customer_id"`
	CustomerIDs []string        `json:"customer_ids"`
	Filter      json.RawMessage `json:"filter"`
	Status      *string         `json:"status"`
	CareStatus  *string         `json:"care_status"`
}

// AddResult says, customer by customer, what adding did.
type AddResult struct {
	Added   []*Member   `json:"added"`
	Skipped []AddFailed `json:"skipped"`
}

// AddFailed is a customer that was not added, and why: unknown_customer
// (the caller can't see it) or already_in_campaign.
type AddFailed struct {
	CustomerID string `json:"customer_id"`
	Reason     string `json:"reason"`
}

// checkStatuses validates a status and a care status given to a member.
func checkStatuses(p *domain.Problems, status, care *string) {
	if status != nil && !slices.Contains(Statuses, *status) {
		p.Add("status", "invalid_status")
	}
	if care != nil && !slices.Contains(careStatuses, *care) {
		p.Add("care_status", "invalid_status")
	}
}

// writable reads a campaign the caller may change.
func (s *Service) writable(ctx context.Context, c *workspace.Caller, id string) (*Campaign, error) {
	r, err := s.loadIn(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	if !canWrite(c, &r.Campaign) {
		return nil, domain.Forbidden()
	}
	return &r.Campaign, nil
}

// AddMembers adds customers the caller may see to a campaign the caller
// may change (its owner, an admin). A customer already in is skipped.
func (s *Service) AddMembers(ctx context.Context, c *workspace.Caller, campaignID string, in AddInput) (*AddResult, error) {
	if _, err := s.writable(ctx, c, campaignID); err != nil {
		return nil, err
	}
	var p domain.Problems
	ways := 0
	for _, set := range []bool{in.CustomerID != nil, in.CustomerIDs != nil, len(in.Filter) > 0} {
		if set {
			ways++
		}
	}
	if ways != 1 {
		p.Add("customer_id", "choose_one", "fields", "customer_id, customer_ids, filter")
	}
	if len(in.CustomerIDs) > MaxAdd {
		p.Add("customer_ids", "too_many", "max", strconv.Itoa(MaxAdd))
	}
	for i, id := range in.CustomerIDs {
		if id == "" {
			p.Add("customer_ids["+strconv.Itoa(i)+"]", "required")
		}
	}
	if in.CustomerID != nil && *in.CustomerID == "" {
		p.Add("customer_id", "required")
	}
	checkStatuses(&p, in.Status, in.CareStatus)
	var q customerlist.ListQuery
	if len(in.Filter) > 0 {
		q = customerlist.ListQuery{Filter: string(in.Filter), Limit: 500}
		if err := s.lists.Check(c, q); err != nil {
			return nil, err
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	status, care := StatusRegistered, ""
	if in.Status != nil {
		status = *in.Status
	}
	if in.CareStatus != nil {
		care = *in.CareStatus
	}
	out := &AddResult{Added: []*Member{}, Skipped: []AddFailed{}}
	add := func(cu *domain.Customer) error {
		m, err := s.insert(ctx, c.Tenant(), campaignID, cu, status, care, c.Actor(), nil)
		var de *domain.Error
		switch {
		case err == nil:
			out.Added = append(out.Added, m)
		case errors.As(err, &de):
			out.Skipped = append(out.Skipped, AddFailed{CustomerID: cu.ID, Reason: de.Code})
		default:
			return err
		}
		return nil
	}
	if in.CustomerID != nil {
		cu, err := s.customers.GetCustomer(ctx, c, *in.CustomerID)
		if err != nil {
			return nil, domain.Invalid("customer_id", "unknown_customer", "value", *in.CustomerID)
		}
		if err := add(cu); err != nil {
			return nil, err
		}
		if len(out.Added) == 0 {
			return nil, ErrAlreadyMember
		}
		return out, nil
	}
	for _, id := range in.CustomerIDs {
		cu, err := s.customers.GetCustomer(ctx, c, id)
		if err != nil {
			out.Skipped = append(out.Skipped, AddFailed{CustomerID: id, Reason: "unknown_customer"})
			continue
		}
		if err := add(cu); err != nil {
			return nil, err
		}
	}
	if len(in.Filter) == 0 {
		return out, nil
	}
	for n := 0; ; {
		page, err := s.lists.ListCustomers(ctx, c, q)
		if err != nil {
			return nil, err
		}
		for _, cu := range page.Items {
			if n++; n > MaxAdd {
				return nil, domain.Invalid("filter", "too_many", "max", strconv.Itoa(MaxAdd))
			}
			if err := add(cu); err != nil {
				return nil, err
			}
		}
		if page.NextCursor == "" {
			return out, nil
		}
		q.Cursor = page.NextCursor
	}
}

// Members returns a page of a campaign's members, in customer-id order,
// those with the status when one is given, and only the customers the
// caller may see.
func (s *Service) Members(ctx context.Context, c *workspace.Caller, campaignID, status string, limit int, cursor string) (*domain.Page[*Member], error) {
	if _, err := s.loadIn(ctx, c.Tenant(), campaignID); err != nil {
		return nil, err
	}
	if status != "" && !slices.Contains(Statuses, status) {
		return nil, domain.Invalid("status", "invalid_status")
	}
	page, err := s.st.Query(ctx, store.Query{PK: memberPK(c.Tenant(), campaignID), Limit: domain.ListLimit(limit), Cursor: cursor, DocsOnly: true})
	if err != nil {
		return nil, store.CursorError(err)
	}
	var ms []*Member
	var ids []string
	for _, it := range page.Items {
		m, err := decodeMember(c.Tenant(), it)
		if err != nil {
			return nil, err
		}
		if status == "" || m.Status == status {
			ms = append(ms, m)
			ids = append(ids, m.CustomerID)
		}
	}
	visible, err := s.customers.Visible(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	out := &domain.Page[*Member]{Items: []*Member{}, NextCursor: page.Cursor}
	for _, m := range ms {
		if visible[m.CustomerID] {
			out.Items = append(out.Items, m)
		}
	}
	return out, nil
}

// MemberInput changes a member's status and care status.
type MemberInput struct {
	Status     *string `json:"status"`
	CareStatus *string `json:"care_status"`
}

// UpdateMember changes a member by hand: the campaign's owner, an admin, or
// a user who may change the customer. A status change the seed forbids is
// refused (invalid_transition).
func (s *Service) UpdateMember(ctx context.Context, c *workspace.Caller, campaignID, customerID string, in MemberInput) (*Member, error) {
	r, err := s.loadIn(ctx, c.Tenant(), campaignID)
	if err != nil {
		return nil, err
	}
	if !canWrite(c, &r.Campaign) {
		if _, err := s.customers.CanChangeCustomer(ctx, c, customerID); err != nil {
			return nil, err
		}
	} else if _, err := s.customers.GetCustomer(ctx, c, customerID); err != nil {
		return nil, err
	}
	var p domain.Problems
	checkStatuses(&p, in.Status, in.CareStatus)
	if err := p.Err(); err != nil {
		return nil, err
	}
	m, err := s.change(ctx, c.Tenant(), campaignID, customerID, c.Actor(), ActionStatus, func(m *Member) error {
		changed := false
		if in.Status != nil && *in.Status != m.Status {
			if err := moveTo(*in.Status)(m); err != nil {
				return err
			}
			changed = true
		}
		if in.CareStatus != nil && *in.CareStatus != m.CareStatus {
			m.CareStatus, changed = *in.CareStatus, true
		}
		if !changed {
			return errUnchanged
		}
		return nil
	}, nil)
	if errors.Is(err, errUnchanged) {
		return m, nil
	}
	return m, err
}

// Stats are a campaign's figures and counts.
type Stats struct {
	Totals
	Budget          int64    `json:"budget"`
	ExpectedRevenue int64    `json:"expected_revenue"`
	Cost            int64    `json:"cost"`
	Revenue         int64    `json:"revenue"`
	ROI             *float64 `json:"roi"`
}

// Stats returns a campaign's figures and counts (everyone reads).
func (s *Service) Stats(ctx context.Context, c *workspace.Caller, id string) (*Stats, error) {
	camp, err := s.Campaign(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	return &Stats{Totals: camp.Totals, Budget: camp.Budget, ExpectedRevenue: camp.ExpectedRevenue, Cost: camp.Cost,
		Revenue: camp.Revenue, ROI: camp.ROI}, nil
}
