// Package automation runs automation rules [tự động hóa]: when a customer
// is created or changed (from the stream, or the local change feed) and
// daily at a local time (from the scheduler), each enabled rule whose
// conditions match applies its actions through the same validated, audited
// write path as a user's edit, with the rule as the author.
package automation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"tend/internal/domain"
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

// careFlowActions are the care-flow actions rules will also take once care
// flows exist; until then a rule naming one is refused.
var careFlowActions = []string{"send_email", "send_sms", "create_task", "hand_over"}

// Action is one thing a rule does to a matching customer.
type Action struct {
	Type       string          `json:"type"`
	Field      string          `json:"field,omitempty"`
	Value      json.RawMessage `json:"value,omitempty"`
	PipelineID string          `json:"pipeline_id,omitempty"`
	StepID     string          `json:"step_id,omitempty"`
	Days       *int            `json:"days,omitempty"`
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
	raw = bytes.TrimSpace(raw)
	var top map[string]json.RawMessage
	if len(raw) == 0 {
		raw = []byte("{}")
	}
	if raw[0] != '{' || json.Unmarshal(raw, &top) != nil {
		return nil, domain.Errorf(domain.ErrBadRequest, "body_not_object")
	}
	in := &RuleInput{}
	var p domain.Problems
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := top[k]
		switch k {
		case "name":
			in.Name = decodeInto[string](v, k, "expected_text", &p)
		case "description":
			in.Description = decodeInto[string](v, k, "expected_text", &p)
		case "enabled":
			in.Enabled = decodeInto[bool](v, k, "expected_boolean", &p)
		case "version":
			in.Version = decodeInto[int64](v, k, "expected_integer", &p)
		case "trigger":
			in.Trigger = decodeStrictInto[Trigger](v, k, &p)
		case "conditions":
			groups, err := rules.ParseGroups(v, "conditions")
			if err != nil {
				p.Merge("", fieldsOf(err))
				continue
			}
			in.Conditions, in.SetsConds = groups, true
		case "actions":
			in.Actions = parseActions(v, &p)
		case "id", "created_at", "updated_at", "created_by", "enabled_at", "tenant_id":
			p.Add(k, "read_only")
		default:
			p.Add(propertyPath("", k), "unknown_json_field", "field", k)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return in, nil
}

func parseActions(v json.RawMessage, p *domain.Problems) *[]Action {
	var raws []json.RawMessage
	if json.Unmarshal(v, &raws) != nil {
		p.Add("actions", "expected_list")
		return nil
	}
	if len(raws) > MaxActions {
		p.Add("actions", "too_many", "max", fmt.Sprint(MaxActions))
		return nil
	}
	actions := make([]Action, 0, len(raws))
	for i, r := range raws {
		a := decodeStrictInto[Action](r, fmt.Sprintf("actions[%d]", i), p)
		if a != nil {
			actions = append(actions, *a)
		}
	}
	return &actions
}

func decodeInto[T any](v json.RawMessage, path, code string, p *domain.Problems) *T {
	var out T
	if json.Unmarshal(v, &out) != nil {
		p.Add(path, code)
		return nil
	}
	return &out
}

// decodeStrictInto decodes an object refusing unknown properties, naming
// the property at fault.
func decodeStrictInto[T any](v json.RawMessage, path string, p *domain.Problems) *T {
	var out T
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.DisallowUnknownFields()
	err := dec.Decode(&out)
	if err == nil && !dec.More() {
		return &out
	}
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		p.Add(path, "invalid_value")
	case strings.HasPrefix(err.Error(), `json: unknown field "`):
		name := strings.TrimSuffix(strings.TrimPrefix(err.Error(), `json: unknown field "`), `"`)
		p.Add(propertyPath(path, name), "unknown_json_field", "field", name)
	case asTypeError(err, &te) && te.Field != "":
		p.Add(path+"."+te.Field, "invalid_value")
	default:
		p.Add(path, "expected_object")
	}
	return nil
}

func asTypeError(err error, te **json.UnmarshalTypeError) bool {
	e, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = e
	}
	return ok
}

func fieldsOf(err error) []domain.FieldError {
	if e, ok := err.(*domain.Error); ok {
		return e.Fields
	}
	return []domain.FieldError{{Path: "conditions", Code: "not_condition_groups"}}
}

// propertyPath names a property of the object at path; an empty name,
// which JSON allows, is written [""].
func propertyPath(path, name string) string {
	switch {
	case name == "":
		return path + `[""]`
	case path == "":
		return name
	}
	return path + "." + name
}
