package domain

import "time"

// Note is a free-text note on a customer [ghi chú].
type Note struct {
	ID         string    `json:"id"`
	CustomerID string    `json:"customer_id"`
	Body       string    `json:"body"`
	AuthorID   string    `json:"author_id"`
	CreatedAt  time.Time `json:"created_at"`
}

// ActivityType is the kind of a quick transaction [loại giao dịch].
type ActivityType string

const (
	ActivityCall    ActivityType = "call"
	ActivityMeeting ActivityType = "meeting"
	ActivityEmail   ActivityType = "email"
	ActivityOther   ActivityType = "other"
)

// ActivityTypes lists every activity type.
var ActivityTypes = []ActivityType{ActivityCall, ActivityMeeting, ActivityEmail, ActivityOther}

// Activity is a quick transaction attached to a customer [giao dịch nhanh].
type Activity struct {
	ID          string       `json:"id"`
	CustomerID  string       `json:"customer_id"`
	Name        string       `json:"name"`
	Type        ActivityType `json:"type"`
	Description string       `json:"description"`
	At          time.Time    `json:"at"`
	AuthorID    string       `json:"author_id"`
	CreatedAt   time.Time    `json:"created_at"`
}

// CallDirection says who called whom.
type CallDirection string

const (
	CallInbound  CallDirection = "inbound"
	CallOutbound CallDirection = "outbound"
)

// Call is one entry of a customer's call log [tab cuộc gọi].
type Call struct {
	ID         string        `json:"id"`
	CustomerID string        `json:"customer_id"`
	Direction  CallDirection `json:"direction"`
	Phone      string        `json:"phone"`
	At         time.Time     `json:"at"`
	Duration   Duration      `json:"duration"`
	Result     string        `json:"result"`
	Note       string        `json:"note"`
	UserID     string        `json:"user_id"`
	Recording  string        `json:"recording_url"`
	CreatedAt  time.Time     `json:"created_at"`
}

// AppointmentStatus is where an appointment stands.
type AppointmentStatus string

const (
	AppointmentScheduled AppointmentStatus = "scheduled"
	AppointmentDone      AppointmentStatus = "done"
	AppointmentCancelled AppointmentStatus = "cancelled"
)

// Appointment is a meeting planned with a customer [lịch hẹn].
type Appointment struct {
	ID           string            `json:"id"`
	CustomerID   string            `json:"customer_id"`
	At           time.Time         `json:"at"`
	Title        string            `json:"title"`
	Note         string            `json:"note"`
	RemindBefore Duration          `json:"remind_before"`
	Status       AppointmentStatus `json:"status"`
	// RemindedAt is when its people were reminded of it, remind_before
	// ahead; a new time or lead starts the reminder over.
	RemindedAt *time.Time `json:"reminded_at"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// RemindAt is when the appointment's reminder is due, and whether it has
// one still to come: scheduled, with a lead time, not reminded yet.
func (a *Appointment) RemindAt() (time.Time, bool) {
	if a.Status != AppointmentScheduled || a.RemindBefore <= 0 || a.RemindedAt != nil {
		return time.Time{}, false
	}
	return a.At.Add(-time.Duration(a.RemindBefore)), true
}

// ActorKind says what made a change.
type ActorKind string

const (
	ActorUser         ActorKind = "user"
	ActorAutomation   ActorKind = "automation"
	ActorDistribution ActorKind = "distribution"
	ActorCareFlow     ActorKind = "care_flow"
	ActorImport       ActorKind = "import"
	ActorWebhook      ActorKind = "webhook"
	ActorSystem       ActorKind = "system"
	// ActorShareRule: a share rule shared the customer (package sharing).
	ActorShareRule ActorKind = "share_rule"
)

// Actor is who or what made a change.
type Actor struct {
	Kind ActorKind `json:"kind"`
	ID   string    `json:"id"`
	Name string    `json:"name"`
}

// FieldChange is one field's value before and after a change.
type FieldChange struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// AuditEntry records one change of a customer [tab Hệ thống].
type AuditEntry struct {
	ID         string        `json:"id"`
	CustomerID string        `json:"customer_id"`
	At         time.Time     `json:"at"`
	Actor      Actor         `json:"actor"`
	Action     string        `json:"action"`
	Changes    []FieldChange `json:"changes"`
}
