// Package campaign keeps marketing campaigns [chiến dịch] (seed 004): their
// figures (budget, expected revenue, cost, revenue, ROI), their members
// with a status that moves only as the seed allows, and the cumulative
// counts of those statuses, kept as counters written in the same
// transaction as every member change.
package campaign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Campaign is a campaign with its figures and counts. Amounts are in VND.
type Campaign struct {
	ID              string       `json:"id"`
	Name            string       `json:"name"`
	Description     string       `json:"description"`
	OwnerID         string       `json:"owner_id"`
	StartsOn        *domain.Date `json:"starts_on"`
	EndsOn          *domain.Date `json:"ends_on"`
	Budget          int64        `json:"budget"`
	ExpectedRevenue int64        `json:"expected_revenue"`
	Cost            int64        `json:"cost"`
	Revenue         int64        `json:"revenue"`
	// KeyMap maps an auto-call key press ("1") to a member status.
	KeyMap map[string]string `json:"key_map"`
	// Totals are read from the counters, never stored with the campaign.
	Totals Totals `json:"-"`
	// ROI is (revenue − cost) / cost, nil when the cost is 0.
	ROI       *float64  `json:"roi"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// MarshalJSON answers a campaign with its four totals beside its figures.
func (c *Campaign) MarshalJSON() ([]byte, error) {
	type plain Campaign
	return json.Marshal(struct {
		*plain
		Totals
	}{(*plain)(c), c.Totals})
}

// Stats are the campaign's figures and counts.
func (c *Campaign) Stats() Stats { return statsOf(c) }

// Totals are the cumulative counts of the seed ("Trạng thái khách hàng
// chiến dịch"): registered_total = registered + confirmed + joined +
// cancelled; confirmed_total = confirmed + joined; joined_total = joined;
// cancelled_total = cancelled.
type Totals struct {
	Registered int64 `json:"registered_total"`
	Confirmed  int64 `json:"confirmed_total"`
	Joined     int64 `json:"joined_total"`
	Cancelled  int64 `json:"cancelled_total"`
}

// totalsOf derives the cumulative totals from the members per status.
func totalsOf(n map[string]int64) Totals {
	return Totals{
		Registered: n[StatusRegistered] + n[StatusConfirmed] + n[StatusJoined] + n[StatusCancelled],
		Confirmed:  n[StatusConfirmed] + n[StatusJoined],
		Joined:     n[StatusJoined],
		Cancelled:  n[StatusCancelled],
	}
}

// ROI is (revenue − cost) / cost, nil when there is no cost.
func ROI(revenue, cost int64) *float64 {
	if cost == 0 {
		return nil
	}
	r := float64(revenue-cost) / float64(cost)
	return &r
}

// record is a campaign as stored: with its workspace and the secret that
// signs its key-press webhook.
type record struct {
	Campaign Campaign `json:"campaign"`
	Tenant   string   `json:"tenant_id"`
	Secret   string   `json:"secret"`
}

// ItemType is the store type of campaigns.
const ItemType = "campaign"

// Key layout:
//
//	CAMPAIGN#<id>            A                  the campaign (by id alone: the webhook names only it)
//	T#<t>#CMP#<id>#M         <customer id>      a member (GSI1: by phone, for key presses)
//	T#<t>#CMP#<id>#N         <status>           members per status (a counter)
//
// Campaigns are listed per workspace on GSI1.
func campaignKey(id string) store.Key { return store.Key{PK: "CAMPAIGN#" + id, SK: "A"} }
func listPK(tenant string) string     { return "T#" + tenant + "#CAMPAIGNS" }

func (r *record) item() store.Item {
	c := &r.Campaign
	return store.Item{Key: campaignKey(c.ID), Type: ItemType, Version: c.Version, Doc: store.Doc(r),
		Index: [4]store.IndexKey{{PK: listPK(r.Tenant), SK: store.SortTime(c.CreatedAt) + "#" + c.ID}}}
}

// Customers are the customer operations campaigns need: who may see or
// change a customer, and a customer as it is now (for members' display
// fields and the history entries of their changes).
type Customers interface {
	GetCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error)
	CanChangeCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error)
	Visible(ctx context.Context, c *workspace.Caller, ids []string) (map[string]bool, error)
	CustomerImage(ctx context.Context, tenant, id string) (*domain.Customer, error)
}

// Service keeps campaigns and their members.
type Service struct {
	st        store.Store
	clock     domain.Clock
	log       *slog.Logger
	customers Customers
	lists     Lists
	// Sending is what sends to members need (see StartSend).
	Sending Sending
	// ExportMaxSync is the most members whose export is answered at once
	// (0: ExportMaxSync); tests lower it.
	ExportMaxSync int
}

// New returns the campaign service over a store.
func New(st store.Store, clock domain.Clock, log *slog.Logger, customers Customers, lists Lists) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{st: st, clock: clock, log: log, customers: customers, lists: lists}
}

// load reads a campaign by id, whatever its workspace, with its secret.
func (s *Service) load(ctx context.Context, id string) (*record, error) {
	it, err := s.st.Get(ctx, campaignKey(id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("campaign")
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: read %s: %w", id, err)
	}
	r, err := store.Decode[record](it)
	if err != nil {
		return nil, err
	}
	r.Campaign = *r.view(it.Version)
	return r, nil
}

// view is the stored campaign at its item's version, with its ROI (and
// without its totals).
func (r *record) view(version int64) *Campaign {
	c := r.Campaign
	c.Version = version
	if c.KeyMap == nil {
		c.KeyMap = map[string]string{}
	}
	c.ROI = ROI(c.Revenue, c.Cost)
	return &c
}

// loadIn reads a campaign of a workspace: another's is not found.
func (s *Service) loadIn(ctx context.Context, tenant, id string) (*record, error) {
	r, err := s.load(ctx, id)
	if err == nil && r.Tenant != tenant {
		return nil, domain.NotFound("campaign")
	}
	return r, err
}

// Campaign returns a campaign of a workspace with its totals, for system
// work (exports, share rules): no access check.
func (s *Service) Campaign(ctx context.Context, tenant, id string) (*Campaign, error) {
	r, err := s.loadIn(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	c := r.Campaign
	if c.Totals, err = s.totals(ctx, tenant, id); err != nil {
		return nil, err
	}
	return &c, nil
}

func jsonString(s string) ([]byte, error) { return json.Marshal(s) }
