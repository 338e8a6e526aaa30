package fieldmatch_test

import (
	"testing"

	"tend/internal/domain"
	"tend/internal/fieldmatch"
	"tend/internal/tendtest"
)

func TestField(t *testing.T) {
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Khớp"})
	w.Field("hang_the", "Hạng thẻ", domain.TypeText)
	w.Field("dia_chi_giao", "Địa chỉ giao hàng", domain.TypeText)
	m := fieldmatch.New(w.Org())
	tests := []struct {
		name, want string
	}{
		{"Họ và tên", domain.FieldName},
		{"HO TEN", domain.FieldName},
		{"full_name", domain.FieldName},
		{"SĐT", domain.FieldPhone},
		{"Số điện thoại (*)", domain.FieldPhone},
		{"phone_number", domain.FieldPhone},
		{"E-mail", domain.FieldEmail},
		{"Ngày sinh", domain.FieldBirthday},
		{"Địa chỉ", domain.FieldOfficeAddress},
		{"Ghi chú", domain.FieldDescription},
		{"Mã số thuế", domain.FieldTaxCode},
		{"hang_the", "hang_the"},
		{"Hạng Thẻ", "hang_the"},
		{"Địa chỉ giao hàng", "dia_chi_giao"},
		{"Tên khách hàng", domain.FieldName}, // the label itself
		// The lead providers' standard names.
		{"FULL_NAME", domain.FieldName},
		{"PHONE_NUMBER", domain.FieldPhone},
		{"EMAIL", domain.FieldEmail},
		{"WORK_EMAIL", domain.FieldEmail},
		{"work_email", domain.FieldEmail},
		{"WORK_PHONE", domain.FieldPhone},
		{"work_phone_number", domain.FieldPhone},
		{"date_of_birth", domain.FieldBirthday},
	}
	for _, tc := range tests {
		if got, ok := m.Field(tc.name); !ok || got != tc.want {
			t.Errorf("Field(%q) = %q, %v; want %q", tc.name, got, ok, tc.want)
		}
	}
	// A city is part of an address (leadpayload joins the parts into
	// "address"), a company or job title no field of the customer.
	for _, name := range []string{"", "Chủ sở hữu", "revenue", "xyz", "Mã khách hàng", "!!!", "city", "CITY", "COMPANY_NAME", "JOB_TITLE"} {
		if got, ok := m.Field(name); ok {
			t.Errorf("Field(%q) = %q, want no field", name, got)
		}
	}
}

func FuzzField(f *testing.F) {
	w := tendtest.MustOpen(f, tendtest.Options{Name: "Khớp"})
	m := fieldmatch.New(w.Org())
	for _, s := range []string{"Họ và tên", "SĐT", "\x00", "ﬁ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if k, ok := m.Field(name); ok && k == "" {
			t.Fatalf("Field(%q) matched an empty key", name)
		}
	})
}
