package domain

import "errors"

// ErrRejected: the provider refused a message for good (an invalid
// address, an unverified sender, an opted-out number); sending it again
// would fail the same way.
var ErrRejected = errors.New("rejected")

// Email is an email ready to hand to the provider.
type Email struct {
	// Ref names the delivery record the email carries out, for tracing.
	Ref     string
	From    string
	To      []string
	Subject string
	// Text is the plain-text body; HTML, when set, is the rich body.
	Text        string
	HTML        string
	Attachments []Attachment
}

// Attachment is a file carried by an email.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// SMS is a text message ready to hand to the provider.
type SMS struct {
	// Ref names the delivery record the message carries out.
	Ref string
	// To is the number in E.164 form (+84912345678).
	To   string
	Body string
	// Sender is the brandname shown as the sender, where the network
	// allows one.
	Sender string
	// Advertising marks a promotional message (Decree 91/2020 applies);
	// otherwise it is transactional (care, reminders).
	Advertising bool
}
