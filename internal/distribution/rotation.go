package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"tend/internal/store"
)

// The rotation [lần lượt] is one atomic add on the rule's own counter per
// batch of messages: a batch's k customers of one rule (batch.go; a
// message handled alone is a batch of one) add k, and the add's result n
// gives them positions n-k+1..n in the batch's order. A position picks the
// staff member (n mod staff for round robin, the smooth weighted sequence
// for weighted rules). Each position is then claimed for the customer's
// episode (its slot, written once), so a retried or duplicated message
// finds its position again instead of taking another.
//
// The counter is one item, and DynamoDB serves one partition about 1,000
// writes a second: with one add per batch of up to 10 (the distributor's
// SQS batch size), a rule gives out up to about 10,000 customers a second
// while the queue delivers full batches, and about 1,000 when messages
// come one at a time.
//
// What the order is. Customers take positions in the order their adds land.
// Customers whose messages are handled at the same time (a delay releasing
// many at once, the queue's several workers, SQS's lack of order) may be
// placed in another order than the one they arrived in; customers handled
// one after another are placed in that order. The shares do not depend on
// the order: N customers over k staff give each N/k ± 1 (by weight: the
// sequence's share ± 1), with any number of workers.
//
// A customer given an owner by hand (or moved away) during its delay takes
// no position: give reads it before the add.
//
// Gaps. The add and the claim are two writes. When a message's add lands
// but its claim does not (the process dies between them and the message is
// retried, or two copies of one message add at the same time and only one
// claims), that position is used by no one: a gap. A batch's add that lands
// before the process dies leaves up to k gaps (the positions not claimed
// yet); its claimed positions stay with their customers. So is the position of a
// customer given an owner by hand between give's read and its add (the
// assignment's guard then refuses). A gap only moves the rotation on by
// one: the staff member whose turn it was gets one customer fewer over the
// run, so with g gaps in a run each member's count stays within
// N/k ± (1 + g) and the members' counts differ by at most 1 + g. Gaps show
// as missing numbers in the rule's assignments list. They need a crash or a
// duplicate racing its twin in the milliseconds between two writes.

// slot is a customer's claimed position.
type slot struct {
	N int64 `json:"n"`
}

// place returns the customer's position in the rule's rotation: the one
// its episode has, or else the next one.
func (s *Service) place(ctx context.Context, m Message) (int64, error) {
	if n, ok, err := s.slotOf(ctx, m); err != nil || ok {
		return n, err // a retry, or a copy of the message
	}
	n, err := s.nextPositions(ctx, m.Tenant, m.Rule, 1)
	if err != nil {
		return 0, err
	}
	return s.claim(ctx, m, n)
}

// claim makes n the position of the customer's episode, unless a copy of
// the message claimed one first: then n is a gap and the copy's position
// is returned.
func (s *Service) claim(ctx context.Context, m Message, n int64) (int64, error) {
	err := s.st.Put(ctx, store.Item{Key: slotKey(m.Tenant, m.Rule, m.Customer, m.Episode), Type: "dist_slot", Version: 1,
		Doc: store.Doc(slot{N: n})}, store.NotExist)
	if errors.Is(err, store.ErrConditionFailed) {
		// A copy of the message claimed first: n is a gap, the copy's
		// position is the customer's.
		if n, ok, err := s.slotOf(ctx, m); err != nil || ok {
			return n, err
		}
		return 0, fmt.Errorf("distribution: the slot of %s was claimed and is gone", m.Customer)
	}
	if err != nil {
		return 0, fmt.Errorf("distribution: claim slot: %w", err)
	}
	return n, nil
}

// slotOf returns the position of the rule's rotation the customer's
// episode got, if it has one.
func (s *Service) slotOf(ctx context.Context, m Message) (int64, bool, error) {
	it, err := s.st.Get(ctx, slotKey(m.Tenant, m.Rule, m.Customer, m.Episode))
	if errors.Is(err, store.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	var sl slot
	if err := json.Unmarshal(it.Doc, &sl); err != nil {
		return 0, false, fmt.Errorf("distribution: decode slot: %w", err)
	}
	return sl.N, true, nil
}

// nextPositions is the one atomic add of k assignments (a batch's
// customers of one rule, batch.go): it returns n, the last of the
// positions n-k+1..n it took. The first time a
// process uses a rule's counter it makes sure that, if the rule has a
// counter of the layout before (all rules' counters in one partition), the
// new counter starts from it, so that positions go on from where they were
// on a deployed table; after that, the add alone. (Old code still adding to
// the old counter during a deploy can give a position twice: one customer
// more for one staff member, once.)
func (s *Service) nextPositions(ctx context.Context, tenant, rule string, k int) (int64, error) {
	ck := counterKey(tenant, rule)
	if _, ok := s.seeded.Load(ck); !ok {
		if err := s.seedCounter(ctx, tenant, rule); err != nil {
			return 0, err
		}
		s.seeded.Store(ck, true)
	}
	n, err := s.st.Incr(ctx, ck, int64(k))
	if err != nil {
		return 0, fmt.Errorf("distribution: move the rotation: %w", err)
	}
	return n, nil
}

// seedCounter creates a rule's counter at the value of its old-layout
// counter, unless it exists. Without an old counter there is nothing to
// carry over: the first add creates the counter.
func (s *Service) seedCounter(ctx context.Context, tenant, rule string) error {
	ck := counterKey(tenant, rule)
	if _, err := s.st.Get(ctx, ck); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("distribution: read the rotation counter: %w", err)
	}
	it, err := s.st.Get(ctx, oldCounterKey(tenant, rule))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("distribution: read the old rotation counter: %w", err)
	}
	err = s.st.Put(ctx, store.Item{Key: ck, Type: "dist_counter", Version: 1, N: it.N}, store.NotExist)
	if err != nil && !errors.Is(err, store.ErrConditionFailed) {
		return fmt.Errorf("distribution: seed the rotation counter: %w", err)
	}
	return nil
}
