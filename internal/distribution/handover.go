package distribution

import (
	"context"
	"errors"
	"fmt"

	"tend/internal/store"
)

// KindHandOver asks for a customer to be handed over through a rule's
// rotation [bàn giao công việc], whatever its warehouse and step: a care
// flow decided it.
const KindHandOver = "hand_over"

// RuleExists reports whether a workspace has a distribution rule.
func (s *Service) RuleExists(ctx context.Context, tenant, id string) (bool, error) {
	_, err := s.st.Get(ctx, ruleKey(tenant, id))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("distribution: read rule %s: %w", id, err)
	}
	return true, nil
}

// HandOver queues the hand-over of a customer, now owned by owner (maybe
// nobody), to the next staff member of a rule other than that owner.
// episode names the hand-over, so that asking twice hands over once: the
// rotation slot is claimed once per episode and the assignment holds only
// while the customer still has the owner it had.
func (s *Service) HandOver(ctx context.Context, tenant, ruleID, customerID, owner, episode string) error {
	m := Message{Kind: KindHandOver, Tenant: tenant, Rule: ruleID, Customer: customerID, Episode: "h" + episode, Owner: owner}
	if err := s.queue.Send(ctx, store.Doc(m), 0); err != nil {
		return fmt.Errorf("distribution: send hand-over of %s: %w", customerID, err)
	}
	return nil
}
