package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// arrivalOrder is an arrival's place in the order of arrival: by when its
// delay ends (for one rule, the order of arrival), then by customer code
// (numbered in creation order, for customers that arrived at the same
// instant).
func arrivalOrder(due time.Time, code, c, ep string) string {
	// A longer code is a later one: KH1000000 comes after KH999999.
	return fmt.Sprintf("%s#%02d%s#%s#%s", store.SortTime(due), len(code), code, c, ep)
}

func arrivalsPK(t, rule string) string { return "T#" + t + "#DARR#" + rule }

// arrivalKey is where m's arrival is written down (assignments only).
func (m Message) arrivalKey() store.Key {
	return store.Key{PK: arrivalsPK(m.Tenant, m.Rule), SK: m.Arrival}
}

// arrive writes down a customer's arrival in a rule's scope, for m, which
// will be handled at due. Written twice, it is written once.
func (s *Service) arrive(ctx context.Context, m Message, due time.Time) error {
	err := s.st.Put(ctx, store.Item{Key: m.arrivalKey(), Type: "dist_arrival", Version: 1, Doc: store.Doc(m),
		ExpiresAt: due.Add(90 * 24 * time.Hour)}, store.NotExist)
	if err != nil && !errors.Is(err, store.ErrConditionFailed) {
		return fmt.Errorf("distribution: write down the arrival of %s: %w", m.Customer, err)
	}
	return nil
}

// releaseBatch is how many arrivals one transaction releases: with the
// counter, each takes at most two of a transaction's hundred items (its
// slot, and crossing it off).
const releaseBatch = 40

// releaseArrivals gives a place in the rule's rotation to every customer
// that arrived up to m (m's own customer, who is cu, included), in the
// order they arrived, a batch at a time. Several workers may release the
// same arrivals at once: a batch is written on condition that the counter
// has not moved since it was read, so the one that loses reads the
// arrivals again (those released are crossed off) and goes on from there.
// It returns the place m's customer got, when this call gave it.
func (s *Service) releaseArrivals(ctx context.Context, r *Rule, m Message, cu *domain.Customer) (int64, bool, error) {
	if m.Arrival == "" {
		return 0, false, nil // a reclaim, a hand-over, or sent before arrivals were written down
	}
	for {
		page, err := s.st.Query(ctx, store.Query{PK: arrivalsPK(m.Tenant, m.Rule), SK: store.SKLe, A: m.Arrival, Limit: releaseBatch})
		if err != nil {
			return 0, false, fmt.Errorf("distribution: read arrivals: %w", err)
		}
		if len(page.Items) == 0 {
			return 0, false, nil
		}
		n, placed, err := s.release(ctx, r, m, cu, page.Items)
		if err != nil && !errors.Is(err, store.ErrConditionFailed) {
			return 0, false, fmt.Errorf("distribution: release arrivals: %w", err)
		}
		if placed {
			return n, true, nil
		}
		// Released, or another worker released some of them first: read
		// again. Each time round, some worker crossed arrivals off.
	}
}

// release gives each arrival of a batch whose customer still waits a
// place, in order, and crosses them all off, in one transaction. One
// owned by hand during its delay, or moved away, takes no place; one that
// has its place already (its message took it) takes no other. It returns
// the place m's customer got, if it was in the batch.
func (s *Service) release(ctx context.Context, r *Rule, m Message, own *domain.Customer, batch []store.Item) (int64, bool, error) {
	ck := counterKey(m.Tenant, m.Rule)
	cur, cond := store.Item{}, store.NotExist
	if it, err := s.st.Get(ctx, ck); err == nil {
		cur, cond = it, store.IfVersion(it.Version)
	} else if !errors.Is(err, store.ErrNotFound) {
		return 0, false, err
	}
	arrivals := make([]Message, len(batch))
	var slots []store.Key
	taken := map[store.Key]bool{}
	for i, it := range batch {
		if err := json.Unmarshal(it.Doc, &arrivals[i]); err != nil {
			return 0, false, fmt.Errorf("decode arrival %s: %w", it.Key, err)
		}
		a := arrivals[i]
		if sk := slotKey(a.Tenant, a.Rule, a.Customer, a.Episode); !slices.Contains(slots, sk) {
			slots = append(slots, sk)
		}
	}
	had, err := s.st.GetMany(ctx, slots)
	if err != nil {
		return 0, false, err
	}
	for _, it := range had {
		taken[it.Key] = true
	}
	mine := slotKey(m.Tenant, m.Rule, m.Customer, m.Episode)
	var ops []store.TxOp
	n, ownN := cur.N, int64(0)
	for i, a := range arrivals {
		ops = append(ops, store.TxDelete(batch[i].Key, store.None))
		sk := slotKey(a.Tenant, a.Rule, a.Customer, a.Episode)
		if taken[sk] {
			continue
		}
		cu := own
		if sk != mine {
			if cu, err = s.customers.CustomerImage(ctx, a.Tenant, a.Customer); errors.Is(err, domain.ErrNotFound) {
				continue
			} else if err != nil {
				return 0, false, err
			}
		}
		if !r.covers(cu, a) || !episodeMatches(cu, a) {
			continue
		}
		n++
		taken[sk] = true
		if sk == mine {
			ownN = n
		}
		ops = append(ops, store.TxPut(store.Item{Key: sk, Type: "dist_slot", Version: 1, Doc: store.Doc(slot{N: n})}, store.NotExist))
	}
	if n > cur.N {
		ops = append(ops, store.TxPut(store.Item{Key: ck, Type: "dist_counter", Version: cur.Version + 1, N: n}, cond))
	}
	if err := s.st.Transact(ctx, ops); err != nil {
		return 0, false, err
	}
	return ownN, ownN > 0, nil
}
