package listprefs

import (
	"bytes"
	"encoding/json"
	"slices"

	"tend/internal/domain"
	"tend/internal/jsonin"
)

// SettingsInput is a PUT of list settings.
type SettingsInput struct {
	Columns []string
	Sort    string
	Limit   int
	// LimitGiven tells an absent limit (the default) from a given 0.
	LimitGiven bool
}

// ParseSettings reads a list settings body strictly: a JSON object of
// columns, sort and limit; unknown properties, read-only ones and values
// of the wrong type are refused with their path.
func ParseSettings(raw []byte) (*SettingsInput, error) {
	props, err := jsonin.Object(raw)
	if err != nil {
		return nil, err
	}
	in := &SettingsInput{}
	var p domain.Problems
	for _, prop := range props {
		switch v := prop.Value; prop.Name {
		case "columns":
			in.Columns, _ = value[[]string](v, "columns", "expected_text_list", &p)
		case "sort":
			in.Sort, _ = value[string](v, "sort", "expected_text", &p)
		case "limit":
			in.LimitGiven = true
			in.Limit, _ = value[int](v, "limit", "invalid_limit", &p)
		case "default", "updated_at":
			p.Add(prop.Name, "read_only")
		default:
			jsonin.Unknown(&p, "", prop.Name)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return in, nil
}

// FilterInput creates or changes a saved filter; on a change, absent
// parts are kept.
type FilterInput struct {
	Name *string
	// Filter is condition groups as the list's filter parameter takes
	// them; JSON null clears it.
	Filter  json.RawMessage
	Q, Sort *string
	Shared  *bool
	Version *int64
}

// filterReadOnly are properties Tend keeps itself.
var filterReadOnly = []string{"id", "owner_id", "created_at", "updated_at"}

// ParseFilter reads a saved filter body strictly. The filter's conditions
// are checked later, against the workspace, as the list checks them.
func ParseFilter(raw []byte) (*FilterInput, error) {
	props, err := jsonin.Object(raw)
	if err != nil {
		return nil, err
	}
	in := &FilterInput{}
	var p domain.Problems
	for _, prop := range props {
		switch v := prop.Value; prop.Name {
		case "name":
			in.Name = optional[string](v, "name", "expected_text", &p)
		case "filter":
			in.Filter = bytes.TrimSpace(v)
		case "q":
			in.Q = optional[string](v, "q", "expected_text", &p)
		case "sort":
			in.Sort = optional[string](v, "sort", "expected_text", &p)
		case "shared":
			in.Shared = optional[bool](v, "shared", "expected_boolean", &p)
		case "version":
			in.Version = optional[int64](v, "version", "expected_integer", &p)
		default:
			if isReadOnly(prop.Name) {
				p.Add(prop.Name, "read_only")
				continue
			}
			jsonin.Unknown(&p, "", prop.Name)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return in, nil
}

func isReadOnly(name string) bool { return slices.Contains(filterReadOnly, name) }

// value reads v as a T; null and values of another type are refused
// with code at path.
func value[T any](v json.RawMessage, path, code string, p *domain.Problems) (T, bool) {
	var out T
	if isNull(v) || json.Unmarshal(v, &out) != nil {
		p.Add(path, code)
		return out, false
	}
	return out, true
}

// optional is value for a part that may be left out.
func optional[T any](v json.RawMessage, path, code string, p *domain.Problems) *T {
	out, ok := value[T](v, path, code, p)
	if !ok {
		return nil
	}
	return &out
}

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }
