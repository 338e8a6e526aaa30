package sharing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Campaigns is what rules need of campaigns.
type Campaigns interface {
	// CampaignExists is nil when the workspace has the campaign, an error
	// of kind domain.ErrNotFound when it has not.
	CampaignExists(ctx context.Context, tenant, id string) error
	// EachAwaiting calls fn with each member of the campaign whose care
	// status is "multi_assigned", in customer-id order, paged from the
	// store.
	EachAwaiting(ctx context.Context, tenant, campaignID string, fn func(customerID string) error) error
	// MarkShared sets a member's care status from "multi_assigned" to
	// "multi_assigned_done", with actor in the customer's history; false
	// when it was not "multi_assigned" any more.
	MarkShared(ctx context.Context, o *workspace.Org, campaignID, customerID string, actor domain.Actor) (bool, error)
}

// Customers shares customers.
type Customers interface {
	Mutate(ctx context.Context, o *workspace.Org, id string, actor domain.Actor, action string, fn customer.Change) (*domain.Customer, error)
}

// Deps are what rules work with.
type Deps struct {
	Store     store.Store
	Clock     domain.Clock
	Log       *slog.Logger
	Orgs      shardrun.Orgs
	Campaigns Campaigns
	Customers Customers
	// Jobs receives the runs' jobs.
	Jobs shardrun.Queue
}

// Service keeps share rules and runs them.
type Service struct {
	Deps
	st   store.Store
	runs *shardrun.Runs
}

// New returns the share-rule service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{Deps: d, st: d.Store, runs: ruleRuns(d.Store, d.Jobs)}
}

func (s *Service) now() time.Time { return s.Clock.Now().UTC() }

// DefaultEvery is a new rule's interval when it names none.
const DefaultEvery = 15 * time.Minute

// List returns the workspace's rules, by name.
func (s *Service) List(ctx context.Context, c *workspace.Caller) ([]*Rule, error) {
	rs, err := s.loadRules(ctx, c.Tenant())
	slices.SortStableFunc(rs, func(a, b *Rule) int { return strings.Compare(a.Name, b.Name) })
	return rs, err
}

// Get returns a rule.
func (s *Service) Get(ctx context.Context, c *workspace.Caller, id string) (*Rule, error) {
	return s.loadRule(ctx, c.Tenant(), id)
}

// Create saves a new rule (admins only): assigned to the caller, of the
// one type, every DefaultEvery and enabled unless the input says else.
func (s *Service) Create(ctx context.Context, c *workspace.Caller, in *Input) (*Rule, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	now := s.now()
	r := &Rule{ID: domain.NewID("shr"), Tenant: c.Tenant(), AssignedTo: c.User.ID, Type: TypeMultiAssigned,
		Every: domain.Duration(DefaultEvery), Enabled: true, UserIDs: []string{}, CreatedBy: c.User.ID,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := s.build(ctx, c, r, in, true); err != nil {
		return nil, err
	}
	if err := s.st.Put(ctx, r.item(), store.NotExist); err != nil {
		return nil, fmt.Errorf("sharing: save rule: %w", err)
	}
	return r, nil
}

// Update changes a rule (admins only). Users taken off the rule keep the
// shares it made, but get no new ones.
func (s *Service) Update(ctx context.Context, c *workspace.Caller, id string, in *Input) (*Rule, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	r, err := s.loadRule(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	prev := r.Version
	if in.Version != nil && *in.Version != prev {
		return nil, domain.VersionConflict("share_rule")
	}
	if err := s.build(ctx, c, r, in, false); err != nil {
		return nil, err
	}
	r.Version, r.UpdatedAt = prev+1, s.now()
	err = s.st.Put(ctx, r.item(), store.IfVersion(prev))
	if errors.Is(err, store.ErrConditionFailed) {
		return nil, domain.VersionConflict("share_rule")
	}
	if err != nil {
		return nil, fmt.Errorf("sharing: save rule: %w", err)
	}
	return r, nil
}

// build applies an input to a rule, checks it and sets its next run.
func (s *Service) build(ctx context.Context, c *workspace.Caller, r *Rule, in *Input, isNew bool) error {
	wasEnabled, wasEvery := r.Enabled && !isNew, r.Every
	var p domain.Problems
	r.apply(c.Org, in, &p)
	if r.CampaignID != "" {
		err := s.Campaigns.CampaignExists(ctx, c.Tenant(), r.CampaignID)
		switch {
		case errors.Is(err, domain.ErrNotFound):
			p.Add("campaign_id", "unknown_campaign", "value", r.CampaignID)
		case err != nil:
			return err
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	switch {
	case !r.Enabled:
		r.NextRunAt = nil
	case !wasEnabled || r.Every != wasEvery:
		// Switched on, or a new interval: the next run is an interval
		// after the last one (or after now, for a rule that never ran).
		base := s.now()
		if r.LastRunAt != nil && wasEnabled {
			base = *r.LastRunAt
		}
		next := base.Add(time.Duration(r.Every))
		r.NextRunAt = &next
	}
	return nil
}

// Delete removes a rule (admins only); the shares it made stay.
func (s *Service) Delete(ctx context.Context, c *workspace.Caller, id string) error {
	if err := c.RequireAdmin(); err != nil {
		return err
	}
	r, err := s.loadRule(ctx, c.Tenant(), id)
	if err != nil {
		return err
	}
	err = s.st.Delete(ctx, ruleKey(r.Tenant, r.ID), store.IfVersion(r.Version))
	if errors.Is(err, store.ErrConditionFailed) {
		return domain.VersionConflict("share_rule")
	}
	if err != nil {
		return fmt.Errorf("sharing: delete rule: %w", err)
	}
	return nil
}
