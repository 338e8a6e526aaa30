package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"

	"tend/internal/domain"
)

// maxBody bounds a request body.
const maxBody = 1 << 20

// readBody reads the request body, refusing what is too large or not JSON.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !jsonish(mt) {
			return nil, domain.Errorf(domain.ErrBadRequest, "unsupported_media_type")
		}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, domain.Errorf(domain.ErrBadRequest, "body_too_large", "max", "1 MiB")
	}
	if err != nil {
		return nil, domain.Errorf(domain.ErrBadRequest, "invalid_json")
	}
	return b, nil
}

// jsonish accepts JSON media types, and the form type curl sends with -d
// by default: the body must parse as JSON either way.
func jsonish(mediaType string) bool {
	switch mediaType {
	case "application/json", "text/plain", "application/x-www-form-urlencoded":
		return true
	}
	return strings.HasSuffix(mediaType, "+json")
}

// decodeBody reads a JSON object body into v, strictly: unknown properties
// and values of the wrong type are refused with their path.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	raw, err := readBody(w, r)
	if err != nil {
		return err
	}
	return decodeStrict(raw, v)
}

func decodeStrict(raw []byte, v any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		raw = []byte("{}")
	}
	if !json.Valid(raw) {
		return domain.Errorf(domain.ErrBadRequest, "invalid_json")
	}
	if raw[0] != '{' {
		return domain.Errorf(domain.ErrBadRequest, "body_not_object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	path, code := describeDecodeError(err)
	if path == "" {
		path = locate(raw, v)
	}
	return &domain.Error{Kind: domain.ErrInvalid, Code: "validation_failed",
		Fields: []domain.FieldError{{Path: path, Code: code, Params: map[string]string{"field": path}}}}
}

// describeDecodeError names the element and the problem of a decode error.
func describeDecodeError(err error) (path, code string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field, codeForType(te.Type)
	}
	if name, ok := strings.CutPrefix(err.Error(), `json: unknown field "`); ok {
		name = strings.TrimSuffix(name, `"`)
		return name, "unknown_json_field"
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
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if value, ok := top[name]; ok && json.Unmarshal(value, reflect.New(f.Type).Interface()) != nil {
			return name
		}
	}
	return ""
}
