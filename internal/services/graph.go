package services

import (
	"context"
	"errors"
	"strconv"
	"time"

	"tend/internal/fbgraph"
	"tend/internal/leads"
)

// Graph is the client leads read Facebook leads with: the Graph API at
// baseURL (Facebook's own when empty), each attempt bounded by timeout
// (the client's default when 0).
func Graph(baseURL string, timeout time.Duration) leads.Graph {
	c := fbgraph.New(baseURL, nil)
	if timeout > 0 {
		c.AttemptTimeout = timeout
	}
	return graphLeads{c}
}

// graphLeads adapts the Graph client to the lead service's port.
type graphLeads struct{ c *fbgraph.Client }

func (g graphLeads) FetchLead(ctx context.Context, leadgenID, accessToken string) (*leads.FetchedLead, error) {
	l, err := g.c.Lead(ctx, leadgenID, accessToken)
	if errors.Is(err, fbgraph.ErrTransient) {
		return nil, errors.Join(leads.ErrFetchLater, err)
	}
	if err != nil {
		return nil, err
	}
	meta := map[string]string{"form_id": l.FormID, "ad_id": l.AdID, "adset_id": l.AdsetID, "campaign_id": l.CampaignID,
		"platform": l.Platform, "is_organic": strconv.FormatBool(l.IsOrganic)}
	return &leads.FetchedLead{Fields: l.Fields, Meta: meta}, nil
}
