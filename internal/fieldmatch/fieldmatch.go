// Package fieldmatch matches the names people give to form fields and
// spreadsheet columns ("Họ và tên", "SĐT", "phone_number", "Ngày sinh")
// to a workspace's customer fields: by a field's key or label, or a
// common alias, without case, accents, spaces or punctuation.
package fieldmatch

import (
	"strings"
	"unicode"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// aliases are other names of system fields, folded (see fold).
var aliases = map[string][]string{
	domain.FieldName: {"ten", "hoten", "hovaten", "tenkhachhang", "khachhang", "fullname", "name", "yourname",
		"customername", "contactname", "hotenkhachhang"},
	domain.FieldPhone: {"sdt", "sodt", "sodienthoai", "dienthoai", "dt", "phone", "phonenumber", "mobile", "mobilephone",
		"didong", "sodidong", "tel", "telephone",
		"workphone", "workphonenumber"}, // Google Ads' WORK_PHONE, Facebook's work_phone_number
	domain.FieldEmail: {"email", "mail", "emailaddress", "diachiemail", "thudientu", "email1",
		"workemail"}, // Google Ads' WORK_EMAIL, Facebook's work_email
	domain.FieldOfficeAddress: {"diachi", "address", "diachivanphong", "officeaddress"},
	domain.FieldBusinessAddress: {"diachidangkykinhdoanh", "diachikinhdoanh", "businessaddress",
		"diachidangky"},
	domain.FieldBirthday:     {"ngaysinh", "sinhnhat", "birthday", "dob", "dateofbirth", "birthdate"},
	domain.FieldDescription:  {"ghichu", "note", "notes", "noidung", "message", "loinhan", "mota", "description", "comment"},
	domain.FieldTaxCode:      {"masothue", "mst", "taxcode", "taxid"},
	domain.FieldFax:          {"fax", "sofax"},
	domain.FieldSource:       {"nguon", "source", "nguonkhach"},
	domain.FieldTags:         {"the", "tags", "tag", "nhan"},
	domain.FieldFoundingDate: {"ngaythanhlap", "foundingdate", "founded"},
}

// Matcher matches names to the fields of one workspace.
type Matcher struct{ fields map[string]string } // folded name → field key

// New returns the matcher of a workspace's fields: every writable system
// field (by key, label and alias) and every custom field (by key and
// label). A custom field's label wins over a system alias it folds to.
func New(o *workspace.Org) *Matcher {
	m := &Matcher{fields: map[string]string{}}
	for _, f := range Fields(o) {
		names := []string{f.Key, f.Label}
		if f.System {
			names = append(names, aliases[f.Key]...)
		}
		for _, name := range names {
			m.fields[fold(name)] = f.Key
		}
	}
	return m
}

// Fields are the fields names are matched to, in order: the writable
// system fields but owner and warehouse (which an import or a lead source
// sets for all its customers), then the custom fields.
func Fields(o *workspace.Org) []domain.FieldDef {
	var out []domain.FieldDef
	for _, f := range domain.SystemFields {
		if f.ReadOnly || !customer.WritableField(o, f.Key) || f.Key == domain.FieldOwner || f.Key == domain.FieldWarehouse {
			continue
		}
		out = append(out, f)
	}
	return append(out, o.Fields...)
}

// Field returns the key of the field a name means, if any.
func (m *Matcher) Field(name string) (string, bool) {
	k, ok := m.fields[fold(name)]
	return k, ok && k != ""
}

// fold reduces a name to lower-case letters and digits without accents:
// "Số điện thoại (*)" and "so_dien_thoai" both fold to "sodienthoai".
func fold(name string) string {
	var b strings.Builder
	for _, r := range domain.Fold(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Same reports whether two names are the same once folded: a mapping's
// "So dien thoai" names a form's "Số điện thoại".
func Same(a, b string) bool { return fold(a) != "" && fold(a) == fold(b) }
