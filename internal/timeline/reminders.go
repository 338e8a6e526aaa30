package timeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Appointments with a reminder still to come are listed, while they wait,
// under a secondary key by the time it is due, across workspaces: the
// scheduler's tick reads what has come due.
//
// Every workspace's appointments are written there, so the key is sharded:
// APPT#REMIND#<nnn>, one of ReminderShards picked by a stable hash of the
// appointment's id (an appointment moved to a new time stays in its
// shard). An appointment costs its shard about 4 write units (booked,
// then reminded), so 50,000 writes a second across tenants, a third of
// them appointments, come to some 67,000 write units a second: 256 shards
// take that at about a quarter of each partition's 1,000, with room for
// the hash's unevenness. The tick reads what has come due in every shard
// (a query each, store.FanOut at a time, half a read unit when nothing is
// due: ~130 units a minute), merged in due order, and in the unsharded APPT#REMIND, where
// appointments booked before the shards wait until they are rewritten.
const (
	reminderIndexPK = "APPT#REMIND"
	ReminderShards  = 256
)

func reminderShardPK(shard int) string { return fmt.Sprintf("%s#%03d", reminderIndexPK, shard) }

// reminderPartitions are every partition a reminder may wait in: the
// unsharded one first, then each shard.
func reminderPartitions() []string {
	pks := []string{reminderIndexPK}
	for shard := range ReminderShards {
		pks = append(pks, reminderShardPK(shard))
	}
	return pks
}

func appointmentItem(tenant string, a domain.Appointment) store.Item {
	it := store.Item{Key: appointmentKey(tenant, a.CustomerID, a.ID), Type: typeAppointment, Version: a.Version, Doc: store.Doc(a)}
	if at, ok := a.RemindAt(); ok {
		it.Index[0] = store.IndexKey{PK: reminderShardPK(store.HashShard(a.ID, ReminderShards)),
			SK: store.SortTime(at) + "#" + tenant + "#" + a.CustomerID + "#" + a.ID}
	}
	return it
}

// DueReminder is an appointment whose reminder has come due.
type DueReminder struct {
	Tenant      string
	Appointment domain.Appointment
}

// DueReminders lists up to limit appointments whose reminder is due by
// now, the earliest first, from every partition they may wait in.
func (s *Service) DueReminders(ctx context.Context, now time.Time, limit int) ([]DueReminder, error) {
	var qs []store.Query
	for _, pk := range reminderPartitions() {
		qs = append(qs, store.Query{Index: store.GSI1, PK: pk, SK: store.SKLe, A: store.SortTime(now) + "#~", Limit: limit})
	}
	pages, err := store.QueryEach(ctx, s.store, qs)
	if err != nil {
		return nil, fmt.Errorf("timeline: read due reminders: %w", err)
	}
	var due []store.Item
	for _, page := range pages {
		due = append(due, page.Items...)
	}
	slices.SortFunc(due, func(a, b store.Item) int { return strings.Compare(a.Index[0].SK, b.Index[0].SK) })
	due = due[:min(len(due), limit)]
	out := make([]DueReminder, 0, len(due))
	for _, it := range due {
		a, err := store.Decode[domain.Appointment](it)
		if err != nil {
			return nil, err
		}
		a.Version = it.Version
		tenant, _, _ := strings.Cut(strings.TrimPrefix(it.Key.PK, "T#"), "#")
		out = append(out, DueReminder{Tenant: tenant, Appointment: *a})
	}
	return out, nil
}

// MarkReminded records that an appointment's people were reminded,
// writing ops (their notifications) in the same transaction, so that they
// are reminded once. It does nothing when the appointment changed since
// it was read (its new state decides).
func (s *Service) MarkReminded(ctx context.Context, d DueReminder, ops []store.TxOp) error {
	a := d.Appointment
	prev := a.Version
	now := s.now()
	a.RemindedAt, a.Version = &now, prev+1
	err := s.store.Transact(ctx, append([]store.TxOp{store.TxPut(appointmentItem(d.Tenant, a), store.IfVersion(prev))}, ops...))
	if errors.Is(err, store.ErrConditionFailed) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("timeline: mark appointment %s reminded: %w", a.ID, err)
	}
	return nil
}
