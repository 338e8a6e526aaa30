// Package careflow runs care flows [quy trình chăm sóc]: at a local time,
// on the anniversary of a date field (a birthday, a founding date, an
// order date), on the date in a field, or on a schedule, every record of a
// module that meets the flow's condition gets the flow's actions — fields
// updated, an email or SMS through the outbox, a task, a hand-over, a care
// card — at most once per record and occurrence, however often the run is
// retried.
package careflow

import (
	"encoding/json"
	"slices"
	"time"

	"tend/internal/rules"
)

// Module is the kind of record a flow works on [phân hệ].
type Module string

const (
	ModuleCustomers Module = "customers"
	ModuleOrders    Module = "orders"
)

// When kinds [khi nào].
const (
	WhenAnniversary = "anniversary" // yearly on a date field, offset by days
	WhenDate        = "date"        // once, on the date in a field, offset by days
	WhenSchedule    = "schedule"    // every day, week (Mondays) or month (the 1st)
)

// When says when a flow acts on a record.
type When struct {
	Type  string `json:"type"`
	Field string `json:"field,omitempty"`
	// OffsetDays moves the day the flow acts from the field's date:
	// negative is before it (−3: three days before the birthday).
	OffsetDays int    `json:"offset_days"`
	At         string `json:"at"`
	// Window is "day" (the date itself) or "week" (any date of its week,
	// Monday to Sunday) for anniversaries [trong ngày / trong tuần].
	Window string `json:"window,omitempty"`
	// Every is "day", "week" or "month" for schedules.
	Every string `json:"every,omitempty"`
}

// Condition picks the records a flow acts on: all of them, or those that
// meet condition groups (the automation rule engine).
type Condition struct {
	All    bool         `json:"all,omitempty"`
	Groups rules.Groups `json:"groups,omitempty"`
}

// Action types [hành động ngay].
const (
	ActionUpdateFields = "update_fields"
	ActionSendEmail    = "send_email"
	ActionSendSMS      = "send_sms"
	ActionCreateTask   = "create_task"
	ActionHandOver     = "hand_over"
	ActionAddCareCard  = "add_care_card"
)

// Action is one thing a flow does to a record. Which properties apply
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
	// read (requests, flows stored before), moved over by currentSpelling,
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

// currentSpelling moves what an action was given under deprecated
// spellings to the current ones.
func (a *Action) currentSpelling() {
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

// Flow is a care flow.
type Flow struct {
	ID          string    `json:"id"`
	Module      Module    `json:"module"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	When        When      `json:"when"`
	Condition   Condition `json:"condition"`
	Actions     []Action  `json:"actions"`
	// Priority orders the flows of a module (1 first) [thứ tự ưu tiên].
	Priority int  `json:"priority"`
	Active   bool `json:"active"`
	// EffectiveFrom is set by an edit made on a day the flow already ran:
	// the edit acts from that day, the next.
	EffectiveFrom string    `json:"effective_from,omitempty"`
	ActivatedAt   time.Time `json:"activated_at,omitzero"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Version       int64     `json:"version"`
	Tenant        string    `json:"tenant_id"`
}

// UnmarshalJSON reads a stored flow, its actions in the current spellings.
func (f *Flow) UnmarshalJSON(b []byte) error {
	type stored Flow // without this method
	if err := json.Unmarshal(b, (*stored)(f)); err != nil {
		return err
	}
	for i := range f.Actions {
		f.Actions[i].currentSpelling()
	}
	return nil
}

// Input creates or changes a flow; on a change, absent parts are kept.
type Input struct {
	Module      *Module
	Name        *string
	Description *string
	When        *When
	Condition   *Condition
	Actions     *[]Action
	Priority    *int
	Version     *int64
}

// Limits.
const (
	MaxActive     = 10 // active flows per module
	MaxActions    = 10
	MaxRecipients = 20  // per action
	MaxName       = 200 // characters
)
