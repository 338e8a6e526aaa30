package domain

import "time"

// Customer is a person or company a sales team cares for [khách hàng].
type Customer struct {
	ID              string   `json:"id"`
	Code            string   `json:"code"`
	Name            string   `json:"name"`
	Phone           string   `json:"phone"`
	Email           string   `json:"email"`
	Fax             string   `json:"fax"`
	TaxCode         string   `json:"tax_code"`
	BusinessAddress string   `json:"business_address"`
	OfficeAddress   string   `json:"office_address"`
	Birthday        Date     `json:"birthday"`
	FoundingDate    Date     `json:"founding_date"`
	Description     string   `json:"description"`
	WarehouseID     string   `json:"warehouse_id"`
	OwnerID         string   `json:"owner_id"`
	Source          string   `json:"source"`
	Tags            []string `json:"tags"`
	EmailOptOut     bool     `json:"email_opt_out"`
	SMSOptOut       bool     `json:"sms_opt_out"`
	// Fields holds custom field values by key, normalised by type: strings
	// (text, select, user, phone, email, date "YYYY-MM-DD", datetime RFC
	// 3339), float64 (number, money), bool, []string (multiselect).
	Fields Values `json:"fields"`
	// Pipelines maps a pipeline id to the step the customer is at in it.
	Pipelines  map[string]string `json:"pipelines"`
	SharedWith []string          `json:"shared_with"`
	// PinnedAt is when the customer was pinned [ghim], nil when not pinned;
	// PinnedUntil, when set, is when the pin lapses.
	PinnedAt          *time.Time `json:"pinned_at"`
	PinnedUntil       *time.Time `json:"pinned_until"`
	LastCareAt        *time.Time `json:"last_care_at"`
	Revenue           int64      `json:"revenue"`
	NextAppointmentAt *time.Time `json:"next_appointment_at"`
	LastOrderAt       *time.Time `json:"last_order_at"`
	// AssignedAt is when the current owner got the customer; OwnerCaredAt
	// the last note, activity, call or step change by that owner (reclaim
	// takes back customers their owner has not cared for).
	AssignedAt   *time.Time `json:"assigned_at"`
	OwnerCaredAt *time.Time `json:"owner_cared_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	DeletedAt    *time.Time `json:"deleted_at,omitempty"`
	Version      int64      `json:"version"`
}

// Pinned reports whether the customer is pinned at now.
func (c *Customer) Pinned(now time.Time) bool {
	return c.PinnedAt != nil && (c.PinnedUntil == nil || now.Before(*c.PinnedUntil))
}

// Deleted reports whether the customer is in the trash.
func (c *Customer) Deleted() bool { return c.DeletedAt != nil }

// SharedWithUser reports whether the customer is shared with user id.
func (c *Customer) SharedWithUser(id string) bool {
	for _, u := range c.SharedWith {
		if u == id {
			return true
		}
	}
	return false
}

// Values are custom field values by key.
type Values map[string]any
