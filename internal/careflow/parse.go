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
	props, err := jsonin.Object(raw)
	if err != nil {
		return nil, err
	}
	in := &Input{}
	var p domain.Problems
	for _, prop := range props {
		k, v := prop.Name, prop.Value
		switch k {
		case "module":
			in.Module = jsonin.Decode[Module](v, k, "expected_text", &p)
		case "name":
			in.Name = jsonin.Decode[string](v, k, "expected_text", &p)
		case "description":
			in.Description = jsonin.Decode[string](v, k, "expected_text", &p)
		case "priority":
			in.Priority = jsonin.Decode[int](v, k, "expected_integer", &p)
		case "version":
			in.Version = jsonin.Decode[int64](v, k, "expected_integer", &p)
		case "when":
			in.When = jsonin.DecodeStrict[When](v, k, &p)
		case "condition":
			in.Condition = parseCondition(v, &p)
		case "actions":
			in.Actions = jsonin.List[action.Action](v, k, MaxActions, &p)
			if in.Actions != nil {
				for i := range *in.Actions {
					(*in.Actions)[i].CurrentSpelling()
				}
			}
		case "id", "active", "activated_at", "effective_from", "created_at", "updated_at", "created_by", "tenant_id":
			p.Add(k, "read_only")
		default:
			jsonin.Unknown(&p, "", k)
		}
	}
	if err := p.Err(); err != nil {
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
				p.Merge("", fieldsOf(err))
				continue
			}
			c.Groups = groups
		default:
			jsonin.Unknown(p, "condition", prop.Name)
		}
	}
	return c
}

func fieldsOf(err error) []domain.FieldError {
	if e, ok := err.(*domain.Error); ok {
		return e.Fields
	}
	return []domain.FieldError{{Path: "condition.groups", Code: "not_condition_groups"}}
}
