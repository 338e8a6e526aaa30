package customer

import (
	"slices"
	"sort"
	"time"

	"tend/internal/domain"
)

// audited are the customer fields the history records, by their JSON key,
// each read as its value or nil when empty. Bookkeeping (id, version,
// created and updated times) is left out: it changes with every write.
var audited = []struct {
	key string
	get func(c *domain.Customer) any
}{
	{"assigned_at", func(c *domain.Customer) any { return timeOrNil(c.AssignedAt) }},
	{"birthday", func(c *domain.Customer) any { return dateOrNil(c.Birthday) }},
	{"business_address", func(c *domain.Customer) any { return textOrNil(c.BusinessAddress) }},
	{"code", func(c *domain.Customer) any { return textOrNil(c.Code) }},
	{"deleted_at", func(c *domain.Customer) any { return timeOrNil(c.DeletedAt) }},
	{"description", func(c *domain.Customer) any { return textOrNil(c.Description) }},
	{"email", func(c *domain.Customer) any { return textOrNil(c.Email) }},
	{"email_opt_out", func(c *domain.Customer) any { return c.EmailOptOut }},
	{"fax", func(c *domain.Customer) any { return textOrNil(c.Fax) }},
	{"founding_date", func(c *domain.Customer) any { return dateOrNil(c.FoundingDate) }},
	{"last_care_at", func(c *domain.Customer) any { return timeOrNil(c.LastCareAt) }},
	{"last_order_at", func(c *domain.Customer) any { return timeOrNil(c.LastOrderAt) }},
	{"name", func(c *domain.Customer) any { return textOrNil(c.Name) }},
	{"next_appointment_at", func(c *domain.Customer) any { return timeOrNil(c.NextAppointmentAt) }},
	{"office_address", func(c *domain.Customer) any { return textOrNil(c.OfficeAddress) }},
	{"owner_cared_at", func(c *domain.Customer) any { return timeOrNil(c.OwnerCaredAt) }},
	{"owner_id", func(c *domain.Customer) any { return textOrNil(c.OwnerID) }},
	{"phone", func(c *domain.Customer) any { return textOrNil(c.Phone) }},
	{"pinned_at", func(c *domain.Customer) any { return timeOrNil(c.PinnedAt) }},
	{"pinned_until", func(c *domain.Customer) any { return timeOrNil(c.PinnedUntil) }},
	{"revenue", func(c *domain.Customer) any { return c.Revenue }},
	{"shared_with", func(c *domain.Customer) any { return listOrNil(c.SharedWith) }},
	{"sms_opt_out", func(c *domain.Customer) any { return c.SMSOptOut }},
	{"source", func(c *domain.Customer) any { return textOrNil(c.Source) }},
	{"tags", func(c *domain.Customer) any { return listOrNil(c.Tags) }},
	{"tax_code", func(c *domain.Customer) any { return textOrNil(c.TaxCode) }},
	{"warehouse_id", func(c *domain.Customer) any { return textOrNil(c.WarehouseID) }},
}

func textOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func dateOrNil(d domain.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func listOrNil(l []string) any {
	if len(l) == 0 {
		return nil
	}
	return l
}

// diff lists what changed between two versions of a customer, field by
// field, custom fields as "fields.<key>" and steps as "pipelines.<id>", in
// the order of the keys; before is nil for a new customer, whose false
// and zero values say nothing and are left out.
func diff(before, after *domain.Customer) []domain.FieldChange {
	var changes []domain.FieldChange
	add := func(key string, b, a any) {
		if sameValue(b, a) || (before == nil && isZero(a)) {
			return
		}
		changes = append(changes, domain.FieldChange{Field: key, Before: b, After: a})
	}
	for _, f := range audited {
		var b any
		if before != nil {
			b = f.get(before)
		}
		add(f.key, b, f.get(after))
	}
	var beforeFields domain.Values
	var beforeSteps map[string]string
	if before != nil {
		beforeFields, beforeSteps = before.Fields, before.Pipelines
	}
	for _, k := range unionKeys(beforeFields, after.Fields) {
		add("fields."+k, valueOrNil(beforeFields[k]), valueOrNil(after.Fields[k]))
	}
	for _, k := range unionKeys(beforeSteps, after.Pipelines) {
		add("pipelines."+k, textOrNil(beforeSteps[k]), textOrNil(after.Pipelines[k]))
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].Field < changes[j].Field })
	return changes
}

// isZero tells a false or numeric zero, which a new customer's history
// leaves out like an empty value.
func isZero(v any) bool {
	switch x := v.(type) {
	case bool:
		return !x
	case int64:
		return x == 0
	case int:
		return x == 0
	case float64:
		return x == 0
	}
	return false
}

// valueOrNil reads a custom value, nil when empty.
func valueOrNil(v any) any {
	switch x := v.(type) {
	case string:
		return textOrNil(x)
	case []string:
		return listOrNil(x)
	}
	return v
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case []string:
		y, ok := b.([]string)
		return ok && slices.Equal(x, y)
	}
	return a == b
}

func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
