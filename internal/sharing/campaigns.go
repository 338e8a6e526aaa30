package sharing

import (
	"context"
	"errors"

	"tend/internal/campaign"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// CampaignsOf gives rules the campaign service as their Campaigns.
func CampaignsOf(s *campaign.Service) Campaigns { return campaignPort{s} }

type campaignPort struct{ s *campaign.Service }

func (p campaignPort) CampaignExists(ctx context.Context, tenant, id string) error {
	_, err := p.s.Campaign(ctx, tenant, id)
	return err
}

func (p campaignPort) EachAwaiting(ctx context.Context, tenant, campaignID string, fn func(customerID string) error) error {
	return p.s.EachMember(ctx, tenant, campaignID, campaign.MemberFilter{CareStatus: campaign.CareMultiAssigned},
		func(m *campaign.Member) error { return fn(m.CustomerID) })
}

// MarkShared: a member taken out of the campaign meanwhile is not marked.
func (p campaignPort) MarkShared(ctx context.Context, o *workspace.Org, campaignID, customerID string, actor domain.Actor) (bool, error) {
	ok, err := p.s.SetCareStatus(ctx, o, campaignID, customerID, campaign.CareMultiAssigned, campaign.CareMultiAssignedDone, actor)
	if errors.Is(err, domain.ErrNotFound) {
		return false, nil
	}
	return ok, err
}
