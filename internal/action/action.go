// Package action carries out the actions care flows and automation rules
// take outside the customer's own fields [hành động]: field updates and
// hand-overs as the flow's or rule's edit, emails and SMS through the
// outbox, tasks and care cards, hand-overs through a distribution rule;
// each at most once per record and occurrence (or rule firing), however
// often it is retried.
package action

import (
	"encoding/json"
	"slices"
)

// Action types [hành động ngay].
const (
	UpdateFields = "update_fields"
	SendEmail    = "send_email"
	SendSMS      = "send_sms"
	CreateTask   = "create_task"
	HandOver     = "hand_over"
	AddCareCard  = "add_care_card"
)

// Action is one thing a care flow, or a rule, does to a record. Which properties apply
// depends on its type.
type Action struct {
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
	// update_fields: values by field key; add_care_card: the card's fields.
	Fields map[string]json.RawMessage `json:"fields,omitempty"`
	// send_email, send_sms.
	TemplateID  string   `json:"template_id,omitempty"`
	ToFields    []string `json:"to_fields,omitempty"`
	ToUsers     []string `json:"to_users,omitempty"`
	ToAddresses []string `json:"to_addresses,omitempty"`
	AttachPDF   bool     `json:"attach_pdf,omitempty"`
	Advertising bool     `json:"advertising,omitempty"`
	Sender      string   `json:"sender,omitempty"`
	// create_task.
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	DueInDays   *int   `json:"due_in_days,omitempty"`
	TaskType    string `json:"task_type,omitempty"`
	Priority    string `json:"priority,omitempty"`
	Assignee    string `json:"assignee,omitempty"` // "owner" or a user id
	// RelatedUserIDs are spelt as a task's related_user_ids.
	RelatedUserIDs []string `json:"related_user_ids,omitempty"`
	// RelatedUsers is the deprecated spelling of related_user_ids: still
	// read (requests, flows stored before), moved over by CurrentSpelling,
	// so never answered or stored.
	RelatedUsers []string `json:"related_users,omitempty"`
	// hand_over: to a user, or through a distribution rule.
	UserID             string `json:"user_id,omitempty"`
	DistributionRuleID string `json:"distribution_rule_id,omitempty"`
	// add_care_card: owner is a user id or "performer" (the order's).
	Owner      string `json:"owner,omitempty"`
	Notify     bool   `json:"notify,omitempty"`
	CareInDays *int   `json:"care_in_days,omitempty"`
}

// CurrentSpelling moves what an action was given under deprecated
// spellings to the current ones.
func (a *Action) CurrentSpelling() {
	a.RelatedUserIDs, a.RelatedUsers = MergeSpellings(a.RelatedUserIDs, a.RelatedUsers), nil
}

// MergeSpellings is a list given under a property's current spelling,
// then what was given under its deprecated one and is not already in it.
func MergeSpellings(current, deprecated []string) []string {
	for _, v := range deprecated {
		if !slices.Contains(current, v) {
			current = append(current, v)
		}
	}
	return current
}

// MaxRecipients bounds the recipients of one message action.
const MaxRecipients = 20
