// Package jsonin reads request bodies strictly, naming the path of every
// element at fault ("actions[2].days", "when.at") so that clients get all
// the problems of a body at once.
package jsonin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"

	"tend/internal/domain"
)

// Prop is one property of a JSON object.
type Prop struct {
	Name  string
	Value json.RawMessage
}

// Object splits a body that must be a JSON object into its properties,
// sorted by name; an empty body is an empty object.
func Object(raw []byte) ([]Prop, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, nil
	}
	if err := NotObject(raw); err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("jsonin: read object: %w", err) // valid JSON: cannot fail
	}
	props := make([]Prop, 0, len(top))
	for k, v := range top {
		props = append(props, Prop{Name: k, Value: v})
	}
	sort.Slice(props, func(i, j int) bool { return props[i].Name < props[j].Name })
	return props, nil
}

// Decode reads v as a T; when it isn't one, it records code at path.
func Decode[T any](v json.RawMessage, path, code string, p *domain.Problems) *T {
	var out T
	if json.Unmarshal(v, &out) != nil {
		p.Add(path, code)
		return nil
	}
	return &out
}

// DecodeStrict reads v as the object T, refusing properties T doesn't
// have, and names the property at fault.
func DecodeStrict[T any](v json.RawMessage, path string, p *domain.Problems) *T {
	before := len(p.Fields)
	if unknownKeys(v, reflect.TypeFor[T](), path, p); len(p.Fields) > before {
		return nil
	}
	var out T
	err := json.Unmarshal(v, &out)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return &out
	case errors.As(err, &te) && te.Field != "":
		p.Add(Path(path, te.Field), "invalid_value")
	default:
		p.Add(path, "expected_object")
	}
	return nil
}

// Unknown records a property the body may not have.
func Unknown(p *domain.Problems, path, name string) {
	p.Add(Path(path, name), "unknown_json_field", "field", name)
}

// Path names a property of the object at path; an empty name, which JSON
// allows, is written [""].
func Path(path, name string) string {
	switch {
	case name == "":
		return path + `[""]`
	case path == "":
		return name
	}
	return path + "." + name
}

// List reads v as a list of at most max objects T, each read strictly
// and named by its index ("actions[2].days").
func List[T any](v json.RawMessage, path string, max int, p *domain.Problems) *[]T {
	var raws []json.RawMessage
	if json.Unmarshal(v, &raws) != nil {
		p.Add(path, "expected_list")
		return nil
	}
	if len(raws) > max {
		p.Add(path, "too_many", "max", fmt.Sprint(max))
		return nil
	}
	out := make([]T, 0, len(raws))
	for i, r := range raws {
		if x := DecodeStrict[T](r, fmt.Sprintf("%s[%d]", path, i), p); x != nil {
			out = append(out, *x)
		}
	}
	return &out
}
