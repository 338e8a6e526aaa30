package careflow

import (
	"context"
	"errors"
	"fmt"

	"tend/internal/action"
	"tend/internal/domain"
	"tend/internal/notify"
	"tend/internal/store"
)

// actOn applies the flow's actions to a record for an occurrence, once:
// a marker written last says it is done, and every effect before it is
// idempotent on its own (edits that change nothing write nothing, tasks
// and messages have keys derived from the flow, record and occurrence), so
// a run resumed after a crash finishes what it started without doing
// anything twice. It reports whether this run acted on the record.
func (s *Service) actOn(ctx context.Context, run *runCtx, rec record, occ string) (bool, error) {
	t, f := run.group.Tenant, &run.group.Flow
	mark := doneKey(t, f.ID, occ, rec.id)
	if it, err := s.st.Get(ctx, mark); err == nil {
		d, err := store.Decode[done](it)
		return err == nil && d.Run == run.group.ID, err
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("careflow: read marker: %w", err)
	}
	cu := rec.customer
	if rec.order != nil {
		c, err := s.Customers.CustomerImage(ctx, t, rec.order.CustomerID)
		if errors.Is(err, domain.ErrNotFound) {
			return false, nil // the order's customer is gone
		}
		if err != nil {
			return false, err
		}
		cu = c
		if run.flow.set != nil && !run.flow.set.Match(cu, run.env) {
			return false, nil
		}
	}
	msgs, err := s.Actions.Do(ctx, &action.Target{Org: run.org, Refs: run.refs, Day: run.day, At: run.group.Occurs,
		RecordID: rec.id, Customer: cu, Order: rec.order,
		Source: notify.Source{Kind: "care_flow", ID: f.ID, Name: f.Name}, Actor: domain.ActorCareFlow,
		Prefix: fmt.Sprintf("cf:%s:%s:%s", f.ID, rec.id, occ)}, f.Actions)
	if err != nil {
		return false, err
	}
	err = s.st.Put(ctx, store.Item{Key: mark, Type: typeDone, Version: 1,
		Doc: store.Doc(done{Run: run.group.ID, At: s.now()})}, store.NotExist)
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil // another delivery of the job finished the record
	}
	if err != nil {
		return false, fmt.Errorf("careflow: mark %s done: %w", rec.id, err)
	}
	return true, s.Actions.Dispatch(ctx, msgs)
}
