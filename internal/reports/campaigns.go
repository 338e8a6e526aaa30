package reports

import (
	"context"

	"tend/internal/campaign"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// CampaignList lists a workspace's campaigns with their counts (the
// campaigns report reads them, not the counters of this package).
type CampaignList interface {
	All(ctx context.Context, c *workspace.Caller) ([]*campaign.Campaign, error)
}

// CampaignFigures are a campaign's counts and figures, and its conversion
// (joined_total / registered_total to 4 decimals, nil with no members).
type CampaignFigures struct {
	campaign.Stats
	Conversion *float64 `json:"conversion"`
}

// CampaignRow is one campaign.
type CampaignRow struct {
	CampaignID string       `json:"campaign_id"`
	Name       string       `json:"name"`
	OwnerID    string       `json:"owner_id"`
	OwnerName  string       `json:"owner_name"`
	StartsOn   *domain.Date `json:"starts_on"`
	EndsOn     *domain.Date `json:"ends_on"`
	CampaignFigures
}

// CampaignsReport is the report per campaign [báo cáo chiến dịch].
type CampaignsReport struct {
	Period
	Rows []CampaignRow `json:"rows"`
	// Totals add the rows up; their conversion and ROI are of the sums.
	Totals CampaignFigures `json:"totals"`
}

// Campaigns reports every campaign running in the period: its
// [starts_on, ends_on] overlaps [from, to], a missing date leaving that
// side open (a campaign without dates runs in every period). owner_id and
// team_id keep the campaigns those users own; everyone reads every
// campaign, so the caller's scope narrows nothing. Campaigns belong to no
// warehouse: a warehouse_id is refused rather than ignored.
func (s *Service) Campaigns(ctx context.Context, c *workspace.Caller, p Params) (*CampaignsReport, error) {
	var probs domain.Problems
	warehouse := p.WarehouseID
	p.WarehouseID = ""
	v := s.parseView(c, p, &probs)
	if warehouse != "" {
		probs.Add("warehouse_id", "campaigns_have_no_warehouse")
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	all, err := s.CampaignList.All(ctx, c)
	if err != nil {
		return nil, err
	}
	out := &CampaignsReport{Period: Period{v.from, v.to}, Rows: []CampaignRow{}}
	t := &out.Totals
	for _, camp := range all {
		if !v.runs(camp) || v.owners != nil && !v.owners[camp.OwnerID] {
			continue
		}
		st := camp.Stats()
		out.Rows = append(out.Rows, CampaignRow{CampaignID: camp.ID, Name: camp.Name, OwnerID: camp.OwnerID,
			OwnerName: c.Org.UserName(camp.OwnerID), StartsOn: camp.StartsOn, EndsOn: camp.EndsOn,
			CampaignFigures: CampaignFigures{Stats: st, Conversion: ratio(st.Joined, st.Registered)}})
		t.Registered += st.Registered
		t.Confirmed += st.Confirmed
		t.Joined += st.Joined
		t.Cancelled += st.Cancelled
		t.Budget += st.Budget
		t.ExpectedRevenue += st.ExpectedRevenue
		t.Cost += st.Cost
		t.Revenue += st.Revenue
	}
	t.ROI = campaign.ROI(t.Revenue, t.Cost)
	t.Conversion = ratio(t.Joined, t.Registered)
	return out, nil
}

// runs reports whether a campaign's dates overlap the view's period.
func (v *view) runs(camp *campaign.Campaign) bool {
	startsAfter := camp.StartsOn != nil && v.to.Before(*camp.StartsOn)
	endedBefore := camp.EndsOn != nil && camp.EndsOn.Before(v.from)
	return !startsAfter && !endedBefore
}
