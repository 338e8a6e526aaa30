// Package sharing shares customers automatically [tự động chia sẻ —
// Account multi assigned]: a share rule names a campaign and users, and on
// its schedule every member of the campaign whose care status is
// "multi_assigned" is shared read-only with the rule's users, its care
// status then becoming "multi_assigned_done".
package sharing

import (
	"strings"
	"time"

	"tend/internal/check"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/jsonin"
	"tend/internal/workspace"
)

// TypeMultiAssigned is the one type of share rule ("Multi Assigned
// Account").
const TypeMultiAssigned = "multi_assigned_account"

// Bounds of a rule's interval.
const (
	MinEvery = 5 * time.Minute
	MaxEvery = 24 * time.Hour
)

// MaxUsers is how many users a rule shares with: as many as one customer
// may be shared with.
const MaxUsers = customer.MaxShares

// Rule is a share rule.
type Rule struct {
	ID         string          `json:"id"`
	Tenant     string          `json:"-"`
	Name       string          `json:"name"`
	AssignedTo string          `json:"assigned_to"`
	Type       string          `json:"type"`
	CampaignID string          `json:"campaign_id"`
	UserIDs    []string        `json:"user_ids"`
	Every      domain.Duration `json:"every"`
	Enabled    bool            `json:"enabled"`
	LastRunAt  *time.Time      `json:"last_run_at"`
	// NextRunAt is when the rule runs next (nil while disabled): the
	// first tick at or after it starts a run.
	NextRunAt *time.Time `json:"next_run_at"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	Version   int64      `json:"version"`
}

// Actor is the rule as the author of the changes it makes: history shows
// the shares and care statuses it set as its own.
func (r *Rule) Actor() domain.Actor {
	return domain.Actor{Kind: domain.ActorShareRule, ID: r.ID, Name: r.Name}
}

// Input creates or changes a rule; on a change, absent fields are kept.
type Input struct {
	Name       *string   `json:"name"`
	AssignedTo *string   `json:"assigned_to"`
	Type       *string   `json:"type"`
	CampaignID *string   `json:"campaign_id"`
	UserIDs    *[]string `json:"user_ids"`
	Every      *string   `json:"every"`
	Enabled    *bool     `json:"enabled"`
	Version    *int64    `json:"version"`
}

// ParseInput reads a rule body strictly, naming the path of what is wrong.
func ParseInput(raw []byte) (*Input, error) {
	in := &Input{}
	err := jsonin.Read(raw, map[string]jsonin.Reader{
		"name":        jsonin.Value(&in.Name, "expected_text"),
		"assigned_to": jsonin.Value(&in.AssignedTo, "expected_text"),
		"type":        jsonin.Value(&in.Type, "expected_text"),
		"campaign_id": jsonin.Value(&in.CampaignID, "expected_text"),
		"user_ids":    jsonin.ListOf(&in.UserIDs, MaxUsers, nil),
		"every":       jsonin.Value(&in.Every, "expected_text"),
		"enabled":     jsonin.Value(&in.Enabled, "expected_boolean"),
		"version":     jsonin.Value(&in.Version, "expected_integer"),
	}, "id", "last_run_at", "next_run_at", "created_by", "created_at", "updated_at")
	if err != nil {
		return nil, err
	}
	return in, nil
}

// ParseEvery reads an interval: a Go duration ("15m", "1h30m", "90s")
// between MinEvery and MaxEvery.
func ParseEvery(s string) (time.Duration, bool) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < MinEvery || d > MaxEvery {
		return 0, false
	}
	return d, true
}

// apply changes r by in, and checks the result against the workspace (the
// campaign is checked by the service).
func (r *Rule) apply(o *workspace.Org, in *Input, p *domain.Problems) {
	if in.Name != nil {
		r.Name = strings.TrimSpace(*in.Name)
	}
	if in.AssignedTo != nil {
		r.AssignedTo = *in.AssignedTo
	}
	if in.Type != nil {
		r.Type = *in.Type
	}
	if in.CampaignID != nil {
		r.CampaignID = *in.CampaignID
	}
	if in.Enabled != nil {
		r.Enabled = *in.Enabled
	}
	if in.Every != nil {
		if d, ok := ParseEvery(*in.Every); ok {
			r.Every = domain.Duration(d)
		} else {
			p.Add("every", "interval_out_of_range", "min", domain.Duration(MinEvery).String(), "max", domain.Duration(MaxEvery).String())
		}
	}
	switch n := len([]rune(r.Name)); {
	case n == 0:
		p.Add("name", "required")
	case n > 200:
		p.Add("name", "too_long", "max", "200")
	}
	if r.Type != TypeMultiAssigned {
		p.Add("type", "invalid_value")
	}
	if r.CampaignID == "" {
		p.Add("campaign_id", "required")
	}
	if in.AssignedTo != nil {
		// Checked when given: a new rule is assigned to its (active)
		// creator, and a rule whose assignee left may still be edited.
		checkActiveUser(o, p, "assigned_to", r.AssignedTo)
	}
	if in.UserIDs != nil {
		for i, id := range *in.UserIDs {
			checkActiveUser(o, p, check.Index("user_ids", i), id)
		}
		r.UserIDs = check.Dedupe(*in.UserIDs)
	}
	if len(r.UserIDs) == 0 {
		p.Add("user_ids", "required")
	}
}

// checkActiveUser refuses an id that names no user, or a deactivated one.
func checkActiveUser(o *workspace.Org, p *domain.Problems, path, id string) {
	u, ok := o.User(id)
	switch {
	case id == "":
		p.Add(path, "required")
	case !ok:
		p.Add(path, "unknown_user", "value", id)
	case !u.Active:
		p.Add(path, "user_inactive", "value", id)
	}
}
