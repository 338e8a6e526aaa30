package domain

import "time"

// FieldType is the type of a customer field [trường dữ liệu].
type FieldType string

const (
	TypeText        FieldType = "text"
	TypeNumber      FieldType = "number"
	TypeMoney       FieldType = "money" // integer VND
	TypeDate        FieldType = "date"
	TypeDateTime    FieldType = "datetime"
	TypeSelect      FieldType = "select"
	TypeMultiSelect FieldType = "multiselect"
	TypeBoolean     FieldType = "boolean"
	TypeUser        FieldType = "user"
	TypePhone       FieldType = "phone"
	TypeEmail       FieldType = "email"
	// System-only types.
	TypeWarehouse FieldType = "warehouse" // a warehouse id
	TypeTags      FieldType = "tags"      // free tags, compared like a multiselect
	TypeUsers     FieldType = "users"     // a list of user ids (shared_with)
)

// CustomTypes are the types an admin may give a custom field.
var CustomTypes = []FieldType{TypeText, TypeNumber, TypeMoney, TypeDate, TypeDateTime, TypeSelect,
	TypeMultiSelect, TypeBoolean, TypeUser, TypePhone, TypeEmail}

// ValidCustomType reports whether t may be used for a custom field.
func ValidCustomType(t FieldType) bool {
	for _, k := range CustomTypes {
		if k == t {
			return true
		}
	}
	return false
}

// FieldDef describes one field of a customer.
type FieldDef struct {
	Key      string    `json:"key"`
	Label    string    `json:"label"`
	Type     FieldType `json:"type"`
	Options  []string  `json:"options"`
	Required bool      `json:"required"`
	// Calendar is "lunar" on a custom date field whose values are dates of
	// the Vietnamese lunar calendar (a giỗ); "" (solar) otherwise.
	Calendar string `json:"calendar,omitempty"`
	// System fields are built in; they can't be removed or retyped.
	System bool `json:"system"`
	// ReadOnly fields are kept by Tend (code, revenue, ...), not written by
	// clients.
	ReadOnly  bool      `json:"read_only"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	Version   int64     `json:"version,omitempty"`
}

// CalendarLunar marks a custom date field holding lunar dates;
// CalendarSolar (the default) is the Gregorian calendar.
const (
	CalendarSolar = "solar"
	CalendarLunar = "lunar"
)

// IsLunar reports whether the field holds lunar dates.
func (f *FieldDef) IsLunar() bool { return f.Calendar == CalendarLunar }

// HasOption reports whether v is one of the field's options.
func (f *FieldDef) HasOption(v string) bool {
	for _, o := range f.Options {
		if o == v {
			return true
		}
	}
	return false
}

// System field keys.
const (
	FieldCode              = "code"
	FieldName              = "name"
	FieldPhone             = "phone"
	FieldEmail             = "email"
	FieldFax               = "fax"
	FieldTaxCode           = "tax_code"
	FieldBusinessAddress   = "business_address"
	FieldOfficeAddress     = "office_address"
	FieldBirthday          = "birthday"
	FieldFoundingDate      = "founding_date"
	FieldDescription       = "description"
	FieldOwner             = "owner_id"
	FieldWarehouse         = "warehouse_id"
	FieldSource            = "source"
	FieldTags              = "tags"
	FieldSharedWith        = "shared_with"
	FieldEmailOptOut       = "email_opt_out"
	FieldSMSOptOut         = "sms_opt_out"
	FieldCreatedAt         = "created_at"
	FieldUpdatedAt         = "updated_at"
	FieldLastCareAt        = "last_care_at"
	FieldRevenue           = "revenue"
	FieldNextAppointmentAt = "next_appointment_at"
	FieldLastOrderAt       = "last_order_at"
	FieldPinnedUntil       = "pinned_until"
	FieldAssignedAt        = "assigned_at"
	FieldOwnerCaredAt      = "owner_cared_at"
)

// SystemFields are the built-in fields of every customer, in display order.
var SystemFields = []FieldDef{
	{Key: FieldCode, Label: "Mã khách hàng", Type: TypeText, System: true, ReadOnly: true},
	{Key: FieldName, Label: "Tên khách hàng", Type: TypeText, System: true, Required: true},
	{Key: FieldPhone, Label: "Số điện thoại", Type: TypePhone, System: true},
	{Key: FieldEmail, Label: "Email", Type: TypeEmail, System: true},
	{Key: FieldFax, Label: "Số fax", Type: TypeText, System: true},
	{Key: FieldTaxCode, Label: "Mã số thuế", Type: TypeText, System: true},
	{Key: FieldBusinessAddress, Label: "Địa chỉ đăng ký kinh doanh", Type: TypeText, System: true},
	{Key: FieldOfficeAddress, Label: "Địa chỉ văn phòng", Type: TypeText, System: true},
	{Key: FieldBirthday, Label: "Sinh nhật", Type: TypeDate, System: true},
	{Key: FieldFoundingDate, Label: "Ngày thành lập", Type: TypeDate, System: true},
	{Key: FieldDescription, Label: "Mô tả", Type: TypeText, System: true},
	{Key: FieldOwner, Label: "Chủ sở hữu", Type: TypeUser, System: true},
	{Key: FieldWarehouse, Label: "Kho dữ liệu", Type: TypeWarehouse, System: true},
	{Key: FieldSource, Label: "Nguồn", Type: TypeText, System: true},
	{Key: FieldTags, Label: "Thẻ", Type: TypeTags, System: true},
	{Key: FieldSharedWith, Label: "Chia sẻ với", Type: TypeUsers, System: true, ReadOnly: true},
	{Key: FieldEmailOptOut, Label: "Từ chối email", Type: TypeBoolean, System: true},
	{Key: FieldSMSOptOut, Label: "Từ chối SMS", Type: TypeBoolean, System: true},
	{Key: FieldCreatedAt, Label: "Thời gian tạo", Type: TypeDateTime, System: true, ReadOnly: true},
	{Key: FieldUpdatedAt, Label: "Thời gian cập nhật", Type: TypeDateTime, System: true, ReadOnly: true},
	{Key: FieldLastCareAt, Label: "Lần chăm sóc cuối", Type: TypeDateTime, System: true, ReadOnly: true},
	{Key: FieldRevenue, Label: "Doanh thu", Type: TypeMoney, System: true, ReadOnly: true},
	{Key: FieldNextAppointmentAt, Label: "Lịch hẹn tiếp theo", Type: TypeDateTime, System: true, ReadOnly: true},
	{Key: FieldLastOrderAt, Label: "Đơn hàng gần nhất", Type: TypeDateTime, System: true, ReadOnly: true},
	{Key: FieldPinnedUntil, Label: "Ghim đến", Type: TypeDateTime, System: true, ReadOnly: true},
	{Key: FieldAssignedAt, Label: "Thời gian được giao", Type: TypeDateTime, System: true, ReadOnly: true},
	{Key: FieldOwnerCaredAt, Label: "Chủ sở hữu chăm sóc lần cuối", Type: TypeDateTime, System: true, ReadOnly: true},
}

// SystemField returns the built-in field with key.
func SystemField(key string) (FieldDef, bool) {
	for _, f := range SystemFields {
		if f.Key == key {
			return f, true
		}
	}
	return FieldDef{}, false
}

// IsSystemField reports whether key names a built-in field.
func IsSystemField(key string) bool {
	_, ok := SystemField(key)
	return ok
}
