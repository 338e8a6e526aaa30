package localrun

import (
	"context"
	"encoding/json"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Outbox stands in for SES and SNS locally: what would be sent is kept
// here and read back through GET /dev/outbox.
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
	// Key identifies the notification the message delivers; the same key
	// is never sent twice.
	Key string `json:"key"`
}

const outboxPK = "LOCAL#OUTBOX"

// Send records a message; sending the same key again does nothing.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	if m.SentAt.IsZero() {
		m.SentAt = o.clock.Now()
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	err = o.st.Put(ctx, store.Item{Key: store.Key{PK: outboxPK, SK: m.Key}, Type: "outbox", Version: 1, Doc: b}, store.NotExist)
	if err != nil && !isCondition(err) {
		return err
	}
	return nil
}

// List returns every message sent, oldest first.
func (o *Outbox) List(ctx context.Context) ([]Message, error) {
	out := []Message{}
	q := store.Query{PK: outboxPK, Limit: 1000}
	for {
		page, err := o.st.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			var m Message
			if err := json.Unmarshal(it.Doc, &m); err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		if page.Cursor == "" {
			break
		}
		q.Cursor = page.Cursor
	}
	sortMessages(out)
	return out, nil
}
