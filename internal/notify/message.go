// Package notify sends the email and SMS that care flows (and rules) ask
// for, through an outbox: every message is first written as a delivery
// record under a key naming why it exists (the flow or rule, the record,
// the occurrence, the recipient) with "must not exist", then handed to the
// notifier through the notifications queue; the notifier claims it, sends
// it through SES v2 or SNS (locally, the runner's outbox), and marks it
// sent. A message written twice is one message; a queue message delivered
// twice finds it claimed or sent and does nothing. Quiet hours and Decree
// 91's limits on advertising SMS defer messages rather than drop them.
package notify

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"tend/internal/store"
)

// Channels a message goes out on.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// Status of a delivery record.
type Status string

const (
	StatusQueued  Status = "queued"  // waiting to be sent (perhaps deferred)
	StatusSending Status = "sending" // claimed by the notifier
	StatusSent    Status = "sent"
	StatusFailed  Status = "failed"  // permanently, or after every attempt: also in the dead-letter queue
	StatusSkipped Status = "skipped" // the customer opted out before it went out
)

// Source is what asked for a message.
type Source struct {
	Kind string `json:"kind"` // care_flow | rule
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Draft is a message an action wants sent.
type Draft struct {
	Channel string
	To      string
	Subject string
	Body    string
	// Advertising marks a promotional SMS: Decree 91 applies.
	Advertising bool
	// AttachRecord attaches the customer's record, printed as a PDF, to
	// an email.
	AttachRecord bool
	// Sender is the SMS brandname, when the action names one.
	Sender string
	// CustomerID is the record the message is about; Customer says the
	// recipient is the customer themself (an address read from its
	// fields), whose opt-out is checked again when the message goes out.
	CustomerID string
	Customer   bool
	Source     Source
	// Key names the message uniquely: the same key is one message.
	Key string
}

// Message is the delivery record of one email or SMS.
type Message struct {
	ID          string     `json:"id"`
	Key         string     `json:"key"`
	Channel     string     `json:"channel"`
	To          string     `json:"to"`
	Subject     string     `json:"subject,omitempty"`
	Body        string     `json:"body"`
	Advertising bool       `json:"advertising,omitempty"`
	AttachPDF   bool       `json:"attach_pdf,omitempty"`
	Sender      string     `json:"sender,omitempty"`
	CustomerID  string     `json:"customer_id,omitempty"`
	ToCustomer  bool       `json:"to_customer,omitempty"`
	Source      Source     `json:"source"`
	Status      Status     `json:"status"`
	DueAt       time.Time  `json:"due_at"`
	Deferred    string     `json:"deferred,omitempty"` // why it waits: quiet_hours, ad_hours, ad_limit, retry
	Attempts    int        `json:"attempts"`
	LeaseUntil  *time.Time `json:"lease_until,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	ProviderID  string     `json:"provider_id,omitempty"`
	SentAt      *time.Time `json:"sent_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Version     int64      `json:"version"`
	Tenant      string     `json:"tenant_id"`
}

// open reports whether the message still has to go out.
func (m *Message) open() bool { return m.Status == StatusQueued || m.Status == StatusSending }

// Item types of this package.
const (
	typeMessage = "message"
	typeAdLog   = "sms_ad_log"
)

// Key layout:
//
//	T#<t>#MSG#<id>        A        a delivery record
//	                                 GSI1 MSGQ#<shard> / <next look>#<t>#<id> while open: when the
//	                                      tick should (re)send it to the queue
//	                                 GSI2 T#<t>#MSGS / <created>#<id>: the workspace's messages
//	                                 GSI3 T#<t>#MSGS#C#<customer> / <created>#<id>: a customer's
//	T#<t>#SMSAD#<number>  A        the times of the last advertising SMS to a number (Decree 91)
const pendingShards = 8

func messageKey(t, id string) store.Key { return store.Key{PK: "T#" + t + "#MSG#" + id, SK: "A"} }
func listPK(t string) string            { return "T#" + t + "#MSGS" }
func customerPK(t, c string) string     { return "T#" + t + "#MSGS#C#" + c }
func adLogKey(t, number string) store.Key {
	return store.Key{PK: "T#" + t + "#SMSAD#" + number, SK: "A"}
}
func pendingPK(shard int) string { return fmt.Sprintf("MSGQ#%d", shard) }

func shardOf(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % pendingShards)
}

// IDOf derives a message's id from its key: writing the same key twice
// writes the same item, which "must not exist" lets through once.
func IDOf(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "msg_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:16]))
}

// item is the message as a store item; nextLook is when the tick should
// look at it again while it is open.
func (m *Message) item(nextLook time.Time) store.Item {
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("notify: encode message: %v", err)) // our own type: a bug
	}
	it := store.Item{Key: messageKey(m.Tenant, m.ID), Type: typeMessage, Version: m.Version, Doc: b}
	created := store.SortTime(m.CreatedAt) + "#" + m.ID
	if m.open() {
		it.Index[0] = store.IndexKey{PK: pendingPK(shardOf(m.ID)), SK: store.SortTime(nextLook) + "#" + m.Tenant + "#" + m.ID}
	}
	it.Index[1] = store.IndexKey{PK: listPK(m.Tenant), SK: created}
	if m.CustomerID != "" {
		it.Index[2] = store.IndexKey{PK: customerPK(m.Tenant, m.CustomerID), SK: created}
	}
	return it
}

func decodeMessage(it store.Item) (*Message, error) {
	var m Message
	if err := json.Unmarshal(it.Doc, &m); err != nil {
		return nil, fmt.Errorf("notify: decode message %s: %w", it.Key, err)
	}
	m.Version = it.Version
	return &m, nil
}

// queueMessage is what the notifications queue carries.
type queueMessage struct {
	Tenant string `json:"tenant"`
	ID     string `json:"id"`
}
