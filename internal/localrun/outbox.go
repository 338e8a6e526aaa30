package localrun

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Outbox stands in for SES and SNS locally: every email or SMS handed to
// it is kept, as the provider would send it, and read back through GET
// /dev/outbox. Like the providers it does not deduplicate: sending the
// same message twice shows twice, which is how tests see that the
// notifier sends each message once.
type Outbox struct {
	st    store.Store
	clock domain.Clock
}

// Message is an email or SMS "sent".
type Message struct {
	Channel string    `json:"channel"` // email | sms
	To      string    `json:"to"`
	Subject string    `json:"subject,omitempty"`
	Body    string    `json:"body"`
	SentAt  time.Time `json:"sent_at"`
	// Key names the delivery record the message carries out.
	Key         string `json:"key"`
	From        string `json:"from,omitempty"`
	Advertising bool   `json:"advertising,omitempty"`
	// Attachments names the files an email carried.
	Attachments []string `json:"attachments,omitempty"`
}

const outboxPK = "LOCAL#OUTBOX"

// SendEmail keeps an email, one message per recipient.
func (o *Outbox) SendEmail(ctx context.Context, e domain.Email) (string, error) {
	if len(e.To) == 0 || e.Text == "" && e.HTML == "" {
		return "", fmt.Errorf("%w: an email needs a recipient and a body", domain.ErrRejected)
	}
	var id string
	for _, to := range e.To {
		var err error
		body := e.Text
		if body == "" {
			body = e.HTML
		}
		m := Message{Channel: "email", To: to, Subject: e.Subject, Body: body, Key: e.Ref, From: e.From}
		for _, a := range e.Attachments {
			m.Attachments = append(m.Attachments, a.Name)
		}
		if id, err = o.keep(ctx, m); err != nil {
			return "", err
		}
	}
	return id, nil
}

// SendSMS keeps an SMS.
func (o *Outbox) SendSMS(ctx context.Context, m domain.SMS) (string, error) {
	if !strings.HasPrefix(m.To, "+") || m.Body == "" {
		return "", fmt.Errorf("%w: an SMS needs an E.164 number and a body", domain.ErrRejected)
	}
	return o.keep(ctx, Message{Channel: "sms", To: m.To, Body: m.Body, Key: m.Ref, Advertising: m.Advertising})
}

func (o *Outbox) keep(ctx context.Context, m Message) (string, error) {
	m.SentAt = o.clock.Now().UTC()
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	id := domain.NewID("out")
	sk := m.SentAt.Format("2006-01-02T15:04:05.000000000Z") + "#" + id
	if err := o.st.Put(ctx, store.Item{Key: store.Key{PK: outboxPK, SK: sk}, Type: "outbox", Version: 1, Doc: b}, store.NotExist); err != nil {
		return "", fmt.Errorf("localrun: keep %s in the outbox: %w", m.Channel, err)
	}
	return id, nil
}

// List returns every message sent, oldest first.
func (o *Outbox) List(ctx context.Context) ([]Message, error) {
	out := []Message{}
	for it, err := range store.Items(ctx, o.st, store.Query{PK: outboxPK, Limit: 1000}) {
		if err != nil {
			return nil, err
		}
		m, err := store.Decode[Message](it)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	sortMessages(out)
	return out, nil
}
