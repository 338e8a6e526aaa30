package importing

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tend/internal/cellvalue"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/lunar"
	"tend/internal/workspace"
)

// rowInput turns a row's cells into a customer input, parsing each value
// as Vietnamese spreadsheets write it (cellvalue) into the form the API
// takes; the input then goes through the API's own checks. Empty cells
// set nothing. Values that can't be parsed are problems at the field's
// path; the input holds the rest.
func rowInput(o *workspace.Org, cols []Column, cells []string, loc *time.Location) (*customer.Input, []domain.FieldError) {
	in := customer.NewInput()
	var p domain.Problems
	for i, col := range cols {
		if col.Field == "" || i >= len(cells) {
			continue
		}
		s := strings.TrimSpace(cells[i])
		if s == "" {
			continue
		}
		f, ok := fieldDef(o, col.Field)
		if !ok {
			continue
		}
		path := col.Field
		if !f.System {
			path = "fields." + col.Field
		}
		v, ok := cellJSON(o, f, s, loc, path, &p)
		if !ok {
			continue
		}
		if f.System {
			in.SetSystem(col.Field, v)
		} else {
			in.SetCustom(col.Field, v)
		}
	}
	return in, p.Fields
}

// cellJSON parses one cell for a field into the JSON value the API takes.
func cellJSON(o *workspace.Org, f domain.FieldDef, s string, loc *time.Location, path string, p *domain.Problems) (json.RawMessage, bool) {
	switch f.Key {
	case domain.FieldBirthday, domain.FieldFoundingDate:
		return dateJSON(s, path, p)
	case domain.FieldTags:
		return jsonOf(splitList(s)), true
	case domain.FieldPhone, domain.FieldFax:
		return jsonOf(phoneCell(s)), true
	}
	switch f.Type {
	case domain.TypeDate:
		if f.Calendar == domain.CalendarLunar {
			return lunarJSON(s, path, p)
		}
		return dateJSON(s, path, p)
	case domain.TypeDateTime:
		t, err := cellvalue.DateTime(s, loc)
		if err != nil {
			p.Add(path, "cell_not_a_datetime", "value", shown(s))
			return nil, false
		}
		return jsonOf(t.UTC().Format(time.RFC3339)), true
	case domain.TypeNumber, domain.TypeMoney:
		n, err := cellvalue.Number(s)
		if err != nil || !json.Valid([]byte(n)) {
			p.Add(path, "cell_not_a_number", "value", shown(s))
			return nil, false
		}
		return json.RawMessage(n), true
	case domain.TypeBoolean:
		b, err := cellvalue.Bool(s)
		if err != nil {
			p.Add(path, "cell_not_a_boolean", "value", shown(s))
			return nil, false
		}
		return jsonOf(b), true
	case domain.TypeSelect:
		if opt, ok := cellvalue.Option(f.Options, s); ok {
			return jsonOf(opt), true
		}
		return jsonOf(s), true // the API's check names the value that is no option
	case domain.TypeMultiSelect:
		matched, unknown := cellvalue.Options(f.Options, s)
		for _, u := range unknown {
			p.Add(path, "not_an_option", "value", shown(u))
		}
		if len(unknown) > 0 {
			return nil, false
		}
		return jsonOf(matched), true
	case domain.TypeUser:
		return jsonOf(userCell(o, s)), true
	case domain.TypePhone:
		return jsonOf(phoneCell(s)), true
	}
	return jsonOf(s), true
}

func dateJSON(s, path string, p *domain.Problems) (json.RawMessage, bool) {
	d, err := cellvalue.Date(s)
	if err != nil {
		p.Add(path, "cell_not_a_date", "value", shown(s))
		return nil, false
	}
	return jsonOf(d.Format("2006-01-02")), true
}

// lunarJSON reads a lunar date cell as written (dd/mm/yyyy, or
// yyyy-mm-dd as exported): a lunar 30/2 is no solar day, so the cell is
// never read as a date of Excel's calendar.
func lunarJSON(s, path string, p *domain.Problems) (json.RawMessage, bool) {
	s = strings.TrimSpace(s)
	if d, m, y, ok := dayMonthYear(s); ok {
		s = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	}
	if _, err := lunar.Parse(s); err != nil {
		p.Add(path, "invalid_lunar_date", "value", shown(s))
		return nil, false
	}
	return jsonOf(s), true
}

// dayMonthYear reads d/m/yyyy (or with "-" or "."): the numbers, unchecked.
func dayMonthYear(s string) (d, m, y int, ok bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '.' || (r == '-' && !strings.Contains(s, "/")) })
	if len(parts) != 3 || len(parts[2]) != 4 || len(parts[0]) > 2 || len(parts[1]) > 2 {
		return 0, 0, 0, false
	}
	var n [3]int
	for i, part := range parts {
		v, err := strconv.Atoi(part)
		if err != nil {
			return 0, 0, 0, false
		}
		n[i] = v
	}
	return n[0], n[1], n[2], true
}

func jsonOf(v any) json.RawMessage {
	b, _ := json.Marshal(v) // strings, bools and string lists: cannot fail
	return b
}

// splitList splits a cell of several values (tags) on , ; | or new lines.
func splitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '|' || r == '\n' || r == '\r' })
	out := make([]string, 0, len(parts))
	for _, x := range parts {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// phoneCell gives back the leading zero Excel drops from a phone number
// typed into a number cell: 912345678 is 0912345678, and 1689123456 the
// legacy 01689123456 (which the normalisation then maps to today's
// prefix).
func phoneCell(s string) string {
	if !allDigits(s) {
		return s
	}
	switch {
	case len(s) == 9 && s[0] != '0':
		return "0" + s
	case len(s) == 10 && s[0] == '1':
		return "0" + s
	}
	return s
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// userCell finds the user a cell names: by id, email or name (without
// case or accents); else the cell as it is, which the API's check refuses
// with its value.
func userCell(o *workspace.Org, s string) string {
	if _, ok := o.User(s); ok {
		return s
	}
	for _, u := range o.Users {
		if strings.EqualFold(u.Email, s) || domain.Fold(u.Name) == domain.Fold(s) {
			return u.ID
		}
	}
	return s
}

// shown cuts a cell quoted in a message to a readable length.
func shown(s string) string { return shownN(s, 60) }

func shownN(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "�")
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}
