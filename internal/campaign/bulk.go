package campaign

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// BulkInput puts customers into a campaign with a care status, the seed's
// "Mass Update": by ids or by a customer filter.
type BulkInput struct {
	IDs        []string        `json:"ids"`
	Filter     json.RawMessage `json:"filter"`
	CampaignID string          `json:"campaign_id"`
	CareStatus *string         `json:"care_status"`
}

// BulkResult says what a mass update did: customers added to the campaign
// (as registered), members whose care status changed, and those skipped.
type BulkResult struct {
	Added   int         `json:"added"`
	Updated int         `json:"updated"`
	Skipped []AddFailed `json:"skipped"`
}

// Bulk adds each customer the caller may see to the campaign with the
// care status, or sets the care status of those in it already.
func (s *Service) Bulk(ctx context.Context, c *workspace.Caller, in BulkInput) (*BulkResult, error) {
	var p domain.Problems
	if (in.IDs == nil) == (!hasFilter(in.Filter)) {
		p.Add("ids", "choose_one", "fields", "ids, filter")
	}
	if len(in.IDs) > MaxAdd {
		p.Add("ids", "too_many", "max", strconv.Itoa(MaxAdd))
	}
	for i, id := range in.IDs {
		if id == "" {
			p.Add("ids["+strconv.Itoa(i)+"]", "required")
		}
	}
	if in.CampaignID == "" {
		p.Add("campaign_id", "required")
	}
	if in.CareStatus == nil {
		p.Add("care_status", "required")
	}
	checkStatuses(&p, nil, in.CareStatus)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if _, err := s.writable(ctx, c, in.CampaignID); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return nil, domain.Invalid("campaign_id", "unknown_campaign", "value", in.CampaignID)
		}
		return nil, err
	}
	var q customerlist.ListQuery
	if hasFilter(in.Filter) {
		q = customerlist.ListQuery{Filter: string(in.Filter), Limit: 500}
		if err := s.lists.Check(c, q); err != nil {
			return nil, err
		}
	}
	care := *in.CareStatus
	out := &BulkResult{Skipped: []AddFailed{}}
	err := s.eachCustomer(ctx, c, in.IDs, nil, q, func(id string, cu *domain.Customer) error {
		if cu == nil {
			out.Skipped = append(out.Skipped, AddFailed{CustomerID: id, Reason: "unknown_customer"})
			return nil
		}
		_, err := s.insert(ctx, c.Tenant(), in.CampaignID, cu, StatusRegistered, care, c.Actor(), nil)
		if err == nil {
			out.Added++
			return nil
		}
		if !errors.Is(err, ErrAlreadyMember) {
			return err
		}
		_, err = s.change(ctx, c.Tenant(), in.CampaignID, cu.ID, c.Actor(), ActionCareStatus, func(m *Member) error {
			if m.CareStatus == care {
				return errUnchanged
			}
			m.CareStatus = care
			return nil
		}, nil)
		switch {
		case err == nil:
			out.Updated++
		case !errors.Is(err, errUnchanged):
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
