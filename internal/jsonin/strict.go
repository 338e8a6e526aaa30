package jsonin

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"tend/internal/domain"
)

// Strict reads a body that must be a JSON object into v (a pointer to a
// struct), strictly: properties v has no field for, at any depth
// ("items[0].colour"), and values of the wrong type are refused with their
// path. An empty body is an empty object.
func Strict(raw []byte, v any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		raw = []byte("{}")
	}
	if err := NotObject(raw); err != nil {
		return err
	}
	var p domain.Problems
	if unknownKeys(raw, reflect.TypeOf(v), "", &p); !p.Empty() {
		return p.Err()
	}
	err := json.Unmarshal(raw, v)
	if err == nil {
		return nil
	}
	path, code := describeDecodeError(err)
	if path == "" {
		path = locate(raw, v)
	}
	p.Add(path, code, "field", path)
	return p.Err()
}

// NotObject refuses a body that is not a JSON object: invalid_json when it
// is not JSON at all, body_not_object when it is JSON of another kind.
func NotObject(raw []byte) error {
	raw = bytes.TrimSpace(raw)
	switch {
	case !json.Valid(raw):
		return domain.Errorf(domain.ErrBadRequest, "invalid_json")
	case raw[0] != '{':
		return domain.Errorf(domain.ErrBadRequest, "body_not_object")
	}
	return nil
}

// unknownKeys records every property of the JSON value raw that has no
// field in the type t it decodes into, in its objects at any depth.
// Values of the wrong shape are left for the decoder to name.
func unknownKeys(raw json.RawMessage, t reflect.Type, path string, p *domain.Problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if decodesItself(t) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(obj) {
			f, ok := fieldNamed(fields, k)
			if !ok {
				p.Add(Path(path, k), "unknown_json_field", "field", k)
				continue
			}
			unknownKeys(obj[k], f, Path(path, k), p)
		}
	case reflect.Map:
		var obj map[string]json.RawMessage
		if t.Key().Kind() != reflect.String || json.Unmarshal(raw, &obj) != nil {
			return
		}
		for _, k := range sortedKeys(obj) {
			unknownKeys(obj[k], t.Elem(), Path(path, k), p)
		}
	case reflect.Slice, reflect.Array:
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			return
		}
		for i, v := range list {
			unknownKeys(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i), p)
		}
	}
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodesItself reports whether t reads its own JSON (a date, a duration,
// json.RawMessage): its insides are not properties.
func decodesItself(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler)
}

// jsonFields maps the property names a struct decodes, as encoding/json
// reads them (a field's json tag, else its name; fields of embedded
// structs promoted), to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && f.Tag.Get("json") == "-" {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			for k, v := range jsonFields(ft) {
				if _, ok := out[k]; !ok {
					out[k] = v
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// fieldNamed finds the field of a property: by its exact name, else
// ignoring case, as encoding/json does.
func fieldNamed(fields map[string]reflect.Type, key string) (reflect.Type, bool) {
	if t, ok := fields[key]; ok {
		return t, true
	}
	for name, t := range fields {
		if strings.EqualFold(name, key) {
			return t, true
		}
	}
	return nil, false
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// describeDecodeError names the element and the problem of a decode error.
func describeDecodeError(err error) (path, code string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field, codeForType(te.Type)
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return "", "invalid_datetime"
	}
	return "", "invalid_value"
}

var (
	dateType     = reflect.TypeFor[domain.Date]()
	durationType = reflect.TypeFor[domain.Duration]()
	timeType     = reflect.TypeFor[time.Time]()
)

func codeForType(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil:
		return "invalid_value"
	case t == dateType:
		return "invalid_date"
	case t == durationType:
		return "invalid_duration"
	case t == timeType:
		return "invalid_datetime"
	}
	switch t.Kind() {
	case reflect.String:
		return "expected_text"
	case reflect.Bool:
		return "expected_boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "expected_integer"
	case reflect.Float32, reflect.Float64:
		return "expected_number"
	case reflect.Slice, reflect.Array:
		return "expected_list"
	case reflect.Struct, reflect.Map:
		return "expected_object"
	}
	return "invalid_value"
}

// locate finds which top-level property of raw fails to decode into its
// field of v, for errors that don't carry a path (a time that won't parse).
func locate(raw []byte, v any) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return ""
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	fields := jsonFields(t)
	for _, name := range sortedKeys(top) {
		if ft, ok := fieldNamed(fields, name); ok && json.Unmarshal(top[name], reflect.New(ft).Interface()) != nil {
			return name
		}
	}
	return ""
}
