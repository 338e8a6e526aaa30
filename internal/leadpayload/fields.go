// Package leadpayload reads what lead providers post (landing-page and
// form-tool posts, Facebook Lead Ads, Google Ads lead forms, Zalo OA
// events) into fields named as the provider names them, and checks their
// signatures and keys. It is pure: no storage, no network, no clock.
//
// Text policy: every name and value must be valid UTF-8 without control
// characters. A reader refuses a payload that breaks this (with a coded
// domain error naming the field) instead of quietly dropping or repairing
// text: a provider that sends broken text has a bug the sender must see,
// and a lead read half-way is worse than a refused one that is retried.
// Line breaks in values are kept, as "\n" (browsers post a textarea's
// lines with "\r\n"; a lone "\r" is a line break too); names are one line.
package leadpayload

import (
	"errors"
	"fmt"
	"strings"

	"tend/internal/domain"
)

// Field is one field of a lead as its provider names it.
type Field struct {
	Name   string
	Values []string
}

// Limits of what a reader accepts.
const (
	MaxFields     = 200      // fields of one lead
	MaxValues     = 100      // values of one field
	MaxValueBytes = 64 << 10 // bytes of one value
	MaxNameBytes  = 256      // bytes of one field name
	MaxIDBytes    = 128      // bytes of a provider's id (lead, form, user...)
)

// Clean checks fields read elsewhere (the Graph API's field_data) as the
// readers check their own: it merges fields of the same name, keeps line
// breaks as "\n", drops fields without a name and refuses bad text and
// what is over the limits.
func Clean(fields []Field) ([]Field, error) {
	c := newCollector()
	for _, f := range fields {
		if len(f.Values) == 0 {
			c.declare(f.Name)
		}
		for _, v := range f.Values {
			c.add(f.Name, v)
		}
	}
	return c.result()
}

// collector gathers fields in the order they come, merging repeated names
// ("a=1&a=2" is one field with two values), and records every problem.
type collector struct {
	fields  []Field
	index   map[string]int
	p       domain.Problems
	tooMany bool
}

func newCollector() *collector { return &collector{fields: []Field{}, index: map[string]int{}} }

// declare records a field with no value yet; it reports the field's index,
// or -1 when the field is refused.
func (c *collector) declare(name string) int {
	if i, ok := c.index[name]; ok {
		return i
	}
	if name == "" || c.tooMany {
		return -1
	}
	if fault := domain.TextFault(name, false); fault != "" {
		c.p.Add(name, fault)
		return -1
	}
	if len(name) > MaxNameBytes {
		c.p.Add(name, "too_long_bytes", "max", fmt.Sprint(MaxNameBytes))
		return -1
	}
	if len(c.fields) == MaxFields {
		c.tooMany = true
		return -1
	}
	c.index[name] = len(c.fields)
	c.fields = append(c.fields, Field{Name: name, Values: []string{}})
	return len(c.fields) - 1
}

// add appends a value to the field of a name.
func (c *collector) add(name, value string) {
	i := c.declare(name)
	if i < 0 {
		return
	}
	f := &c.fields[i]
	switch value = lineBreaks(value); {
	case len(f.Values) == MaxValues:
		if !c.reported(name, "too_many") {
			c.p.Add(name, "too_many", "max", fmt.Sprint(MaxValues))
		}
	case len(value) > MaxValueBytes:
		c.p.Add(name, "too_long_bytes", "max", fmt.Sprint(MaxValueBytes))
	default:
		if fault := domain.TextFault(value, true); fault != "" {
			c.p.Add(name, fault)
			return
		}
		f.Values = append(f.Values, value)
	}
}

// reported says whether a problem of a code was recorded for a field.
func (c *collector) reported(path, code string) bool {
	for _, f := range c.p.Fields {
		if f.Path == path && f.Code == code {
			return true
		}
	}
	return false
}

// result returns the fields, or what is wrong with them.
func (c *collector) result() ([]Field, error) {
	if c.tooMany {
		return nil, domain.Errorf(domain.ErrBadRequest, "too_many_lead_fields", "max", fmt.Sprint(MaxFields))
	}
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	return c.fields, nil
}

// lineBreaks writes every line break as "\n".
func lineBreaks(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// mergeProblems records what a collector found wrong with the fields of
// the element at path.
func mergeProblems(p *domain.Problems, path string, err error) {
	var e *domain.Error
	switch {
	case !errors.As(err, &e):
	case e.Code == "too_many_lead_fields":
		p.Add(path, "too_many", "max", fmt.Sprint(MaxFields))
	default:
		p.Merge(path, e.Fields)
	}
}
