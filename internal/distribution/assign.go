package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	o, err := s.orgs.LoadOrg(ctx, m.Tenant)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	rs, err := s.rulesOf(ctx, o)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(rs, func(r *Rule) bool { return r.ID == m.Rule })
	if i < 0 {
		return nil // the rule was deleted meanwhile
	}
	r := rs[i]
	cu, err := s.customers.CustomerImage(ctx, m.Tenant, m.Customer)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !r.Enabled || !r.covers(cu, m) || !episodeMatches(cu, m) {
		// Owned by hand before the delay, moved elsewhere, or cared for:
		// nothing to give out, and no place in the rotation to keep for
		// it (a later release would take one that no one applies).
		done := []store.TxOp{store.TxDelete(waitKey(m.Tenant, m.Rule, m.Customer), store.None)}
		if m.Arrival != "" {
			done = append(done, store.TxDelete(m.arrivalKey(), store.None))
		}
		return s.st.Transact(ctx, done)
	}
	exclude := m.Owner // a reclaim gives the customer to someone else
	if m.Kind == KindHandOver {
		exclude = "" // a hand-over follows the rotation wherever it leads
	}
	staff := available(o, r, exclude)
	if len(staff) == 0 {
		if err := s.st.Put(ctx, store.Item{Key: waitKey(m.Tenant, m.Rule, m.Customer), Type: "dist_wait", Version: 1,
			Doc: store.Doc(m)}, store.None); err != nil {
			return err
		}
		return ErrNoStaff
	}
	n, err := s.place(ctx, r, m, cu)
	if err != nil {
		return err
	}
	weights := make([]int, len(staff))
	for i, st := range staff {
		weights[i] = r.weight(st)
	}
	seq := Sequence(weights)
	to := staff[seq[int((n-1)%int64(len(seq)))]].UserID
	return s.assign(ctx, o, r, m, to, n)
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

// place returns the customer's position in the rule's rotation: the one
// its episode has, or else the next one once every customer that arrived
// before it has theirs. The rotation follows the order customers arrived
// in, not the order their messages are handled in.
func (s *Service) place(ctx context.Context, r *Rule, m Message, cu *domain.Customer) (int64, error) {
	if n, ok, err := s.slotOf(ctx, m); err != nil || ok {
		return n, err // a retry, or released with an earlier customer
	}
	if n, ok, err := s.releaseArrivals(ctx, r, m, cu); err != nil || ok {
		return n, err
	}
	return s.claimSlot(ctx, m)
}

type slot struct {
	N int64 `json:"n"`
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

// claimSlot gives the customer's episode the next position of the rule's
// rotation, once: the counter and the customer's slot are written in one
// transaction, so a retried or duplicated message finds its slot again
// instead of taking another.
func (s *Service) claimSlot(ctx context.Context, m Message) (int64, error) {
	sk := slotKey(m.Tenant, m.Rule, m.Customer, m.Episode)
	ck := counterKey(m.Tenant, m.Rule)
	for attempt := 0; attempt < 100; attempt++ {
		if n, ok, err := s.slotOf(ctx, m); err != nil || ok {
			return n, err
		}
		var cur store.Item
		cond := store.NotExist
		if it, err := s.st.Get(ctx, ck); err == nil {
			cur, cond = it, store.IfVersion(it.Version)
		} else if !errors.Is(err, store.ErrNotFound) {
			return 0, err
		}
		n := cur.N + 1
		err := s.st.Transact(ctx, []store.TxOp{
			store.TxPut(store.Item{Key: ck, Type: "dist_counter", Version: cur.Version + 1, N: n}, cond),
			store.TxPut(store.Item{Key: sk, Type: "dist_slot", Version: 1, Doc: store.Doc(slot{N: n})}, store.NotExist),
		})
		if err == nil {
			return n, nil
		}
		if !errors.Is(err, store.ErrConditionFailed) {
			return 0, fmt.Errorf("distribution: claim slot: %w", err)
		}
		// Another claim moved the counter, or took this slot: read again.
	}
	return 0, errors.New("distribution: the rotation counter keeps moving; retry")
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
			store.TxAdd(store.Key{PK: statsPK(m.Tenant, r.ID), SK: to}, 1),
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
