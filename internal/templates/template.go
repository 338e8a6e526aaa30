package templates

import (
	"time"
)

// Kind is what a template is for.
type Kind string

const (
	KindEmail Kind = "email" // mẫu email: a subject and a body
	KindSMS   Kind = "sms"   // mẫu SMS: a body
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindEmail || k == KindSMS }

// Limits of a template.
const (
	MaxName      = 200     // characters, after trimming
	MaxSubject   = 250     // characters, after trimming
	MaxEmailBody = 100_000 // bytes
	MaxSMSBody   = 1_000   // characters
)

// Template is an email or SMS template with merge fields: a text written
// once and sent to many customers, each with their own values.
type Template struct {
	ID      string `json:"id"`
	Kind    Kind   `json:"kind"`
	Name    string `json:"name"`
	Subject string `json:"subject,omitempty"` // email only
	Body    string `json:"body"`
	// Segments is how many SMS parts the body takes as written (merged
	// values change it), and Encoding whether it fits GSM-7 or needs UCS-2;
	// SMS only.
	Segments  int       `json:"segments,omitempty"`
	Encoding  string    `json:"encoding,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
	Tenant    string    `json:"tenant_id"`
}

// Render fills the template's subject and body for a record.
func (t *Template) Render(r Record) (subject, body string) {
	return Render(t.Subject, r.Lookup), Render(t.Body, r.Lookup)
}
