package customer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/jsonin"
	"tend/internal/lunar"
	"tend/internal/workspace"
)

// Input is a parsed customer body: the fields it sets and to what.
// A field that is absent is left alone; null clears it.
type Input struct {
	system    map[string]json.RawMessage
	custom    map[string]json.RawMessage
	pipelines map[string]json.RawMessage
	// Version, when given, must be the customer's current version.
	Version *int64
}

// writable are the system fields a client may set, with their maximum
// length for text.
var writable = map[string]int{
	domain.FieldName: 255, domain.FieldPhone: 0, domain.FieldEmail: 0, domain.FieldFax: 0, domain.FieldTaxCode: 20,
	domain.FieldBusinessAddress: 500, domain.FieldOfficeAddress: 500, domain.FieldBirthday: 0,
	domain.FieldFoundingDate: 0, domain.FieldDescription: 5000, domain.FieldWarehouse: 0, domain.FieldOwner: 0,
	domain.FieldSource: 100, domain.FieldTags: 0, domain.FieldEmailOptOut: 0, domain.FieldSMSOptOut: 0,
}

// readOnly are customer keys Tend keeps itself; a body naming one is
// refused (read_only) rather than silently ignored.
var readOnly = map[string]bool{
	"id": true, "code": true, "shared_with": true, "pinned_at": true, "pinned_until": true, "last_care_at": true,
	"revenue": true, "next_appointment_at": true, "last_order_at": true, "created_at": true, "updated_at": true,
	"deleted_at": true, "assigned_at": true, "owner_cared_at": true,
}

// ParseInput reads a customer body (POST or PATCH). It checks the
// shape only; Apply checks the values against the workspace's fields.
func ParseInput(raw []byte) (*Input, error) {
	if err := jsonin.NotObject(raw); err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("customer: read customer body: %w", err) // a JSON object: cannot fail
	}
	in := &Input{system: map[string]json.RawMessage{}, custom: map[string]json.RawMessage{}, pipelines: map[string]json.RawMessage{}}
	var p domain.Problems
	for _, k := range sortedRawKeys(top) {
		v := top[k]
		switch {
		case k == "fields":
			if !decodeObject(v, &in.custom) {
				p.Add("fields", "expected_object")
			}
		case k == "pipelines":
			if !decodeObject(v, &in.pipelines) {
				p.Add("pipelines", "expected_object")
			}
		case k == "version":
			var n int64
			if json.Unmarshal(v, &n) != nil {
				p.Add("version", "expected_integer")
			}
			in.Version = &n
		case k == "owner":
			in.system[domain.FieldOwner] = v
		case k == "warehouse":
			in.system[domain.FieldWarehouse] = v
		case readOnly[k]:
			p.Add(k, "read_only")
		default:
			if _, ok := writable[k]; !ok {
				p.Add(keyPath("", k), "unknown_field", "field", k)
				continue
			}
			in.system[k] = v
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return in, nil
}

// keyPath names the property key of an object at prefix: "fields.kind";
// an empty key, which JSON allows, is written [""].
func keyPath(prefix, key string) string {
	switch {
	case key == "":
		return prefix + `[""]`
	case prefix == "":
		return key
	}
	return prefix + "." + key
}

// decodeObject decodes a JSON object (null counts as empty).
func decodeObject(v json.RawMessage, into *map[string]json.RawMessage) bool {
	if isNull(v) {
		return true
	}
	return bytes.HasPrefix(bytes.TrimSpace(v), []byte("{")) && json.Unmarshal(v, into) == nil
}

func isNull(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) == 0 || bytes.Equal(v, []byte("null"))
}

func sortedRawKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Sets reports whether the input sets the system field key.
func (in *Input) Sets(key string) bool { _, ok := in.system[key]; return ok }

// SetSystem sets a system field to a JSON value, for callers that build
// input in code (the webhook mapping, the importer).
func (in *Input) SetSystem(key string, v json.RawMessage) { in.system[key] = v }

// apply validates the input against the workspace and writes it into c.
// creating makes required fields mandatory.
func (in *Input) apply(o *workspace.Org, c *domain.Customer, creating bool, now time.Time) *domain.Problems {
	p := &domain.Problems{}
	if creating && !in.Sets(domain.FieldName) {
		p.Add(domain.FieldName, "required")
	}
	for _, k := range sortedRawKeys(in.system) {
		applySystem(o, c, k, in.system[k], p)
	}
	for _, k := range sortedRawKeys(in.custom) {
		f, ok := o.Field(k)
		path := keyPath("fields", k)
		if !ok {
			p.Add(path, "unknown_field", "field", k)
			continue
		}
		v, ok := customValue(o, f, in.custom[k], path, p)
		if !ok {
			continue
		}
		if v == nil {
			if f.Required {
				p.Add(path, "required")
			}
			delete(c.Fields, k)
			continue
		}
		c.Fields[k] = v
	}
	if creating {
		for _, f := range o.Fields {
			if _, set := c.Fields[f.Key]; f.Required && !set && !slices.ContainsFunc(p.Fields, func(e domain.FieldError) bool { return e.Path == "fields."+f.Key }) {
				p.Add("fields."+f.Key, "required")
			}
		}
	}
	for _, pid := range sortedRawKeys(in.pipelines) {
		applyPipeline(o, c, pid, in.pipelines[pid], p)
	}
	return p
}

func applyPipeline(o *workspace.Org, c *domain.Customer, pid string, v json.RawMessage, p *domain.Problems) {
	path := keyPath("pipelines", pid)
	pl, ok := o.Pipeline(pid)
	if !ok {
		p.Add(path, "unknown_pipeline", "pipeline", pid)
		return
	}
	if isNull(v) {
		delete(c.Pipelines, pid)
		return
	}
	var step string
	if json.Unmarshal(v, &step) != nil {
		p.Add(path, "expected_text")
		return
	}
	if _, ok := pl.Step(step); !ok {
		p.Add(path, "unknown_step", "value", step)
		return
	}
	c.Pipelines[pid] = step
}

// decodeString reads a string value; null is "".
func decodeString(v json.RawMessage, path string, p *domain.Problems) (string, bool) {
	if isNull(v) {
		return "", true
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		p.Add(path, "expected_text")
		return "", false
	}
	return s, true
}

func applySystem(o *workspace.Org, c *domain.Customer, key string, v json.RawMessage, p *domain.Problems) {
	switch key {
	case domain.FieldTags:
		var tags []string
		if !isNull(v) && json.Unmarshal(v, &tags) != nil {
			p.Add(key, "expected_text_list")
			return
		}
		c.Tags = checkTags(p, tags)
		return
	case domain.FieldEmailOptOut, domain.FieldSMSOptOut:
		var b bool
		if !isNull(v) && json.Unmarshal(v, &b) != nil {
			p.Add(key, "expected_boolean")
			return
		}
		if key == domain.FieldEmailOptOut {
			c.EmailOptOut = b
		} else {
			c.SMSOptOut = b
		}
		return
	}
	s, ok := decodeString(v, key, p)
	if !ok {
		return
	}
	switch key {
	case domain.FieldName:
		c.Name = check.Text(p, key, s, writable[key], true)
	case domain.FieldPhone:
		c.Phone = check.Phone(p, key, s)
	case domain.FieldFax:
		c.Fax = check.Phone(p, key, s)
	case domain.FieldEmail:
		c.Email = check.Email(p, key, s, false)
	case domain.FieldTaxCode:
		c.TaxCode = checkTaxCode(p, key, s)
	case domain.FieldBusinessAddress:
		c.BusinessAddress = check.Lines(p, key, s, writable[key], false)
	case domain.FieldOfficeAddress:
		c.OfficeAddress = check.Lines(p, key, s, writable[key], false)
	case domain.FieldDescription:
		c.Description = check.Lines(p, key, s, writable[key], false)
	case domain.FieldSource:
		c.Source = check.Text(p, key, s, writable[key], false)
	case domain.FieldBirthday, domain.FieldFoundingDate:
		d, err := parseOptionalDate(s)
		if err != nil {
			p.Add(key, "invalid_date")
			return
		}
		if key == domain.FieldBirthday {
			c.Birthday = d
		} else {
			c.FoundingDate = d
		}
	case domain.FieldOwner:
		if s != "" {
			if u, ok := o.User(s); !ok {
				p.Add(key, "unknown_user", "value", s)
				return
			} else if !u.Active {
				p.Add(key, "user_inactive", "value", s)
				return
			}
		}
		c.OwnerID = s
	case domain.FieldWarehouse:
		if _, ok := o.Warehouse(s); s != "" && !ok {
			p.Add(key, "unknown_warehouse", "value", s)
			return
		}
		c.WarehouseID = s
	}
}

func parseOptionalDate(s string) (domain.Date, error) {
	if strings.TrimSpace(s) == "" {
		return domain.Date{}, nil
	}
	return domain.ParseDate(strings.TrimSpace(s))
}

// checkTaxCode accepts a Vietnamese tax code [mã số thuế]: 10 digits, or
// 13 for a branch, written "0101234567-001" or "0101234567001".
func checkTaxCode(p *domain.Problems, path, s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s != "" && !validTaxCode(s) {
		p.Add(path, "invalid_tax_code")
	}
	return s
}

func validTaxCode(s string) bool {
	if len(s) != 10 && len(s) != 13 && len(s) != 14 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if len(s) == 14 && i == 10 {
			if s[i] != '-' {
				return false
			}
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func checkTags(p *domain.Problems, tags []string) []string {
	out := []string{}
	var seen []string
	for i, t := range tags {
		t = strings.TrimSpace(t)
		switch {
		case t == "":
			continue
		case len([]rune(t)) > 50:
			p.Add(check.Index(domain.FieldTags, i), "too_long", "max", "50")
			continue
		}
		if f := domain.Fold(t); !slices.Contains(seen, f) {
			seen = append(seen, f)
			out = append(out, t)
		}
	}
	if len(out) > 50 {
		p.Add(domain.FieldTags, "too_many", "max", "50")
	}
	return out
}

// customValue validates a custom field value and returns it in its stored
// form (see domain.Customer.Fields); nil means "clear".
func customValue(o *workspace.Org, f domain.FieldDef, v json.RawMessage, path string, p *domain.Problems) (any, bool) {
	if isNull(v) {
		return nil, true
	}
	switch f.Type {
	case domain.TypeNumber, domain.TypeMoney:
		var x float64
		if json.Unmarshal(v, &x) != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			p.Add(path, "expected_number")
			return nil, false
		}
		if math.Abs(x) > 1e15 {
			p.Add(path, "out_of_range")
			return nil, false
		}
		if f.Type == domain.TypeMoney && x != math.Trunc(x) {
			p.Add(path, "expected_integer")
			return nil, false
		}
		return x, true
	case domain.TypeBoolean:
		var b bool
		if json.Unmarshal(v, &b) != nil {
			p.Add(path, "expected_boolean")
			return nil, false
		}
		return b, true
	case domain.TypeMultiSelect:
		var list []string
		if json.Unmarshal(v, &list) != nil {
			p.Add(path, "expected_text_list")
			return nil, false
		}
		list = check.Dedupe(list)
		good := true
		for i, o := range list {
			if !f.HasOption(o) {
				p.Add(check.Index(path, i), "not_an_option", "value", o)
				good = false
			}
		}
		if len(list) == 0 {
			return nil, good
		}
		return list, good
	}
	s, ok := decodeString(v, path, p)
	if !ok {
		return nil, false
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	switch f.Type {
	case domain.TypeDate:
		if f.IsLunar() {
			if _, err := lunar.Parse(s); err != nil {
				p.Add(path, "invalid_lunar_date")
				return nil, false
			}
		} else if _, err := domain.ParseDate(s); err != nil {
			p.Add(path, "invalid_date")
			return nil, false
		}
	case domain.TypeDateTime:
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			p.Add(path, "invalid_datetime")
			return nil, false
		}
		s = t.UTC().Format(time.RFC3339)
	case domain.TypeSelect:
		if !f.HasOption(s) {
			p.Add(path, "not_an_option", "value", s)
			return nil, false
		}
	case domain.TypeUser:
		if _, ok := o.User(s); !ok {
			p.Add(path, "unknown_user", "value", s)
			return nil, false
		}
	case domain.TypePhone:
		n := len(p.Fields)
		s = check.Phone(p, path, s)
		return s, len(p.Fields) == n
	case domain.TypeEmail:
		n := len(p.Fields)
		s = check.Email(p, path, s, false)
		return s, len(p.Fields) == n
	default:
		n := len(p.Fields)
		s = check.Lines(p, path, s, 2000, false)
		return s, len(p.Fields) == n
	}
	return s, true
}

// Preview validates the input as a new customer of the workspace and
// returns the customer it would make, writing nothing.
func (in *Input) Preview(o *workspace.Org, now time.Time) (*domain.Customer, error) {
	c := &domain.Customer{CreatedAt: now, UpdatedAt: now}
	normaliseCustomer(c)
	if err := in.apply(o, c, true, now).Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// NewInput returns an empty input, for callers that build one in
// code (a webhook's mapping, the importer).
func NewInput() *Input {
	return &Input{system: map[string]json.RawMessage{}, custom: map[string]json.RawMessage{}, pipelines: map[string]json.RawMessage{}}
}

// SetCustom sets a custom field to a JSON value.
func (in *Input) SetCustom(key string, v json.RawMessage) { in.custom[key] = v }

// SetPipeline puts the customer at a step of a pipeline.
func (in *Input) SetPipeline(pipelineID, stepID string) {
	in.pipelines[pipelineID], _ = json.Marshal(stepID)
}

// Patch validates the input as an edit of c (required fields need not be
// given) and writes it into c: what a system actor that edits a customer
// (an import updating a duplicate) applies inside Mutate, with exactly the
// checks of a user's PATCH.
func (in *Input) Patch(o *workspace.Org, c *domain.Customer, now time.Time) error {
	normaliseCustomer(c)
	return in.apply(o, c, false, now).Err()
}

// Empty reports whether the input sets nothing.
func (in *Input) Empty() bool {
	return len(in.system) == 0 && len(in.custom) == 0 && len(in.pipelines) == 0
}
