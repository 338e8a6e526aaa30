package careflow

import (
	"bytes"
	"encoding/json"

	"tend/internal/action"
	"tend/internal/domain"
	"tend/internal/jsonin"
	"tend/internal/rules"
)

// ParseInput reads a flow body strictly, naming the path of what is wrong
// ("when.at", "actions[1].template_id").
func ParseInput(raw []byte) (*Input, error) {
	in := &Input{}
	err := jsonin.Read(raw, map[string]jsonin.Reader{
		"module":      jsonin.Value(&in.Module, "expected_text"),
		"name":        jsonin.Value(&in.Name, "expected_text"),
		"description": jsonin.Value(&in.Description, "expected_text"),
		"priority":    jsonin.Value(&in.Priority, "expected_integer"),
		"version":     jsonin.Value(&in.Version, "expected_integer"),
		"when":        jsonin.StrictValue(&in.When),
		"actions":     jsonin.ListOf(&in.Actions, MaxActions, (*action.Action).CurrentSpelling),
		"condition":   func(_ string, v json.RawMessage, p *domain.Problems) { in.Condition = parseCondition(v, p) },
	}, "id", "active", "activated_at", "effective_from", "created_at", "updated_at", "created_by", "tenant_id")
	if err != nil {
		return nil, err
	}
	return in, nil
}

func parseCondition(v json.RawMessage, p *domain.Problems) *Condition {
	props, err := jsonin.Object(v)
	if err != nil || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		p.Add("condition", "expected_object")
		return nil
	}
	c := &Condition{}
	for _, prop := range props {
		switch prop.Name {
		case "all":
			if all := jsonin.Decode[bool](prop.Value, "condition.all", "expected_boolean", p); all != nil {
				c.All = *all
			}
		case "groups":
			groups, err := rules.ParseGroups(prop.Value, "condition.groups")
			if err != nil {
				p.Merge("", domain.FieldErrors(err, "condition.groups", "not_condition_groups"))
				continue
			}
			c.Groups = groups
		default:
			jsonin.Unknown(p, "condition", prop.Name)
		}
	}
	return c
}
