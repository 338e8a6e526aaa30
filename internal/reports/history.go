package reports

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
)

// entry is a history entry with the version of the write that made it.
type entry struct {
	version int64
	domain.AuditEntry
}

// entryVersion reads the version from a history entry's sort key,
// H#<time>#<version>#<id> (customer.historyItem).
func entryVersion(sk string) (int64, error) {
	parts := strings.Split(strings.TrimPrefix(sk, customer.HistoryPrefix), "#")
	if len(parts) != 3 {
		return 0, fmt.Errorf("reports: history key %q: want time, version and id", sk)
	}
	v, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("reports: history key %q: %w", sk, err)
	}
	return v, nil
}

// historyWindow bounds how long after a write's time its history entries
// are: a new customer's entry is written a moment after its creation time
// (which its image carries), an update's at its time exactly.
const historyWindow = 5 * time.Minute

// writeEntries returns the history entries the write that made a version
// of a customer made, the write being at (or just after) at.
func (s *Service) writeEntries(ctx context.Context, tenant, id string, version int64, at time.Time) ([]domain.AuditEntry, error) {
	q := store.Query{PK: customer.Partition(tenant, id), SK: store.SKBetween,
		A: customer.HistoryPrefix + store.SortTime(at), B: customer.HistoryPrefix + store.SortTime(at.Add(historyWindow)) + "~", Limit: 100}
	all, err := s.entries(ctx, q, func(v int64) bool { return v == version })
	if err != nil {
		return nil, err
	}
	out := make([]domain.AuditEntry, len(all))
	for i, e := range all {
		out[i] = e.AuditEntry
	}
	return out, nil
}

// entries reads the history entries of a query whose versions keep keeps,
// in the order of their versions and, within one, of their times.
func (s *Service) entries(ctx context.Context, q store.Query, keep func(version int64) bool) ([]entry, error) {
	var out []entry
	for it, err := range store.Items(ctx, s.Store, q) {
		if err != nil {
			return nil, fmt.Errorf("reports: read history: %w", err)
		}
		v, err := entryVersion(it.SK)
		if err != nil {
			return nil, err
		}
		if !keep(v) {
			continue
		}
		e, err := store.Decode[domain.AuditEntry](it)
		if err != nil {
			return nil, err
		}
		out = append(out, entry{version: v, AuditEntry: *e})
	}
	slices.SortStableFunc(out, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.version, b.version), a.At.Compare(b.At))
	})
	return out, nil
}

// replayAdds are the counter moves of a customer's whole history up to a
// version: each write's, from the state it found to the state it left.
func replayAdds(history []entry, loc *time.Location) Adds {
	a := Adds{}
	var st *state
	for group := range versions(history) {
		entries := make([]domain.AuditEntry, len(group))
		for i, e := range group {
			entries[i] = e.AuditEntry
		}
		next := st.replay(entries)
		a.merge(customerAdds(st, next, entries, loc))
		st = next
	}
	return a
}

// versions yields the entries of each version in turn.
func versions(history []entry) func(func([]entry) bool) {
	return func(yield func([]entry) bool) {
		for i := 0; i < len(history); {
			j := i
			for j < len(history) && history[j].version == history[i].version {
				j++
			}
			if !yield(history[i:j]) {
				return
			}
			i = j
		}
	}
}
