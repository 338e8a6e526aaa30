package workspace

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"tend/internal/check"
	"tend/internal/domain"
)

// FieldInput creates or changes a custom field. Key and type are fixed
// once created.
type FieldInput struct {
	Key      *string           `json:"key"`
	Label    *string           `json:"label"`
	Type     *domain.FieldType `json:"type"`
	Options  *[]string         `json:"options"`
	Required *bool             `json:"required"`
	// Calendar "lunar" makes a new date field hold lunar dates; "solar"
	// (the default) the Gregorian ones. Fixed once created, like the type.
	Calendar *string `json:"calendar"`
	Version  *int64  `json:"version"`
}

// MaxCustomFields bounds the custom fields of a workspace.
const MaxCustomFields = 200

var fieldKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// reservedKeys can't name a custom field: they mean something else in a
// customer body or a condition.
var reservedKeys = []string{"id", "fields", "pipelines", "version", "owner", "warehouse", "step", "tenant_id", "claims", "pinned_at", "deleted_at"}

// ListFields returns the system fields and then the custom ones.
func (s *Service) ListFields(c *Caller) []domain.FieldDef {
	out := slices.Clone(domain.SystemFields)
	for i := range out {
		out[i].Options = []string{}
	}
	for _, f := range c.Org.Fields {
		out = append(out, f)
	}
	return out
}

// GetField returns a field definition by key.
func (s *Service) GetField(c *Caller, key string) (domain.FieldDef, error) {
	if f, ok := domain.SystemField(key); ok {
		f.Options = []string{}
		return f, nil
	}
	if f, ok := c.Org.Field(key); ok {
		return f, nil
	}
	return domain.FieldDef{}, domain.NotFound("field")
}

// SaveField creates (key "") or changes a custom field (admins only).
func (s *Service) SaveField(ctx context.Context, c *Caller, key string, in FieldInput) (*domain.FieldDef, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	now := s.now()
	var p domain.Problems
	f := domain.FieldDef{CreatedAt: now, Options: []string{}}
	var prev int64
	if key != "" {
		if _, system := domain.SystemField(key); system {
			return nil, domain.Errorf(domain.ErrConflict, "system_field")
		}
		old, ok := c.Org.Field(key)
		if !ok {
			return nil, domain.NotFound("field")
		}
		if err := domain.CheckVersion(in.Version, old.Version, "field"); err != nil {
			return nil, err
		}
		f, prev = old, old.Version
		if in.Key != nil && *in.Key != old.Key {
			p.Add("key", "read_only")
		}
		if in.Type != nil && *in.Type != old.Type {
			p.Add("type", "read_only")
		}
		if in.Calendar != nil && calendarOf(*in.Calendar) != old.Calendar {
			p.Add("calendar", "read_only")
		}
	} else {
		if len(c.Org.Fields) >= MaxCustomFields {
			return nil, domain.Errorf(domain.ErrConflict, "too_many_fields", "max", fmt.Sprint(MaxCustomFields))
		}
		checkNewField(c.Org, &f, in, &p)
	}
	if in.Label != nil {
		f.Label = check.Text(&p, "label", *in.Label, 100, true)
	} else if key == "" {
		p.Add("label", "required")
	}
	if in.Required != nil {
		f.Required = *in.Required
	}
	if in.Options != nil {
		f.Options = checkOptions(&p, *in.Options)
	}
	hasOptions := f.Type == domain.TypeSelect || f.Type == domain.TypeMultiSelect
	switch {
	case hasOptions && len(f.Options) == 0 && p.Empty():
		p.Add("options", "required")
	case !hasOptions && len(f.Options) > 0:
		p.Add("options", "options_not_allowed")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	f.Version, f.UpdatedAt = prev+1, now
	if err := SaveSetup(ctx, s.store, fieldKey(c.Tenant(), f.Key), typeField, "field", f, f.Version, prev); err != nil {
		if prev == 0 && domain.CodeOf(err) == "version_conflict" {
			return nil, &domain.Error{Kind: domain.ErrConflict, Code: "field_exists", Fields: []domain.FieldError{{Path: "key", Code: "field_exists"}}}
		}
		return nil, err
	}
	return &f, nil
}

func checkNewField(o *Org, f *domain.FieldDef, in FieldInput, p *domain.Problems) {
	switch {
	case in.Key == nil || *in.Key == "":
		p.Add("key", "required")
	case !fieldKeyPattern.MatchString(*in.Key):
		p.Add("key", "invalid_key")
	case slices.Contains(reservedKeys, *in.Key) || strings.HasPrefix(*in.Key, "step"):
		p.Add("key", "reserved_key")
	default:
		if _, system := domain.SystemField(*in.Key); system {
			p.Add("key", "reserved_key")
		} else if _, taken := o.Field(*in.Key); taken {
			p.Add("key", "field_exists")
		}
	}
	if in.Key != nil {
		f.Key = *in.Key
	}
	switch {
	case in.Type == nil:
		p.Add("type", "required")
	case !domain.ValidCustomType(*in.Type):
		p.Add("type", "invalid_field_type")
	default:
		f.Type = *in.Type
	}
	if in.Calendar != nil {
		checkCalendar(f, *in.Calendar, p)
	}
}

// checkCalendar sets a new field's calendar: "lunar" only on a date field.
func checkCalendar(f *domain.FieldDef, cal string, p *domain.Problems) {
	switch {
	case cal != domain.CalendarSolar && cal != domain.CalendarLunar:
		p.Add("calendar", "invalid_calendar", "value", cal)
	case cal == domain.CalendarLunar && f.Type != domain.TypeDate:
		p.Add("calendar", "lunar_calendar_only_for_date")
	default:
		f.Calendar = calendarOf(cal)
	}
}

// calendarOf is how a field stores its calendar: "lunar", or "" for solar.
func calendarOf(cal string) string {
	if cal == domain.CalendarSolar {
		return ""
	}
	return cal
}

func checkOptions(p *domain.Problems, opts []string) []string {
	if len(opts) > 200 {
		p.Add("options", "too_many", "max", "200")
		return nil
	}
	out := make([]string, 0, len(opts))
	for i, o := range opts {
		o = check.Text(p, check.Index("options", i), o, 100, true)
		if o != "" && slices.Contains(out, o) {
			p.Add(check.Index("options", i), "duplicate_option")
		}
		out = append(out, o)
	}
	return out
}

// DeleteField removes a custom field definition (admins only). Customers'
// values stay in their records, hidden, and come back if a field with the
// same key is defined again.
func (s *Service) DeleteField(ctx context.Context, c *Caller, key string) error {
	if _, system := domain.SystemField(key); system {
		return domain.Errorf(domain.ErrConflict, "system_field")
	}
	if _, ok := c.Org.Field(key); !ok {
		return domain.NotFound("field")
	}
	return s.deleteSetup(ctx, c, fieldKey(c.Tenant(), key))
}
