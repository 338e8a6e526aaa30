package campaign

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"tend/internal/domain"
	"tend/internal/jsonin"
	"tend/internal/signing"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Input creates or changes a campaign; on a change, absent fields are kept.
type Input struct {
	Name            *string            `json:"name"`
	Description     *string            `json:"description"`
	OwnerID         *string            `json:"owner_id"`
	StartsOn        *domain.Date       `json:"starts_on"`
	EndsOn          *domain.Date       `json:"ends_on"`
	Budget          *int64             `json:"budget"`
	ExpectedRevenue *int64             `json:"expected_revenue"`
	Cost            *int64             `json:"cost"`
	Revenue         *int64             `json:"revenue"`
	KeyMap          *map[string]string `json:"key_map"`
	Version         *int64             `json:"version"`
}

// WithSecret is a campaign as answered when it is created: the only time
// the secret that signs its key-press webhook is shown.
type WithSecret struct {
	*Campaign
	Secret string `json:"secret"`
}

// MarshalJSON adds the secret to the campaign's own answer.
func (w WithSecret) MarshalJSON() ([]byte, error) {
	b, err := w.Campaign.MarshalJSON()
	if err != nil {
		return nil, err
	}
	sec, err := jsonString(w.Secret)
	if err != nil {
		return nil, err
	}
	return append(append(b[:len(b)-1], `,"secret":`...), append(sec, '}')...), nil
}

// Limits of a campaign's fields.
const (
	maxName        = 200
	maxDescription = 5000
	maxAmount      = 1e15
	// MaxKeys is how many keys a key map may name.
	MaxKeys = 12
)

// keyPress is one key of a phone's keypad.
var keyPress = regexp.MustCompile(`^[0-9*#]$`)

// CheckKeyMap checks a key map: each key one key press of a phone's keypad,
// each value a member status. Problems are under key_map.<key>.
func CheckKeyMap(m map[string]string, p *domain.Problems) {
	if len(m) > MaxKeys {
		p.Add("key_map", "too_many", "max", strconv.Itoa(MaxKeys))
		return
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !keyPress.MatchString(k) {
			p.Add(jsonin.Path("key_map", k), "invalid_key_press")
			continue
		}
		if !slices.Contains(Statuses, m[k]) {
			p.Add(jsonin.Path("key_map", k), "invalid_status")
		}
	}
}

// canWrite: admins and the campaign's owner change a campaign.
func canWrite(c *workspace.Caller, camp *Campaign) bool {
	return c.IsAdmin() || camp.OwnerID == c.User.ID
}

// Create makes a campaign owned by the caller unless it names another
// owner (an admin may; others own what they create).
func (s *Service) Create(ctx context.Context, c *workspace.Caller, in Input) (*WithSecret, error) {
	now := s.clock.Now().UTC()
	r := &record{Tenant: c.Tenant(), Secret: signing.NewSecret(), Campaign: Campaign{
		ID: domain.NewID("cmp"), OwnerID: c.User.ID, KeyMap: map[string]string{}, CreatedAt: now, UpdatedAt: now, Version: 1}}
	if err := apply(c, &r.Campaign, in, true); err != nil {
		return nil, err
	}
	if !c.IsAdmin() && r.Campaign.OwnerID != c.User.ID {
		return nil, domain.Forbidden()
	}
	if err := s.st.Put(ctx, r.item(), store.NotExist); err != nil {
		return nil, fmt.Errorf("campaign: create: %w", err)
	}
	camp := r.Campaign
	camp.ROI = ROI(camp.Revenue, camp.Cost)
	return &WithSecret{Campaign: &camp, Secret: r.Secret}, nil
}

// Get returns a campaign of the caller's workspace (everyone reads).
func (s *Service) Get(ctx context.Context, c *workspace.Caller, id string) (*Campaign, error) {
	return s.Campaign(ctx, c.Tenant(), id)
}

// Update changes a campaign: its owner or an admin.
func (s *Service) Update(ctx context.Context, c *workspace.Caller, id string, in Input) (*Campaign, error) {
	r, err := s.loadIn(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	if !canWrite(c, &r.Campaign) {
		return nil, domain.Forbidden()
	}
	if err := domain.CheckVersion(in.Version, r.Campaign.Version, "campaign"); err != nil {
		return nil, err
	}
	if err := apply(c, &r.Campaign, in, false); err != nil {
		return nil, err
	}
	prev := r.Campaign.Version
	r.Campaign.Version, r.Campaign.UpdatedAt = prev+1, s.clock.Now().UTC()
	err = s.st.Put(ctx, r.item(), store.IfVersion(prev))
	if errors.Is(err, store.ErrConditionFailed) {
		return nil, domain.VersionConflict("campaign")
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: update: %w", err)
	}
	return s.Campaign(ctx, c.Tenant(), id)
}

// Delete removes a campaign: its owner or an admin. Its members go with it
// out of sight (nothing reads a deleted campaign's partition).
func (s *Service) Delete(ctx context.Context, c *workspace.Caller, id string) error {
	r, err := s.loadIn(ctx, c.Tenant(), id)
	if err != nil {
		return err
	}
	if !canWrite(c, &r.Campaign) {
		return domain.Forbidden()
	}
	err = s.st.Delete(ctx, campaignKey(id), store.IfVersion(r.Campaign.Version))
	if errors.Is(err, store.ErrConditionFailed) {
		return domain.VersionConflict("campaign")
	}
	return err
}

// List returns a page of the workspace's campaigns, oldest first, with
// their totals.
func (s *Service) List(ctx context.Context, c *workspace.Caller, limit int, cursor string) (*domain.Page[*Campaign], error) {
	page, err := s.st.Query(ctx, store.Query{Index: store.GSI1, PK: listPK(c.Tenant()), Limit: domain.ListLimit(limit), Cursor: cursor})
	if err != nil {
		return nil, store.CursorError(err)
	}
	out := &domain.Page[*Campaign]{Items: []*Campaign{}, NextCursor: page.Cursor}
	for _, it := range page.Items {
		r, err := store.Decode[record](it)
		if err != nil {
			return nil, err
		}
		camp := r.view(it.Version)
		if camp.Totals, err = s.totals(ctx, c.Tenant(), camp.ID); err != nil {
			return nil, err
		}
		out.Items = append(out.Items, camp)
	}
	return out, nil
}

// All returns every campaign of the workspace, oldest first, with their
// totals read from the counters (everyone reads campaigns).
func (s *Service) All(ctx context.Context, c *workspace.Caller) ([]*Campaign, error) {
	all := []*Campaign{}
	cursor := ""
	for {
		page, err := s.List(ctx, c, 100, cursor)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all, nil
		}
		cursor = page.NextCursor
	}
}

// apply sets the input's fields on a campaign, with every problem at its
// path.
func apply(c *workspace.Caller, camp *Campaign, in Input, creating bool) error {
	var p domain.Problems
	text := func(path string, v *string, max int, multiline bool, required bool, into *string) {
		if v == nil {
			if creating && required {
				p.Add(path, "required")
			}
			return
		}
		s := strings.TrimSpace(*v)
		switch {
		case required && s == "":
			p.Add(path, "required")
		case domain.TextFault(s, multiline) != "":
			p.Add(path, domain.TextFault(s, multiline))
		case len([]rune(s)) > max:
			p.Add(path, "too_long", "max", strconv.Itoa(max))
		}
		*into = s
	}
	text("name", in.Name, maxName, false, true, &camp.Name)
	text("description", in.Description, maxDescription, true, false, &camp.Description)
	if in.OwnerID != nil {
		if _, ok := c.Org.User(*in.OwnerID); !ok {
			p.Add("owner_id", "unknown_user", "value", *in.OwnerID)
		}
		camp.OwnerID = *in.OwnerID
	}
	date := func(v *domain.Date, into **domain.Date) {
		if v == nil {
			return
		}
		if v.IsZero() {
			*into = nil
			return
		}
		d := *v
		*into = &d
	}
	date(in.StartsOn, &camp.StartsOn)
	date(in.EndsOn, &camp.EndsOn)
	if camp.StartsOn != nil && camp.EndsOn != nil && camp.EndsOn.Before(*camp.StartsOn) {
		p.Add("ends_on", "ends_before_start")
	}
	amount := func(path string, v *int64, into *int64) {
		if v == nil {
			return
		}
		if *v < 0 || *v > maxAmount {
			p.Add(path, "out_of_range")
		}
		*into = *v
	}
	amount("budget", in.Budget, &camp.Budget)
	amount("expected_revenue", in.ExpectedRevenue, &camp.ExpectedRevenue)
	amount("cost", in.Cost, &camp.Cost)
	amount("revenue", in.Revenue, &camp.Revenue)
	if in.KeyMap != nil {
		camp.KeyMap = maps.Clone(*in.KeyMap)
		if camp.KeyMap == nil {
			camp.KeyMap = map[string]string{}
		}
		CheckKeyMap(camp.KeyMap, &p)
	}
	camp.ROI = ROI(camp.Revenue, camp.Cost)
	return p.Err()
}
