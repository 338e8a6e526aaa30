package leadpayload

import (
	"strings"
	"unicode"
)

// The functions below give a provider's fields the names the customer
// field matcher (internal/fieldmatch) understands, adding what a provider
// splits in parts: the provider's own names are kept, so a custom mapping
// can still name any of them.
//
// A name in parts is joined with the family name first, as Vietnamese
// names are written: last_name "Nguyễn" and first_name "Thị Lan" give
// "Nguyễn Thị Lan". Most of Tend's leads are Vietnamese; a Western name
// comes out "Smith John", which a user can fix, while the other order
// would get every Vietnamese name wrong.
//
// An address in parts is joined from the most to the least precise part,
// as Vietnamese addresses are written ("12 Nguyễn Huệ, Phường Bến Nghé,
// Quận 1, Thành phố Hồ Chí Minh") into a field named "address"; the parts
// (city, …) are kept under their own names but mapped to no system field,
// so that the address is not written twice.

// FacebookFields are a Facebook lead's fields (the Graph API's
// field_data: full_name, first_name, last_name, email, phone_number,
// street_address, city, state, province, …) with "full_name" joined from
// last_name and first_name when the form has no full_name, and "address"
// from street_address, city, state and province.
func FacebookFields(fields []Field) []Field {
	fields = derive(fields, "full_name", " ", false, "last_name", "first_name")
	return derive(fields, "address", ", ", false, "street_address", "city", "state", "province")
}

// GoogleFields are a Google Ads lead's fields (FULL_NAME, FIRST_NAME,
// LAST_NAME, EMAIL, PHONE_NUMBER, WORK_EMAIL, WORK_PHONE, STREET_ADDRESS,
// CITY, REGION, COMPANY_NAME, JOB_TITLE, …) with "FULL_NAME" joined from
// LAST_NAME and FIRST_NAME when there is none, and "ADDRESS" from
// STREET_ADDRESS, CITY and REGION.
func GoogleFields(fields []Field) []Field {
	fields = derive(fields, "FULL_NAME", " ", false, "LAST_NAME", "FIRST_NAME")
	return derive(fields, "ADDRESS", ", ", false, "STREET_ADDRESS", "CITY", "REGION")
}

// ZaloFields are the fields a Zalo user shared (name, phone, address,
// ward, district, city, or the newer full_address.user_* and user_dob)
// with "address" holding the whole address, and "birthday" the user's
// date of birth as YYYY-MM-DD when user_dob is a DD/MM/YYYY date.
func ZaloFields(fields []Field) []Field {
	fields = derive(fields, "address", ", ", true, "address", "full_address.user_address", "ward",
		"full_address.user_ward", "district", "full_address.user_district", "city", "full_address.user_city")
	if dob, ok := isoDate(first(fields, "user_dob")); ok {
		fields = put(fields, Field{Name: "birthday", Values: []string{dob}}, false)
	}
	return fields
}

// derive joins the first non-blank value of each of parts with sep into
// the field named name: added when there is no such field, or, when
// replace, put in its place. fields is not changed.
func derive(fields []Field, name, sep string, replace bool, parts ...string) []Field {
	var values []string
	for _, part := range parts {
		if v := first(fields, part); v != "" {
			values = append(values, v)
		}
	}
	if len(values) == 0 {
		return append([]Field{}, fields...)
	}
	return put(fields, Field{Name: name, Values: []string{strings.Join(values, sep)}}, replace)
}

// put adds f to a copy of fields when they have no field of its name, or,
// when replace, puts it in that field's place.
func put(fields []Field, f Field, replace bool) []Field {
	out := append([]Field{}, fields...)
	for i, g := range out {
		if foldName(g.Name) == foldName(f.Name) {
			if replace {
				out[i] = f
			}
			return out
		}
	}
	return append(out, f)
}

// first is the first non-blank value, trimmed, of the field a name
// names, whatever its case and punctuation.
func first(fields []Field, name string) string {
	for _, f := range fields {
		if foldName(f.Name) != foldName(name) {
			continue
		}
		for _, v := range f.Values {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

// foldName reduces a provider's field name to lower-case letters and
// digits: "FULL_NAME" and "full_name" are one name.
func foldName(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, name)
}

// isoDate writes a DD/MM/YYYY date as YYYY-MM-DD; it checks the shape,
// not the calendar (the customer field's own check does that).
func isoDate(s string) (string, bool) {
	d, m, y, ok := cut3(s, "/")
	if !ok || len(d) > 2 || len(m) > 2 || len(y) != 4 || !digits(d+m+y) || d == "" || m == "" {
		return "", false
	}
	return y + "-" + pad2(m) + "-" + pad2(d), true
}

func cut3(s, sep string) (a, b, c string, ok bool) {
	parts := strings.Split(s, sep)
	if len(parts) != 3 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

func digits(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}
