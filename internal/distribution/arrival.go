package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Customers are given out in the order they arrived [lần lượt theo thứ
// tự], whatever order their messages come in: the queue hands delayed
// messages to several workers at once (and SQS in no order at all), and the
// stream reports arrivals of different customers from parallel shards. So
// each arrival is written down under a key that sorts in arrival order, and
// a message does not take a place in the rotation for its customer before
// every customer that arrived earlier has one: it first releases, in key
// order, each earlier arrival still without a place.
//
// A place is taken only at release, not at arrival, so that a customer
// given an owner by hand (or moved away) during its delay takes none, and
// the others' shares are not disturbed.

// arrivalKey is where an arrival is written down: by when its delay ends
// (for one rule, the order of arrival), then by customer code (numbered in
// creation order, for customers that arrived at the same instant).
func arrivalKey(t, rule string, due time.Time, code, c, ep string) store.Key {
	// A longer code is a later one: KH1000000 comes after KH999999.
	return store.Key{PK: arrivalsPK(t, rule), SK: fmt.Sprintf("%s#%02d%s#%s#%s", sortTime(due), len(code), code, c, ep)}
}

func arrivalsPK(t, rule string) string { return "T#" + t + "#DARR#" + rule }

// arrivalKey is where m's arrival is written down (assignments only).
func (m Message) arrivalKey() store.Key {
	return store.Key{PK: arrivalsPK(m.Tenant, m.Rule), SK: m.Arrival}
}

// arrive writes down a customer's arrival in a rule's scope, for a message
// that will be handled at due; m learns its place in the arrival order.
// Written twice, it is the same item.
func (s *Service) arrive(ctx context.Context, m *Message, code string, due time.Time) error {
	k := arrivalKey(m.Tenant, m.Rule, due, code, m.Customer, m.Episode)
	m.Arrival = k.SK
	err := s.st.Put(ctx, store.Item{Key: k, Type: "dist_arrival", Version: 1, Doc: mustJSON(m),
		ExpiresAt: due.Add(90 * 24 * time.Hour)}, store.None)
	if err != nil {
		return fmt.Errorf("distribution: write down the arrival of %s: %w", m.Customer, err)
	}
	return nil
}

// releaseArrivals gives a place in the rule's rotation to every customer
// that arrived up to m (m's own customer included), in the order they
// arrived. Several workers may release the same arrivals at once: each
// place is claimed with a condition on the counter, and a worker moves on
// from an arrival only once it has a place (or needs none), so places
// follow the arrival order whoever claims them.
func (s *Service) releaseArrivals(ctx context.Context, r *Rule, m Message) error {
	if m.Arrival == "" {
		return nil // a reclaim, a hand-over, or sent before arrivals were written down
	}
	q := store.Query{PK: arrivalsPK(m.Tenant, m.Rule), SK: store.SKLe, A: m.Arrival, Limit: 100}
	for {
		page, err := s.st.Query(ctx, q)
		if err != nil {
			return fmt.Errorf("distribution: read arrivals: %w", err)
		}
		for _, it := range page.Items {
			if err := s.release(ctx, r, it); err != nil {
				return err
			}
		}
		if page.Cursor == "" {
			return nil
		}
		q.Cursor = page.Cursor
	}
}

// release gives one arrival its place, if its customer still waits for
// one, and crosses it off.
func (s *Service) release(ctx context.Context, r *Rule, it store.Item) error {
	var a Message
	if err := json.Unmarshal(it.Doc, &a); err != nil {
		return fmt.Errorf("distribution: decode arrival %s: %w", it.Key, err)
	}
	done := func() error {
		if err := s.st.Delete(ctx, it.Key, store.None); err != nil {
			return fmt.Errorf("distribution: cross off arrival %s: %w", it.Key, err)
		}
		return nil
	}
	if _, ok, err := s.slotOf(ctx, a); err != nil || ok {
		if err != nil {
			return err
		}
		return done() // released by another worker
	}
	cu, err := s.crm.CustomerImage(ctx, a.Tenant, a.Customer)
	if errors.Is(err, domain.ErrNotFound) {
		return done()
	}
	if err != nil {
		return err
	}
	if !r.covers(cu, a) || !episodeMatches(cu, a) {
		return done() // owned by hand during its delay, or moved away: it takes no place
	}
	_, claimed, err := s.claimSlot(ctx, a, store.TxDelete(it.Key, store.None))
	if err != nil || claimed {
		return err
	}
	return done()
}
