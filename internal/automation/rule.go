// Package automation runs automation rules [tự động hóa]: when a customer
// is created or changed (from the stream, or the local change feed) and
// daily at a local time (from the scheduler), each enabled rule whose
// conditions match applies its actions through the same validated, audited
// write path as a user's edit, with the rule as the author.
package automation

import (
	"encoding/json"
	"time"

	"tend/internal/action"
	"tend/internal/domain"
	"tend/internal/jsonin"
	"tend/internal/rules"
)

// TriggerType says when a rule is checked [điều kiện kích hoạt].
type TriggerType string

const (
	TriggerCreated          TriggerType = "created"
	TriggerCreatedOrUpdated TriggerType = "created_or_updated"
	TriggerDaily            TriggerType = "daily"
)

// Trigger is when a rule is checked; daily rules run once a local day at
// At ("08:00").
type Trigger struct {
	Type TriggerType `json:"type"`
	At   string      `json:"at,omitempty"`
}

// Action types [hành động thực hiện].
const (
	ActionSetField      = "set_field"
	ActionSetStep       = "set_step"
	ActionAddToPipeline = "add_to_pipeline"
	ActionPin           = "pin"
	ActionUnpin         = "unpin"
)

// Action is one thing a rule does to a matching customer: a change of
// the customer (set_field … unpin), or one of the care-flow actions that
// act outside it (send_email, send_sms, create_task, hand_over), which
// take the properties they take in care flows.
type Action struct {
	Type       string          `json:"type"`
	Field      string          `json:"field,omitempty"`
	Value      json.RawMessage `json:"value,omitempty"`
	PipelineID string          `json:"pipeline_id,omitempty"`
	StepID     string          `json:"step_id,omitempty"`
	Days       *int            `json:"days,omitempty"`

	TemplateID     string   `json:"template_id,omitempty"`
	ToFields       []string `json:"to_fields,omitempty"`
	ToUsers        []string `json:"to_users,omitempty"`
	ToAddresses    []string `json:"to_addresses,omitempty"`
	Advertising    bool     `json:"advertising,omitempty"`
	Sender         string   `json:"sender,omitempty"`
	Title          string   `json:"title,omitempty"`
	Description    string   `json:"description,omitempty"`
	DueInDays      *int     `json:"due_in_days,omitempty"`
	TaskType       string   `json:"task_type,omitempty"`
	Priority       string   `json:"priority,omitempty"`
	Assignee       string   `json:"assignee,omitempty"`
	RelatedUserIDs []string `json:"related_user_ids,omitempty"`
	// RelatedUsers is the deprecated spelling of related_user_ids, as in
	// care flows: read, moved over by currentSpelling, never written.
	RelatedUsers       []string `json:"related_users,omitempty"`
	UserID             string   `json:"user_id,omitempty"`
	DistributionRuleID string   `json:"distribution_rule_id,omitempty"`
}

// effect is a care-flow action as the care-flow package takes it.
func (a Action) effect() action.Action {
	return action.Action{Type: a.Type, TemplateID: a.TemplateID, ToFields: a.ToFields, ToUsers: a.ToUsers,
		ToAddresses: a.ToAddresses, Advertising: a.Advertising, Sender: a.Sender, Title: a.Title, Description: a.Description,
		DueInDays: a.DueInDays, TaskType: a.TaskType, Priority: a.Priority, Assignee: a.Assignee, RelatedUserIDs: a.RelatedUserIDs,
		UserID: a.UserID, DistributionRuleID: a.DistributionRuleID}
}

// currentSpelling moves what an action was given under deprecated
// spellings to the current ones.
func (a *Action) currentSpelling() {
	a.RelatedUserIDs, a.RelatedUsers = action.MergeSpellings(a.RelatedUserIDs, a.RelatedUsers), nil
}

// Rule is an automation rule.
type Rule struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Trigger     Trigger      `json:"trigger"`
	Conditions  rules.Groups `json:"conditions"`
	Actions     []Action     `json:"actions"`
	Enabled     bool         `json:"enabled"`
	// EnabledAt is when the rule was last switched on: a daily rule's first
	// run is the first occurrence after it.
	EnabledAt time.Time `json:"enabled_at"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
	Tenant    string    `json:"tenant_id"`
}

// UnmarshalJSON reads a stored rule, its actions in the current spellings.
func (r *Rule) UnmarshalJSON(b []byte) error {
	type stored Rule // without this method
	if err := json.Unmarshal(b, (*stored)(r)); err != nil {
		return err
	}
	for i := range r.Actions {
		r.Actions[i].currentSpelling()
	}
	return nil
}

// RuleInput creates or changes a rule; on a change, absent parts are kept.
type RuleInput struct {
	Name        *string
	Description *string
	Trigger     *Trigger
	Conditions  rules.Groups
	SetsConds   bool
	Actions     *[]Action
	Enabled     *bool
	Version     *int64
}

// MaxActions bounds the actions of one rule.
const MaxActions = 20

// ParseRule reads a rule body strictly, naming the path of what is wrong
// ("conditions[1][0].op", "actions[2].days").
func ParseRule(raw []byte) (*RuleInput, error) {
	in := &RuleInput{}
	err := jsonin.Read(raw, map[string]jsonin.Reader{
		"name":        jsonin.Value(&in.Name, "expected_text"),
		"description": jsonin.Value(&in.Description, "expected_text"),
		"enabled":     jsonin.Value(&in.Enabled, "expected_boolean"),
		"version":     jsonin.Value(&in.Version, "expected_integer"),
		"trigger":     jsonin.StrictValue(&in.Trigger),
		"actions":     jsonin.ListOf(&in.Actions, MaxActions, (*Action).currentSpelling),
		"conditions": func(name string, v json.RawMessage, p *domain.Problems) {
			groups, err := rules.ParseGroups(v, name)
			if err != nil {
				p.Merge("", domain.FieldErrors(err, name, "not_condition_groups"))
				return
			}
			in.Conditions, in.SetsConds = groups, true
		},
	}, "id", "created_at", "updated_at", "created_by", "enabled_at", "tenant_id")
	if err != nil {
		return nil, err
	}
	return in, nil
}
