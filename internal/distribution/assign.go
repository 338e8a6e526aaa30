package distribution

import (
	"context"
	"errors"
	"slices"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/store"
	"tend/internal/workspace"
)

// ErrNoStaff is returned while none of a rule's staff can take customers:
// the message is retried, and the customer shows as waiting in the stats.
var ErrNoStaff = errors.New("distribution: no listed staff member is available")

// give hands one customer to the next staff member of the rule's rotation.
// It may run twice for one message, or for two copies of it, at once:
// the rotation position is claimed once per customer and episode, and the
// assignment is conditional on the customer still waiting.
func (s *Service) give(ctx context.Context, m Message) error {
	p, err := s.prepare(ctx, m)
	if err != nil || p == nil {
		return err
	}
	n, err := s.place(ctx, m)
	if err != nil {
		return err
	}
	return s.finish(ctx, p, n)
}

// pending is a customer to give out once it has its position: the
// workspace, the rule and the staff available now.
type pending struct {
	m     Message
	o     *workspace.Org
	r     *Rule
	staff []Staff
}

// prepare reads what giving m out needs. It returns nil when there is
// nothing to give out (the workspace, rule or customer is gone; the
// customer was owned by hand, moved elsewhere or cared for): then no
// position is taken. With no staff available it records the customer as
// waiting and returns ErrNoStaff.
func (s *Service) prepare(ctx context.Context, m Message) (*pending, error) {
	o, err := s.orgs.LoadOrg(ctx, m.Tenant)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rs, err := s.rulesOf(ctx, o)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(rs, func(r *Rule) bool { return r.ID == m.Rule })
	if i < 0 {
		return nil, nil // the rule was deleted meanwhile
	}
	r := rs[i]
	cu, err := s.customers.CustomerImage(ctx, m.Tenant, m.Customer)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !r.Enabled || !r.covers(cu, m) || !episodeMatches(cu, m) {
		// Owned by hand before the delay, moved elsewhere, or cared for:
		// nothing to give out, and no position taken.
		return nil, s.st.Delete(ctx, waitKey(m.Tenant, m.Rule, m.Customer), store.None)
	}
	exclude := m.Owner // a reclaim gives the customer to someone else
	if m.Kind == KindHandOver {
		exclude = "" // a hand-over follows the rotation wherever it leads
	}
	staff := available(o, r, exclude)
	if len(staff) == 0 {
		// The waiting item of the layout before, if any, moves to its shard.
		err := s.st.Transact(ctx, []store.TxOp{
			store.TxPut(store.Item{Key: waitKey(m.Tenant, m.Rule, m.Customer), Type: "dist_wait", Version: 1, Doc: store.Doc(m)}, store.None),
			store.TxDelete(store.Key{PK: oldWaitPK(m.Tenant, m.Rule), SK: m.Customer}, store.None),
		})
		if err != nil {
			return nil, err
		}
		return nil, ErrNoStaff
	}
	return &pending{m: m, o: o, r: r, staff: staff}, nil
}

// finish gives p's customer to the staff member position n picks.
func (s *Service) finish(ctx context.Context, p *pending, n int64) error {
	weights := make([]int, len(p.staff))
	for i, st := range p.staff {
		weights[i] = p.r.weight(st)
	}
	seq := Sequence(weights)
	to := p.staff[seq[int((n-1)%int64(len(seq)))]].UserID
	return s.assign(ctx, p.o, p.r, p.m, to, n)
}

// available lists the rule's staff who can take customers now: active, not
// away, and not the owner a reclaim takes the customer from.
func available(o *workspace.Org, r *Rule, exclude string) []Staff {
	var out []Staff
	for _, st := range r.Staff {
		u, ok := o.User(st.UserID)
		if ok && u.Active && !u.Away && st.UserID != exclude {
			out = append(out, st)
		}
	}
	return out
}

// assign makes to the owner, if the customer is still as the message
// found it, with the rule as the author, the new owner (and a reclaimed
// one) notified and the staff member's count moved, in one transaction.
func (s *Service) assign(ctx context.Context, o *workspace.Org, r *Rule, m Message, to string, n int64) error {
	action, actor := "distributed", domain.Actor{Kind: domain.ActorDistribution, ID: r.ID, Name: r.Name}
	switch m.Kind {
	case KindReclaim:
		action = "reclaimed"
	case KindHandOver:
		action = "handed_over"
	}
	edit := customer.Edit{Actor: actor, Action: action,
		Guard: func(c *domain.Customer) bool { return r.covers(c, m) && episodeMatches(c, m) },
		Apply: func(c *domain.Customer) error { c.OwnerID = to; return nil },
	}
	id := "dist_" + m.Rule + "_" + m.Customer + "_" + m.Episode
	lang := o.Workspace.Language
	logs := func(c *domain.Customer, _ []customer.EditOutcome) []store.TxOp {
		now := s.now()
		who := c.Name + " (" + c.Code + ")"
		ops := []store.TxOp{
			store.TxAdd(store.Key{PK: statsPK(m.Tenant, r.ID, positionShard(n)), SK: to}, 1),
			store.TxPut(store.Item{Key: assignmentKey(m.Tenant, r.ID, n), Type: "dist_assignment", Version: 1,
				Doc: store.Doc(Assignment{N: n, CustomerID: c.ID, UserID: to, Kind: m.Kind, From: m.Owner, At: now})}, store.None),
			store.TxDelete(waitKey(m.Tenant, r.ID, m.Customer), store.None),
			store.TxPut(inbox.Item(m.Tenant, inbox.Notification{ID: id + "_to", UserID: to, Kind: inbox.KindAssigned,
				Title:      inbox.Say(lang, "Khách hàng mới được giao", "New customer assigned to you"),
				Body:       inbox.Say(lang, who+" được giao cho bạn theo quy tắc "+r.Name, who+" was assigned to you by the rule "+r.Name),
				CustomerID: c.ID, At: now}), store.None),
		}
		if m.Kind == KindReclaim && m.Owner != "" {
			ops = append(ops, store.TxPut(inbox.Item(m.Tenant, inbox.Notification{ID: id + "_from", UserID: m.Owner, Kind: inbox.KindReclaimed,
				Title: inbox.Say(lang, "Khách hàng đã bị thu hồi", "Customer reclaimed"),
				Body: inbox.Say(lang, who+" đã được chuyển cho nhân viên khác vì chưa được chăm sóc",
					who+" was given to another staff member because it was not cared for in time"),
				CustomerID: c.ID, At: now}), store.None))
		}
		return ops
	}
	_, err := s.customers.EditAs(ctx, o, m.Customer, nil, []customer.Edit{edit}, logs)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	return err
}
