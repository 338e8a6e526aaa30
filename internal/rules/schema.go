package rules

import (
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/lunar"
)

// StepFieldPrefix introduces a pipeline-step pseudo-field: "step:<pipeline_id>".
const StepFieldPrefix = "step:"

// Schema is what conditions are compiled against: a workspace's fields and
// pipelines, and optionally its users and warehouses to check ids.
type Schema struct {
	fields     map[string]domain.FieldDef
	pipelines  map[string]domain.Pipeline
	users      map[string]bool
	warehouses map[string]bool
}

// NewSchema builds a schema from the custom fields and pipelines of a
// workspace; the system fields are always there.
func NewSchema(custom []domain.FieldDef, pipelines []domain.Pipeline) *Schema {
	s := &Schema{fields: map[string]domain.FieldDef{}, pipelines: map[string]domain.Pipeline{}}
	for _, f := range domain.SystemFields {
		s.fields[f.Key] = f
	}
	for _, f := range custom {
		s.fields[f.Key] = f
	}
	for _, p := range pipelines {
		s.pipelines[p.ID] = p
	}
	return s
}

// WithUsers makes the schema refuse user ids that are not among ids.
func (s *Schema) WithUsers(ids []string) *Schema {
	s.users = set(ids)
	return s
}

// WithWarehouses makes the schema refuse warehouse ids not among ids.
func (s *Schema) WithWarehouses(ids []string) *Schema {
	s.warehouses = set(ids)
	return s
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// Field returns the definition of a field key, resolving aliases.
func (s *Schema) Field(key string) (domain.FieldDef, bool) {
	f, ok := s.fields[canonical(key)]
	return f, ok
}

// Pipeline returns a pipeline by id.
func (s *Schema) Pipeline(id string) (domain.Pipeline, bool) {
	p, ok := s.pipelines[id]
	return p, ok
}

func canonical(key string) string {
	switch key {
	case "owner":
		return domain.FieldOwner
	case "warehouse":
		return domain.FieldWarehouse
	}
	return key
}

// accessor reads one field of a customer in the shape its type calls for.
// Exactly one of the functions is set.
type accessor struct {
	text    func(*domain.Customer) string
	num     func(*domain.Customer) (float64, bool)
	date    func(*domain.Customer) (domain.Date, bool)
	lunar   func(*domain.Customer) (lunar.Date, bool) // a lunar date field
	time    func(*domain.Customer) (time.Time, bool)
	list    func(*domain.Customer) []string
	boolean func(*domain.Customer) (bool, bool)
}

func systemAccessor(key string) accessor {
	switch key {
	case domain.FieldCode:
		return accessor{text: func(c *domain.Customer) string { return c.Code }}
	case domain.FieldName:
		return accessor{text: func(c *domain.Customer) string { return c.Name }}
	case domain.FieldPhone:
		return accessor{text: func(c *domain.Customer) string { return c.Phone }}
	case domain.FieldEmail:
		return accessor{text: func(c *domain.Customer) string { return c.Email }}
	case domain.FieldFax:
		return accessor{text: func(c *domain.Customer) string { return c.Fax }}
	case domain.FieldTaxCode:
		return accessor{text: func(c *domain.Customer) string { return c.TaxCode }}
	case domain.FieldBusinessAddress:
		return accessor{text: func(c *domain.Customer) string { return c.BusinessAddress }}
	case domain.FieldOfficeAddress:
		return accessor{text: func(c *domain.Customer) string { return c.OfficeAddress }}
	case domain.FieldDescription:
		return accessor{text: func(c *domain.Customer) string { return c.Description }}
	case domain.FieldOwner:
		return accessor{text: func(c *domain.Customer) string { return c.OwnerID }}
	case domain.FieldWarehouse:
		return accessor{text: func(c *domain.Customer) string { return c.WarehouseID }}
	case domain.FieldSource:
		return accessor{text: func(c *domain.Customer) string { return c.Source }}
	case domain.FieldBirthday:
		return accessor{date: func(c *domain.Customer) (domain.Date, bool) { return c.Birthday, !c.Birthday.IsZero() }}
	case domain.FieldFoundingDate:
		return accessor{date: func(c *domain.Customer) (domain.Date, bool) { return c.FoundingDate, !c.FoundingDate.IsZero() }}
	case domain.FieldTags:
		return accessor{list: func(c *domain.Customer) []string { return c.Tags }}
	case domain.FieldSharedWith:
		return accessor{list: func(c *domain.Customer) []string { return c.SharedWith }}
	case domain.FieldEmailOptOut:
		return accessor{boolean: func(c *domain.Customer) (bool, bool) { return c.EmailOptOut, true }}
	case domain.FieldSMSOptOut:
		return accessor{boolean: func(c *domain.Customer) (bool, bool) { return c.SMSOptOut, true }}
	case domain.FieldRevenue:
		return accessor{num: func(c *domain.Customer) (float64, bool) { return float64(c.Revenue), true }}
	case domain.FieldCreatedAt:
		return accessor{time: func(c *domain.Customer) (time.Time, bool) { return c.CreatedAt, !c.CreatedAt.IsZero() }}
	case domain.FieldUpdatedAt:
		return accessor{time: func(c *domain.Customer) (time.Time, bool) { return c.UpdatedAt, !c.UpdatedAt.IsZero() }}
	case domain.FieldLastCareAt:
		return accessor{time: timePtr(func(c *domain.Customer) *time.Time { return c.LastCareAt })}
	case domain.FieldNextAppointmentAt:
		return accessor{time: timePtr(func(c *domain.Customer) *time.Time { return c.NextAppointmentAt })}
	case domain.FieldLastOrderAt:
		return accessor{time: timePtr(func(c *domain.Customer) *time.Time { return c.LastOrderAt })}
	case domain.FieldPinnedUntil:
		return accessor{time: timePtr(func(c *domain.Customer) *time.Time { return c.PinnedUntil })}
	case domain.FieldAssignedAt:
		return accessor{time: timePtr(func(c *domain.Customer) *time.Time { return c.AssignedAt })}
	case domain.FieldOwnerCaredAt:
		return accessor{time: timePtr(func(c *domain.Customer) *time.Time { return c.OwnerCaredAt })}
	}
	return accessor{}
}

// ReadSystem reads a system field of c in the Go type its field type
// calls for: string, float64, domain.Date, time.Time, []string or bool.
// ok is false when the field is unset, or key names no system field.
func ReadSystem(c *domain.Customer, key string) (v any, ok bool) {
	a := systemAccessor(key)
	switch {
	case a.text != nil:
		return a.text(c), true
	case a.num != nil:
		return a.num(c)
	case a.date != nil:
		return a.date(c)
	case a.time != nil:
		return a.time(c)
	case a.list != nil:
		return a.list(c), true
	case a.boolean != nil:
		return a.boolean(c)
	}
	return nil, false
}

func timePtr(get func(*domain.Customer) *time.Time) func(*domain.Customer) (time.Time, bool) {
	return func(c *domain.Customer) (time.Time, bool) {
		if t := get(c); t != nil {
			return *t, true
		}
		return time.Time{}, false
	}
}

// customAccessor reads a custom field from the customer's values, in the
// normalised Go types domain.Customer.Fields documents.
func customAccessor(f domain.FieldDef) accessor {
	key := f.Key
	switch f.Type {
	case domain.TypeNumber, domain.TypeMoney:
		return accessor{num: func(c *domain.Customer) (float64, bool) {
			v, ok := c.Fields[key].(float64)
			return v, ok
		}}
	case domain.TypeDate:
		if f.IsLunar() {
			return accessor{lunar: func(c *domain.Customer) (lunar.Date, bool) {
				s, _ := c.Fields[key].(string)
				d, err := lunar.Parse(s)
				return d, err == nil
			}}
		}
		return accessor{date: func(c *domain.Customer) (domain.Date, bool) {
			s, _ := c.Fields[key].(string)
			d, err := domain.ParseDate(s)
			return d, err == nil
		}}
	case domain.TypeDateTime:
		return accessor{time: func(c *domain.Customer) (time.Time, bool) {
			s, _ := c.Fields[key].(string)
			if s == "" {
				return time.Time{}, false
			}
			t, err := time.Parse(time.RFC3339, s)
			return t, err == nil
		}}
	case domain.TypeMultiSelect:
		return accessor{list: func(c *domain.Customer) []string {
			v, _ := c.Fields[key].([]string)
			return v
		}}
	case domain.TypeBoolean:
		return accessor{boolean: func(c *domain.Customer) (bool, bool) {
			v, ok := c.Fields[key].(bool)
			return v, ok
		}}
	}
	return accessor{text: func(c *domain.Customer) string {
		s, _ := c.Fields[key].(string)
		return s
	}}
}

func (s *Schema) accessor(f domain.FieldDef) accessor {
	if f.System {
		return systemAccessor(f.Key)
	}
	return customAccessor(f)
}

// isStepField splits "step:<pipeline_id>".
func isStepField(field string) (string, bool) {
	return strings.CutPrefix(field, StepFieldPrefix)
}
