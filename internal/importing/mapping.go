package importing

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/fieldmatch"
	"tend/internal/jsonin"
	"tend/internal/workspace"
)

// Mapping is what a client says of the file's columns: {header:
// field_key}, a null or "" field leaving a column out. It wins over the
// automatic matching.
type Mapping map[string]*string

// ParseMapping reads a mapping sent as JSON (a multipart part, or the
// mapping property of a JSON body); empty means none. Its problems are
// reported at path.
func ParseMapping(raw []byte, path string) (Mapping, error) {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, nil
	}
	if err := jsonin.Check(raw); err != nil {
		return nil, domain.Invalid(path, "expected_object")
	}
	var top map[string]json.RawMessage
	if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) || json.Unmarshal(raw, &top) != nil {
		return nil, domain.Invalid(path, "expected_object")
	}
	m := Mapping{}
	var p domain.Problems
	for _, h := range sortedKeys(top) {
		v := bytes.TrimSpace(top[h])
		if bytes.Equal(v, []byte("null")) {
			m[h] = nil
			continue
		}
		var field string
		if json.Unmarshal(v, &field) != nil {
			p.Add(mappingPath(path, h), "expected_text")
			continue
		}
		if field == "" {
			m[h] = nil
			continue
		}
		m[h] = &field
	}
	return m, p.Err()
}

func mappingPath(path, header string) string { return fmt.Sprintf("%s[%q]", path, header) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// errorsColumn is the header of the error column of an errors file
// (ErrorsFile): a file brought back after fixing leaves it out.
const errorsColumn = "Lỗi"

// MapColumns decides the field of each column of header: the mapping's
// where it names the column, else the field the header's name means
// (fieldmatch: label, key or alias, without case or accents). A mapping
// naming a header the file lacks or a field the workspace lacks, or two
// columns going to one field, is refused with paths under path; so is a
// file that leaves a required field without a column.
func MapColumns(o *workspace.Org, header []string, m Mapping, path string) ([]Column, error) {
	matcher := fieldmatch.New(o)
	var p domain.Problems
	for _, h := range sortedKeys(m) {
		if !slices.Contains(header, h) {
			p.Add(mappingPath(path, h), "unknown_column", "column", h)
		}
		if f := m[h]; f != nil && !importable(o, *f) {
			p.Add(mappingPath(path, h), "unknown_field", "field", *f)
		}
	}
	cols := make([]Column, len(header))
	taken := map[string]string{} // field → the first header mapped to it
	for i, h := range header {
		cols[i].Header = h
		field, explicit := m[h]
		switch {
		case explicit && field != nil:
			cols[i].Field = *field
		case explicit:
		case fieldmatch.Same(h, errorsColumn) || fieldmatch.Same(h, "Error"):
		default:
			cols[i].Field, _ = matcher.Field(h)
		}
		f := cols[i].Field
		if f == "" || !importable(o, f) {
			cols[i].Field = ""
			continue
		}
		if first, ok := taken[f]; ok {
			if explicit {
				p.Add(mappingPath(path, h), "field_mapped_twice", "field", f, "column", first)
			} else {
				// Two columns that both look like one field: the first
				// wins, the other is left out (and listed as unmapped).
				cols[i].Field = ""
			}
			continue
		}
		taken[f] = h
	}
	for _, f := range Fields(o) {
		if _, ok := taken[f.Key]; f.Required && !ok {
			p.Add(path, "required_field_not_mapped", "field", f.Label)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return cols, nil
}

// Fields are the fields a file may fill, in the template's order: the
// writable system fields, then the custom fields.
func Fields(o *workspace.Org) []domain.FieldDef { return fieldmatch.Fields(o) }

func importable(o *workspace.Org, key string) bool {
	return slices.ContainsFunc(Fields(o), func(f domain.FieldDef) bool { return f.Key == key })
}

// fieldDef returns a field a column may go to.
func fieldDef(o *workspace.Org, key string) (domain.FieldDef, bool) {
	if f, ok := o.Field(key); ok {
		return f, true
	}
	f, ok := domain.SystemField(key)
	return f, ok && customer.WritableField(o, key)
}

// Duplicates options: what to do with a row that collides with a customer
// on the workspace's duplicate-check criteria.
const (
	DuplicatesSkip         = "skip"
	DuplicatesUpdate       = "update"
	DuplicatesCreateAnyway = "create_anyway"
)

// Options say where imported customers go and what happens to
// duplicates.
type Options struct {
	WarehouseID        string `json:"warehouse_id,omitempty"`
	PipelineID         string `json:"pipeline_id,omitempty"`
	StepID             string `json:"step_id,omitempty"`
	OwnerID            string `json:"owner_id,omitempty"`
	DistributionRuleID string `json:"distribution_rule_id,omitempty"`
	Duplicates         string `json:"duplicates,omitempty"`
}

// ParseOptions reads options sent as JSON; empty means the defaults.
func ParseOptions(raw []byte, path string) (Options, error) {
	var o Options
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return o, nil
	}
	if err := jsonin.Check(raw); err != nil {
		return o, domain.Invalid(path, "expected_object")
	}
	if err := jsonin.Strict(raw, &o); err != nil {
		return o, prefixed(err, path)
	}
	return o, nil
}

// prefixed puts a validation error's paths under path.
func prefixed(err error, path string) error {
	de, ok := err.(*domain.Error)
	if !ok || len(de.Fields) == 0 {
		return domain.Invalid(path, "expected_object")
	}
	var p domain.Problems
	p.Merge(path, de.Fields)
	return p.Err()
}

// check validates the options for the caller, and fills the owner a
// non-admin imports for (themselves) when they name none.
func (opt *Options) check(ctx context.Context, s *Service, c *workspace.Caller, path string) error {
	o := c.Org
	var p domain.Problems
	at := func(k string) string { return path + "." + k }
	if opt.Duplicates == "" {
		opt.Duplicates = DuplicatesSkip
	}
	switch opt.Duplicates {
	case DuplicatesSkip, DuplicatesUpdate:
	case DuplicatesCreateAnyway:
		if len(o.Duplicates.Criteria) > 0 {
			p.Add(at("duplicates"), "duplicates_enforced", "criteria", criteriaList(o.Duplicates.Criteria))
		}
	default:
		p.Add(at("duplicates"), "invalid_duplicates_option", "value", opt.Duplicates)
	}
	if opt.WarehouseID != "" {
		if _, ok := o.Warehouse(opt.WarehouseID); !ok {
			p.Add(at("warehouse_id"), "unknown_warehouse", "value", opt.WarehouseID)
		}
	}
	switch {
	case opt.PipelineID == "" && opt.StepID != "":
		p.Add(at("pipeline_id"), "required")
	case opt.PipelineID != "" && opt.StepID == "":
		p.Add(at("step_id"), "required")
	case opt.PipelineID != "":
		if pl, ok := o.Pipeline(opt.PipelineID); !ok {
			p.Add(at("pipeline_id"), "unknown_pipeline", "pipeline", opt.PipelineID)
		} else if _, ok := pl.Step(opt.StepID); !ok {
			p.Add(at("step_id"), "unknown_step", "value", opt.StepID)
		}
	}
	sc := o.ScopeOf(c.User)
	switch {
	case opt.OwnerID != "" && opt.DistributionRuleID != "":
		p.Add(at("owner_id"), "owner_or_distribution_rule")
	case opt.OwnerID != "":
		if u, ok := o.User(opt.OwnerID); !ok {
			p.Add(at("owner_id"), "unknown_user", "value", opt.OwnerID)
		} else if !u.Active {
			p.Add(at("owner_id"), "user_inactive", "value", opt.OwnerID)
		} else if !sc.CanAssign(opt.OwnerID, opt.WarehouseID) {
			p.Add(at("owner_id"), "owner_not_allowed")
		}
	case opt.DistributionRuleID != "":
		if !sc.CanAssign("", opt.WarehouseID) {
			p.Add(at("distribution_rule_id"), "owner_not_allowed")
		} else if ok, err := s.Distribution.RuleExists(ctx, c.Tenant(), opt.DistributionRuleID); err != nil {
			return err
		} else if !ok {
			p.Add(at("distribution_rule_id"), "unknown_distribution_rule", "value", opt.DistributionRuleID)
		}
	case !sc.All():
		// Staff import for themselves, as they create by hand.
		opt.OwnerID = c.User.ID
	}
	return p.Err()
}

// criteriaList names criteria for a message: "email, phone".
func criteriaList(criteria []string) string {
	out := ""
	for i, c := range criteria {
		if i > 0 {
			out += ", "
		}
		out += c
	}
	return out
}
