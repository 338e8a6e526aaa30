package leads

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/fieldmatch"
	"tend/internal/workspace"
)

// fieldSet is a lead's values by customer field key, as JSON.
type fieldSet map[string]json.RawMessage

func (f fieldSet) keys() []string {
	out := make([]string, 0, len(f))
	for k := range f {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// fieldValues matches a lead's fields to the workspace's customer fields:
// first by the source's mapping (field key → the provider's field name),
// then by name (fieldmatch: key, label or a common alias). Fields that
// match nothing are kept in the description, so that nothing a customer
// wrote is lost. A lead with no name is named after its phone or email;
// one with none of the three can't make a customer.
func fieldValues(o *workspace.Org, r *record, fields []Field) (fieldSet, error) {
	m := fieldmatch.New(o)
	out := fieldSet{}
	var rest []string
	for _, f := range fields {
		values := nonEmpty(f.Values)
		if len(values) == 0 || (r.Settings.Honeypot != "" && fieldmatch.Same(f.Name, r.Settings.Honeypot)) {
			continue
		}
		key, ok := mappedKey(r.Mapping, f.Name)
		if !ok {
			key, ok = m.Field(f.Name)
		}
		if !ok {
			rest = append(rest, f.Name+": "+strings.Join(values, ", "))
			continue
		}
		if _, taken := out[key]; taken {
			continue // the first field of a name wins
		}
		out[key] = valueFor(o, key, values)
	}
	if len(rest) > 0 {
		note := strings.Join(rest, "\n")
		if d, ok := out[domain.FieldDescription]; ok {
			var text string
			_ = json.Unmarshal(d, &text)
			note = text + "\n" + note
		}
		out[domain.FieldDescription], _ = json.Marshal(note)
	}
	if _, ok := out[domain.FieldName]; !ok {
		contact := ""
		for _, k := range []string{domain.FieldPhone, domain.FieldEmail} {
			if v, ok := out[k]; ok && contact == "" {
				_ = json.Unmarshal(v, &contact)
			}
		}
		if contact == "" {
			return nil, domain.Invalid("name", "lead_without_contact")
		}
		out[domain.FieldName], _ = json.Marshal("Khách " + contact)
	}
	return out, nil
}

// mappedKey finds the field a source's mapping gives a provider's name.
func mappedKey(mapping map[string]string, name string) (string, bool) {
	keys := make([]string, 0, len(mapping))
	for k := range mapping {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if fieldmatch.Same(mapping[k], name) {
			return strings.TrimPrefix(k, "fields."), true
		}
	}
	return "", false
}

func nonEmpty(values []string) []string {
	out := []string{}
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// valueFor is a field's JSON value from a lead's texts: every text for a
// list field, the texts joined for any other (a number field's text is
// read as a number, see asFieldValue).
func valueFor(o *workspace.Org, key string, values []string) json.RawMessage {
	var v any = strings.Join(values, ", ")
	if typ, _ := o.FieldType(key); typ == domain.TypeMultiSelect || typ == domain.TypeTags {
		v = values
	}
	raw, _ := json.Marshal(asFieldValue(o, key, v))
	return raw
}

// input is the customer input of the values, in the source's warehouse
// and step; checked as a new customer would be.
func (f fieldSet) input(o *workspace.Org, src *Source, now time.Time) (*customer.Input, error) {
	in := customer.NewInput()
	for key, v := range f {
		if domain.IsSystemField(key) {
			in.SetSystem(key, v)
		} else {
			in.SetCustom(key, v)
		}
	}
	withDefaults(in, src)
	if _, err := in.Preview(o, now); err != nil {
		return nil, err
	}
	return in, nil
}

// summary is the values as text, for the activity of a repeated lead.
func (f fieldSet) summary() string {
	var b strings.Builder
	for _, k := range f.keys() {
		b.WriteString(k + ": " + string(f[k]) + "\n")
	}
	return strings.TrimSpace(b.String())
}
