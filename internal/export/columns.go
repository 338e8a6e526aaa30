package export

import (
	"slices"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/rules"
	"tend/internal/workspace"
)

// columnsOf returns the fields of the export's columns, for the field
// keys in order; keys of fields that no longer exist are left out.
func columnsOf(o *workspace.Org, keys []string) []domain.FieldDef {
	out := make([]domain.FieldDef, 0, len(keys))
	for _, k := range keys {
		if f, ok := domain.SystemField(k); ok {
			out = append(out, f)
			continue
		}
		if i := slices.IndexFunc(o.Fields, func(f domain.FieldDef) bool { return f.Key == k }); i >= 0 {
			out = append(out, o.Fields[i])
		}
	}
	return out
}

// header is the columns' Vietnamese labels: the names the import matches
// back to fields (package fieldmatch).
func header(cols []domain.FieldDef) []string {
	out := make([]string, len(cols))
	for i, f := range cols {
		out[i] = f.Label
	}
	return out
}

// Values are written as the import reads them back (package cellvalue),
// so that an exported file imports into the same data:
//
//	date                    a date (an xlsx date cell; dd/mm/yyyy in csv)
//	datetime                a date and time of day in the workspace's time zone
//	number, money           a number
//	boolean                 "Có" or "Không"
//	select                  the option's text
//	multiselect, tags       the options or tags joined by ", "
//	user (custom)           the user's email (unique, unlike names)
//	owner, shared_with      the users' names (what people read; the import
//	                        sets the owner by its options, not from a column)
//	warehouse               the warehouse's name
//	phone                   a Vietnamese number as people write it, 0 first
//	                        (0912345678; +84 stored), others as stored
//	anything else           the text as stored
const listSeparator = ", "

// Booleans as a Vietnamese file writes them.
const (
	yes = "Có"
	no  = "Không"
)

// row writes a customer's values for the columns into cells.
func row(o *workspace.Org, loc *time.Location, cols []domain.FieldDef, c *domain.Customer, cells []any) []any {
	cells = cells[:0]
	for _, f := range cols {
		cells = append(cells, cellOf(o, loc, f, c))
	}
	return cells
}

func cellOf(o *workspace.Org, loc *time.Location, f domain.FieldDef, c *domain.Customer) any {
	v, ok := read(f, c)
	if !ok {
		return nil
	}
	switch x := v.(type) {
	case string:
		switch f.Type {
		case domain.TypeUser:
			return userCell(o, f, x)
		case domain.TypeWarehouse:
			return warehouseName(o, x)
		case domain.TypePhone:
			x = nationalPhone(x)
		}
		if x == "" {
			return nil
		}
		return x
	case float64:
		return x
	case bool:
		if x {
			return yes
		}
		return no
	case domain.Date:
		return time.Date(x.Year, x.Month, x.Day, 0, 0, 0, 0, time.UTC)
	case time.Time:
		// The wall clock of the workspace's zone, as people there read it
		// (the writers write a time's wall clock).
		return x.In(loc)
	case []string:
		if len(x) == 0 {
			return nil
		}
		if f.Type == domain.TypeUsers {
			names := make([]string, 0, len(x))
			for _, id := range x {
				names = append(names, userName(o, id))
			}
			x = names
		}
		return strings.Join(x, listSeparator)
	}
	return nil
}

// read returns a customer's value of a field in the Go type its field
// type calls for (as rules.ReadSystem does for system fields).
func read(f domain.FieldDef, c *domain.Customer) (any, bool) {
	if f.System {
		return rules.ReadSystem(c, f.Key)
	}
	v, ok := c.Fields[f.Key]
	if !ok || v == nil {
		return nil, false
	}
	switch {
	case f.IsLunar():
		return v, true // a lunar date, as written: not a day of Excel's calendar
	case f.Type == domain.TypeDate:
		s, _ := v.(string)
		d, err := domain.ParseDate(s)
		return d, err == nil
	case f.Type == domain.TypeDateTime:
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339, s)
		return t, err == nil
	}
	return v, true
}

// userCell is a user field's value: the owner by name, a custom user
// field by email.
func userCell(o *workspace.Org, f domain.FieldDef, id string) any {
	if id == "" {
		return nil
	}
	if f.Key == domain.FieldOwner {
		return userName(o, id)
	}
	if u, ok := o.User(id); ok && u.Email != "" {
		return u.Email
	}
	return id
}

func userName(o *workspace.Org, id string) string {
	if name := o.UserName(id); name != "" {
		return name
	}
	return id
}

func warehouseName(o *workspace.Org, id string) any {
	if id == "" {
		return nil
	}
	for _, w := range o.Warehouses {
		if w.ID == id {
			return w.Name
		}
	}
	return id
}

// nationalPhone writes a Vietnamese number (stored +84…) as people there
// write it, 0 first: what they read, what the import reads back, and a
// text no spreadsheet takes for a formula (a csv cell starting with +
// would be guarded with a ').
func nationalPhone(p string) string {
	if rest, ok := strings.CutPrefix(p, "+84"); ok && rest != "" {
		return "0" + rest
	}
	return p
}
