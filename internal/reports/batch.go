package reports

import (
	"context"
	"fmt"
	"slices"

	"tend/internal/store"
)

// HandleChanges moves the counters for a batch of changes, as HandleChange
// does for each, but writes a workspace's adds together: one transaction
// carries the applied marks of several changes and the sum of their adds,
// each counter once, in the shard of the first of them. A busy workspace's
// changes all move today's counters and the same gauges, so a stream batch
// of 100 changes then costs a few counter writes instead of hundreds.
//
// Each change is still written exactly once: its mark ("must not exist")
// rides in the transaction with its adds, and a change whose mark is
// already there (delivered before) is left out and the rest written
// again. While a rebuild runs, or its seen marks may still be read, a
// workspace's changes go one by one (apply), as those need per-record
// checks.
func (s *Service) HandleChanges(ctx context.Context, batch []store.Change) error {
	var tenants []string
	byTenant := map[string][]counted{}
	for _, c := range batch {
		ch, adds, ok, err := s.count(ctx, c.Type, c.Old, c.New)
		if err != nil {
			return err
		}
		if !ok || (len(adds) == 0 && !ch.isNew) {
			continue // as apply
		}
		if _, seen := byTenant[ch.tenant]; !seen {
			tenants = append(tenants, ch.tenant)
		}
		byTenant[ch.tenant] = append(byTenant[ch.tenant], counted{ch, adds})
	}
	for _, t := range tenants {
		if err := s.applyAll(ctx, t, byTenant[t]); err != nil {
			return err
		}
	}
	return nil
}

// counted is a change and the counters it moves.
type counted struct {
	ch   change
	adds Adds
}

// applyAll writes one workspace's changes of a batch.
func (s *Service) applyAll(ctx context.Context, tenant string, list []counted) error {
	gens, err := s.generationsOf(ctx, tenant, list[0].ch.record())
	if err != nil {
		return err
	}
	if gens.Building > 0 || s.now().Before(gens.SeenUntil) {
		for _, c := range list {
			if err := s.apply(ctx, c.ch, c.adds); err != nil {
				return err
			}
		}
		return nil
	}
	var group []counted
	cells := 0
	for _, c := range list {
		if len(c.adds) == 0 {
			// Nothing for a mark to guard: a new record's claim is only
			// made while a rebuild runs (apply).
			continue
		}
		if len(c.adds)+1 > store.MaxTransactItems {
			// Too many for one transaction: in chunks, as apply does.
			if err := s.applyTo(ctx, c.ch, c.adds, gens.Current, false, false); err != nil {
				return err
			}
			continue
		}
		// Counted as if no add of the group shared a counter: a bound.
		if len(group)+1+cells+len(c.adds) > store.MaxTransactItems {
			if err := s.writeTogether(ctx, tenant, gens.Current, group); err != nil {
				return err
			}
			group, cells = nil, 0
		}
		group = append(group, c)
		cells += len(c.adds)
	}
	return s.writeTogether(ctx, tenant, gens.Current, group)
}

// writeTogether writes a group's marks and summed adds in one
// transaction, leaving out the changes written before. A change that came
// twice in the group is written once.
func (s *Service) writeTogether(ctx context.Context, tenant string, gen int64, group []counted) error {
	seen := map[change]bool{}
	group = slices.DeleteFunc(slices.Clone(group), func(c counted) bool {
		dup := seen[c.ch]
		seen[c.ch] = true
		return dup
	})
	expires := s.now().Add(appliedTTL)
	for len(group) > 0 {
		sum := Adds{}
		ops := make([]store.TxOp, 0, len(group))
		for _, c := range group {
			sum.merge(c.adds)
			ops = append(ops, store.TxPut(store.Item{Key: appliedKey(c.ch, gen, 0), Type: typeApplied, Version: 1, ExpiresAt: expires}, store.NotExist))
		}
		ops = append(ops, sum.ops(tenant, gen, group[0].ch.record())...)
		err := s.Store.Transact(ctx, ops)
		switch i := store.FailedOp(err); {
		case err == nil:
			return nil
		case i >= 0 && i < len(group):
			// Its mark is there: written before, with the same adds.
			group = slices.Delete(group, i, i+1)
		default:
			return fmt.Errorf("reports: write counters: %w", err)
		}
	}
	return nil
}
