package templates

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/jsonin"
	"tend/internal/workspace"
)

// Input creates or changes a template; on a change, absent parts are kept.
// Version, when given, must be the template's current version.
type Input struct {
	Name    *string
	Subject *string // email only
	Body    *string
	Version *int64
}

// readOnly are template properties Tend keeps itself: a body naming one is
// refused rather than silently ignored.
var readOnly = []string{"id", "kind", "created_by", "created_at", "updated_at", "tenant_id"}

// ParseInput reads a template body strictly: it must be a JSON object, and
// unknown properties (subject on an SMS template), read-only ones and
// values of the wrong type are refused with their path.
func ParseInput(kind Kind, raw []byte) (*Input, error) {
	if err := jsonin.NotObject(raw); err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("templates: read body: %w", err) // a JSON object: cannot fail
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	in := &Input{}
	var p domain.Problems
	for _, k := range keys {
		v := top[k]
		switch {
		case k == "name":
			in.Name = decodeText(v, k, &p)
		case k == "body":
			in.Body = decodeText(v, k, &p)
		case k == "subject" && kind == KindEmail:
			in.Subject = decodeText(v, k, &p)
		case k == "version":
			var n int64
			if isNull(v) || json.Unmarshal(v, &n) != nil {
				p.Add(k, "expected_integer")
				continue
			}
			in.Version = &n
		case slices.Contains(readOnly, k), kind == KindSMS && (k == "segments" || k == "encoding"):
			p.Add(k, "read_only")
		default:
			p.Add(propertyPath(k), "unknown_json_field", "field", k)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return in, nil
}

// decodeText reads a JSON string; null and other types are refused.
func decodeText(v json.RawMessage, path string, p *domain.Problems) *string {
	var s string
	if isNull(v) || json.Unmarshal(v, &s) != nil {
		p.Add(path, "expected_text")
		return nil
	}
	return &s
}

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// propertyPath names a top-level property; an empty name, which JSON
// allows, is written [""].
func propertyPath(name string) string {
	if name == "" {
		return `[""]`
	}
	return name
}

// apply validates the input against the workspace and writes it into t,
// reporting every problem at once. creating requires every part.
func apply(o *workspace.Org, t *Template, in *Input, creating bool) error {
	var p domain.Problems
	if in.Name != nil || creating {
		t.Name = check.Text(&p, "name", deref(in.Name), MaxName, true)
	}
	switch t.Kind {
	case KindEmail:
		if in.Subject != nil || creating {
			t.Subject = check.Text(&p, "subject", deref(in.Subject), MaxSubject, true)
			// A template serves any module: order keys are accepted too.
			Check(o, ModuleOrders, "subject", t.Subject, false, &p)
		}
	case KindSMS:
		if in.Subject != nil {
			p.Add("subject", "unknown_json_field", "field", "subject")
		}
	}
	if in.Body != nil || creating {
		t.Body = checkBody(&p, t.Kind, deref(in.Body))
		Check(o, ModuleOrders, "body", t.Body, false, &p)
	}
	if t.Kind == KindSMS {
		t.Segments, t.Encoding = SMSSegments(t.Body)
	}
	return p.Err()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// checkBody checks a body, kept as written (white space may be meant).
func checkBody(p *domain.Problems, kind Kind, s string) string {
	fault := domain.TextFault(s, true)
	switch {
	case strings.TrimSpace(s) == "":
		p.Add("body", "required")
	case fault != "":
		p.Add("body", fault)
	case kind == KindEmail && len(s) > MaxEmailBody:
		p.Add("body", "too_long_bytes", "max", fmt.Sprint(MaxEmailBody))
	case kind == KindSMS && utf8.RuneCountInString(s) > MaxSMSBody:
		p.Add("body", "too_long", "max", fmt.Sprint(MaxSMSBody))
	}
	return s
}
