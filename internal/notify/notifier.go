package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// HandleMessage sends one message of the notifications queue. A queue
// message may come twice, late or early: the delivery record decides.
// Only a failure of Tend's own storage returns an error (the queue
// retries, then dead-letters); the provider's passing failures are
// recorded on the message, retried with backoff and, past the last
// attempt, dead-lettered by hand; its refusals for good (bounces) end on
// the delivery record alone.
func (s *Service) HandleMessage(ctx context.Context, body []byte) error {
	var q queueMessage
	if err := json.Unmarshal(body, &q); err != nil || q.Tenant == "" || q.ID == "" {
		return fmt.Errorf("notify: not a notification message: %s", body)
	}
	it, err := s.st.Get(ctx, messageKey(q.Tenant, q.ID))
	if errors.Is(err, store.ErrNotFound) {
		s.log.Warn("notification message for no delivery record", "tenant", q.Tenant, "message", q.ID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("notify: read message %s: %w", q.ID, err)
	}
	m, err := decodeMessage(it)
	if err != nil {
		return err
	}
	now := s.now()
	switch {
	case !m.open():
		return nil // sent, failed or skipped already: a duplicate
	case m.Status == StatusSending && m.LeaseUntil != nil && now.Before(*m.LeaseUntil):
		return nil // another delivery is sending it
	case now.Before(m.DueAt):
		return nil // early (a stale copy): the tick sends it when it is due
	}
	o, err := s.orgs.LoadOrg(ctx, m.Tenant)
	if errors.Is(err, domain.ErrNotFound) {
		return s.settle(ctx, m, StatusSkipped, "workspace_gone", "")
	}
	if err != nil {
		return err
	}
	if skip, err := s.optedOut(ctx, m); err != nil || skip {
		if err != nil {
			return err
		}
		return s.settle(ctx, m, StatusSkipped, "opted_out", "")
	}
	if at, why := s.sendable(o, m, now); at.After(now) {
		return s.defer_(ctx, m, at, why)
	}
	claimed, err := s.claim(ctx, m, now)
	if err != nil || !claimed {
		return err
	}
	id, sendErr := s.deliver(ctx, m)
	switch {
	case sendErr == nil:
		return s.settle(ctx, m, StatusSent, "", id)
	case errors.Is(sendErr, domain.ErrRejected):
		// A refusal for good (a bounce, an unverified or opted-out
		// address) is an expected outcome: the delivery record says so,
		// and nobody needs paging for it.
		s.log.Warn("message refused", "tenant", m.Tenant, "message", m.ID, "err", sendErr)
		return s.settle(ctx, m, StatusFailed, sendErr.Error(), "")
	case m.Attempts >= s.opts.MaxAttempts:
		s.log.Error("message failed", "tenant", m.Tenant, "message", m.ID, "attempts", m.Attempts, "err", sendErr)
		if err := s.settle(ctx, m, StatusFailed, sendErr.Error(), ""); err != nil {
			return err
		}
		return s.deadLetter(ctx, m)
	}
	s.log.Warn("message send failed, will retry", "tenant", m.Tenant, "message", m.ID, "attempts", m.Attempts, "err", sendErr)
	return s.retry(ctx, m, sendErr)
}

// optedOut reports whether the message is for a customer who has since
// opted out of its channel.
func (s *Service) optedOut(ctx context.Context, m *Message) (bool, error) {
	if !m.ToCustomer || m.CustomerID == "" {
		return false, nil
	}
	cu, err := s.customers.CustomerImage(ctx, m.Tenant, m.CustomerID)
	if errors.Is(err, domain.ErrNotFound) {
		return true, nil // deleted for good: nobody to write to
	}
	if err != nil {
		return false, err
	}
	if m.Channel == ChannelEmail {
		return cu.EmailOptOut, nil
	}
	return cu.SMSOptOut, nil
}

// claim marks the message as being sent, for a lease, and for an
// advertising SMS takes one of the number's Decree 91 slots in the same
// transaction. It reports false when another delivery got there first or
// the message was deferred for the number's limit.
func (s *Service) claim(ctx context.Context, m *Message, now time.Time) (bool, error) {
	prev := m.Version
	lease := now.Add(s.opts.Lease)
	m.Status, m.LeaseUntil, m.Deferred, m.UpdatedAt, m.Version = StatusSending, &lease, "", now, prev+1
	m.Attempts++
	ops := []store.TxOp{store.TxPut(m.item(lease), store.IfVersion(prev))}
	if m.Advertising {
		op, next, err := s.takeAdSlot(ctx, m, now)
		if err != nil {
			return false, err
		}
		if op == nil {
			m.Status, m.LeaseUntil, m.Version, m.Attempts = StatusQueued, nil, prev, m.Attempts-1
			return false, s.defer_(ctx, m, next, "ad_limit")
		}
		ops = append(ops, *op)
	}
	err := s.st.Transact(ctx, ops)
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil // someone else claimed it (or the number's slots moved: the queue retries)
	}
	if err != nil {
		return false, fmt.Errorf("notify: claim %s: %w", m.ID, err)
	}
	return true, nil
}

// adLog is the Decree 91 record of a number.
type adLog struct {
	Sent []time.Time `json:"sent"`
}

// takeAdSlot returns the op that records one more advertising SMS to the
// number, or nil and when the next slot frees up.
func (s *Service) takeAdSlot(ctx context.Context, m *Message, now time.Time) (*store.TxOp, time.Time, error) {
	key := adLogKey(m.Tenant, m.To)
	var log adLog
	cond := store.NotExist
	var version int64
	it, err := s.st.Get(ctx, key)
	switch {
	case err == nil:
		if err := json.Unmarshal(it.Doc, &log); err != nil {
			return nil, time.Time{}, fmt.Errorf("notify: decode ad log: %w", err)
		}
		cond, version = store.IfVersion(it.Version), it.Version
	case !errors.Is(err, store.ErrNotFound):
		return nil, time.Time{}, fmt.Errorf("notify: read ad log: %w", err)
	}
	ok, next, kept := adSlot(log.Sent, now)
	if !ok {
		return nil, next, nil
	}
	op := store.TxPut(store.Item{Key: key, Type: typeAdLog, Version: version + 1, Doc: store.Doc(adLog{Sent: append(kept, now)}),
		ExpiresAt: now.Add(adLimitPeriod)}, cond)
	return &op, time.Time{}, nil
}

// deliver hands the message to its provider.
func (s *Service) deliver(ctx context.Context, m *Message) (string, error) {
	switch m.Channel {
	case ChannelEmail:
		e := domain.Email{Ref: m.Key, From: s.opts.From, To: []string{m.To}, Subject: m.Subject, Text: m.Body}
		if m.AttachPDF && m.CustomerID != "" && s.printer != nil {
			att, err := s.printer.CustomerPDF(ctx, m.Tenant, m.CustomerID)
			switch {
			case err == nil:
				e.Attachments = []domain.Attachment{att}
			case !errors.Is(err, domain.ErrNotFound):
				return "", fmt.Errorf("notify: print the record of %s: %w", m.CustomerID, err)
			}
			// A customer deleted since: the email goes without the record.
		}
		return s.mailer.SendEmail(ctx, e)
	case ChannelSMS:
		return s.texter.SendSMS(ctx, domain.SMS{Ref: m.Key, To: m.To, Body: m.Body, Sender: m.Sender, Advertising: m.Advertising})
	}
	return "", fmt.Errorf("%w: unknown channel %q", domain.ErrRejected, m.Channel)
}

// settle closes the message. A lost condition means another delivery
// settled it after our lease ran out; its outcome stands.
func (s *Service) settle(ctx context.Context, m *Message, st Status, reason, providerID string) error {
	now := s.now()
	prev := m.Version
	m.Status, m.LeaseUntil, m.UpdatedAt, m.Version = st, nil, now, prev+1
	if reason != "" {
		m.LastError = reason
	}
	if st == StatusSent {
		m.SentAt, m.ProviderID = &now, providerID
	}
	err := s.st.Put(ctx, m.item(now), store.IfVersion(prev))
	if errors.Is(err, store.ErrConditionFailed) {
		s.log.Warn("message settled by another delivery", "tenant", m.Tenant, "message", m.ID, "status", st)
		return nil
	}
	if err != nil {
		return fmt.Errorf("notify: settle %s as %s: %w", m.ID, st, err)
	}
	return nil
}

// defer_ makes the message wait until at, for why.
func (s *Service) defer_(ctx context.Context, m *Message, at time.Time, why string) error {
	now := s.now()
	prev := m.Version
	m.DueAt, m.Deferred, m.UpdatedAt, m.Version = at, why, now, prev+1
	err := s.st.Put(ctx, m.item(nextLook(m, now)), store.IfVersion(prev))
	if errors.Is(err, store.ErrConditionFailed) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("notify: defer %s: %w", m.ID, err)
	}
	return s.Dispatch(ctx, []*Message{m})
}

// backoff is the wait before the n-th attempt: 30 s, 1 min, 2 min, …,
// at most the queue's longest delay.
func backoff(attempt int) time.Duration {
	d := 30 * time.Second << max(attempt-1, 0)
	return min(d, maxQueueDelay)
}

// retry puts a message that failed for a passing reason back in the
// queue, after a backoff (and not into quiet hours).
func (s *Service) retry(ctx context.Context, m *Message, cause error) error {
	now := s.now()
	prev := m.Version
	m.Status, m.LeaseUntil, m.LastError, m.UpdatedAt, m.Version = StatusQueued, nil, cause.Error(), now, prev+1
	m.DueAt, m.Deferred = now.Add(backoff(m.Attempts)), "retry"
	err := s.st.Put(ctx, m.item(nextLook(m, now)), store.IfVersion(prev))
	if errors.Is(err, store.ErrConditionFailed) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("notify: requeue %s: %w", m.ID, err)
	}
	return s.Dispatch(ctx, []*Message{m})
}

// deadLetter copies a failed message to the dead-letter queue, where the
// alarm sees it.
func (s *Service) deadLetter(ctx context.Context, m *Message) error {
	if s.dead == nil {
		return nil
	}
	body := store.Doc(map[string]any{"tenant": m.Tenant, "id": m.ID, "channel": m.Channel, "to": m.To,
		"attempts": m.Attempts, "error": m.LastError})
	if err := s.dead.Send(ctx, body, 0); err != nil {
		return fmt.Errorf("notify: dead-letter %s: %w", m.ID, err)
	}
	return nil
}
