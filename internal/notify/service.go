package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"tend/internal/domain"
	"tend/internal/queuegroup"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Queue carries work for later: SQS in AWS, a durable table locally.
type Queue interface {
	Send(ctx context.Context, body []byte, delay time.Duration) error
}

// Mailer sends an email: SES v2 in AWS, the runner's outbox locally.
type Mailer interface {
	SendEmail(ctx context.Context, e domain.Email) (string, error)
}

// Texter sends an SMS: SNS in AWS, the runner's outbox locally.
type Texter interface {
	SendSMS(ctx context.Context, m domain.SMS) (string, error)
}

// Printer prints a customer's record for an email to carry.
type Printer interface {
	CustomerPDF(ctx context.Context, tenant, customerID string) (domain.Attachment, error)
}

// Options configure the notifier.
type Options struct {
	// From is the sender of every email: the SES identity.
	From string
	// MaxAttempts bounds the sends of a message that keeps failing for a
	// passing reason (default 5); then it fails for good.
	MaxAttempts int
	// Lease is how long a claim keeps others from sending a message
	// (default 2 minutes): longer than a send takes.
	Lease time.Duration
}

// Service is the outbox and the notifier.
type Service struct {
	orgs      Orgs
	customers Customers
	st        store.Store
	clock     domain.Clock
	log       *slog.Logger
	queue     Queue
	dead      Queue
	mailer    Mailer
	texter    Texter
	printer   Printer
	opts      Options
}

// Orgs reads workspaces' set-ups.
type Orgs interface {
	LoadOrg(ctx context.Context, tenant string) (*workspace.Org, error)
}

// Customers reads customers: as the caller may see them (delivery records
// of a customer) and as they are (opt-outs at send time).
type Customers interface {
	GetCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error)
	CustomerImage(ctx context.Context, tenant, id string) (*domain.Customer, error)
}

// Ports are the notifier's dependencies: the store and clock, the
// workspaces and customers it reads, the notifications queue, its
// dead-letter queue, and the providers. A producer (a care flow) needs
// only the queue; the others may be nil where nothing is sent.
type Ports struct {
	Store     store.Store
	Clock     domain.Clock
	Orgs      Orgs
	Customers Customers
	Queue     Queue
	Dead      Queue
	Mailer    Mailer
	Texter    Texter
	Printer   Printer
}

// New returns the service.
func New(p Ports, opts Options, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 5
	}
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	return &Service{orgs: p.Orgs, customers: p.Customers, st: p.Store, clock: p.Clock, log: log, queue: p.Queue, dead: p.Dead,
		mailer: p.Mailer, texter: p.Texter, printer: p.Printer, opts: opts}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// maxQueueDelay is the longest delay SQS takes; later messages wait for
// the tick.
const maxQueueDelay = 15 * time.Minute

// stallAfter is how long an open message may sit after it was handed to
// the queue before the tick hands it over again (its queue message was
// lost, or the producer crashed before sending it).
const stallAfter = 10 * time.Minute

// Prepare turns a draft into a delivery record, due now or, in the
// workspace's quiet hours (or outside Decree 91's hours for advertising),
// at the next moment it may go out. The caller writes the returned op in
// the transaction that decides the message, then calls Dispatch.
func (s *Service) Prepare(o *workspace.Org, d Draft) (*Message, store.TxOp) {
	now := s.now()
	m := &Message{ID: IDOf(d.Key), Key: d.Key, Channel: d.Channel, To: d.To, Subject: d.Subject, Body: d.Body,
		Advertising: d.Advertising && d.Channel == ChannelSMS, AttachPDF: d.AttachRecord && d.Channel == ChannelEmail,
		Sender: d.Sender, CustomerID: d.CustomerID,
		ToCustomer: d.Customer, Source: d.Source, Status: StatusQueued, CreatedAt: now, UpdatedAt: now, Version: 1,
		Tenant: o.Workspace.ID}
	m.DueAt, m.Deferred = s.sendable(o, m, now)
	return m, store.TxPut(m.item(nextLook(m, now)), store.NotExist)
}

// sendable says when m may go out at the earliest from t, and why later
// than t if it is.
func (s *Service) sendable(o *workspace.Org, m *Message, t time.Time) (time.Time, string) {
	quiet, hasQuiet := quietWindow(o.Workspace.QuietHours, o.Workspace.Location())
	at := sendableAt(t, quiet, hasQuiet, m.Advertising)
	switch {
	case at.Equal(t):
		return t, ""
	case hasQuiet && quiet.contains(t):
		return at, "quiet_hours"
	}
	return at, "ad_hours"
}

// nextLook is when the tick should look at an open message: when it comes
// due if that is beyond the queue's reach, else a while after it should
// have gone out.
func nextLook(m *Message, now time.Time) time.Time {
	if m.DueAt.Sub(now) > maxQueueDelay {
		return m.DueAt
	}
	return maxTime(m.DueAt, now).Add(stallAfter)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Dispatch hands messages just written to the queue, delayed until they
// are due; those due beyond the queue's reach are left to the tick. A
// failure here loses nothing: the tick finds open messages again.
func (s *Service) Dispatch(ctx context.Context, msgs []*Message) error {
	now := s.now()
	for _, m := range msgs {
		delay := m.DueAt.Sub(now)
		if delay > maxQueueDelay {
			continue
		}
		if err := s.send(ctx, m, max(delay, 0)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) send(ctx context.Context, m *Message, delay time.Duration) error {
	// In the message's workspace's group (queuegroup): the tick sends too.
	if err := s.queue.Send(queuegroup.With(ctx, m.Tenant), store.Doc(queueMessage{Tenant: m.Tenant, ID: m.ID}), delay); err != nil {
		return fmt.Errorf("notify: queue message %s: %w", m.ID, err)
	}
	return nil
}

// Tick hands the queue the open messages whose time has come: deferred
// ones now due, and ones whose queue message went missing. It returns how
// many it handed over.
func (s *Service) Tick(ctx context.Context) (int, error) {
	now := s.now()
	sent := 0
	for shard := range pendingShards {
		q := store.Query{Index: store.GSI1, PK: pendingPK(shard), SK: store.SKLe, A: store.SortTime(now) + "#~", Limit: 200}
		for it, err := range store.Items(ctx, s.st, q) {
			if err != nil {
				return sent, fmt.Errorf("notify: read pending messages: %w", err)
			}
			m, err := decodeMessage(it)
			if err != nil {
				return sent, err
			}
			if err := s.send(ctx, m, max(m.DueAt.Sub(now), 0)); err != nil {
				return sent, err
			}
			sent++
			// Look again later; if the message moved meanwhile (sent,
			// say), its new state decides.
			m.Version++
			err = s.st.Put(ctx, m.item(now.Add(stallAfter)), store.IfVersion(it.Version))
			if err != nil && !errors.Is(err, store.ErrConditionFailed) {
				return sent, fmt.Errorf("notify: reschedule %s: %w", m.ID, err)
			}
		}
	}
	return sent, nil
}
