// Package backfill brings the items stored before a change up to what the
// change expects, by itself, once, on AWS as locally: the scheduler's tick
// starts it and the jobs queue runs it.
//
// Staff birthdays and inbox read state (issue 14) added two sparse index
// keys that items stored before them lack: a user with a birthday has no
// key in the birthday index, so the birthday tick never finds them, and a
// notification has no key in the unread index, so it counts as read though
// its read_at is null. The backfill gives such users their key
// (workspace.BirthdayIndexed) and marks such notifications read at their
// own time (inbox.ReadUnindexed, which says why).
//
// Customers and duplicate-check claims (issue 12) stored before their
// list and claim index keys were sharded keep their keys in one partition
// until rewritten, where the readers, which read the shards, no longer
// look: the backfill gives them their keys as written now
// (customer.ShardedIndexKeys).
//
// Customers stored before the search and sort index (issue 17) have no
// index items, so searches and sorted lists miss them: the backfill
// writes them (customer.IndexItems), in a transaction conditional on the
// customer's version, reading a customer written meanwhile again.
//
// Nothing lists every workspace (each lives in partitions of its own), so
// the backfill reads the table once with a parallel scan: a shardrun run
// of Segments shards, one scan segment each, whose checkpoint (the scan's
// cursor) is saved after each page. Each write is conditional on the
// version read, so an edit made meanwhile wins, and an item already fixed
// (or written since the change) is read and left alone: a shard delivered
// twice, or resumed after a crash from its last checkpoint, writes nothing
// twice. The run's record, marked done when every shard is, is what later
// ticks read: one item read by the first tick of each process, none after
// (Service remembers it), whatever the number of workspaces.
package backfill

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// JobKind names the backfill's shard jobs on the jobs queue.
const JobKind = "backfill"

// RunID names the backfill run. A change that needs items rewritten adds
// its fixer and renames the run: a table whose earlier run is done runs
// the scan again, the earlier fixers finding nothing left to fix (an item
// they fixed, or wrote since, is left alone); a new table runs it once.
// The runs so far: "i14-index-keys" (birthday and unread keys),
// "i12-customer-index-shards" (the sharded customer keys of issue 12),
// "i17-customer-search-index" (the customers' search and sort index of
// issue 17), then this one (the index items' documents naming the owner
// and warehouse, address, tax code and tag tokens).
const RunID = "i17-customer-index-scope"

// Segments is how many scan segments, and so jobs, the table is read in:
// as many as the jobs function runs at once (its MaximumConcurrency).
const Segments = 16

// scanPage is how many items one page of a segment reads.
const scanPage = 200

// fixers each return an item brought up to date and whether it changed.
var fixers = []func(store.Item) (store.Item, bool, error){workspace.BirthdayIndexed, inbox.ReadUnindexed, customer.ShardedIndexKeys}

// run is the backfill's run record.
type run struct {
	shardrun.Header
}

// Shards implements shardrun.Record: a shard per scan segment.
func (r *run) Shards() int { return Segments }

// checkpoint is how far a segment got, and what it fixed.
type checkpoint struct {
	shardrun.Progress
	Fixed int `json:"fixed"`
}

// Service runs the backfill.
type Service struct {
	st    store.Store
	clock domain.Clock
	log   *slog.Logger
	runs  *shardrun.Runs
	// done is set once the run is seen done: this process's later ticks
	// read nothing.
	done atomic.Bool
}

// New returns the backfill over a store and the jobs queue.
func New(st store.Store, jobs shardrun.Queue, clock domain.Clock, log *slog.Logger) *Service {
	return &Service{st: st, clock: clock, log: log, runs: &shardrun.Runs{Kind: JobKind, Store: st, Jobs: jobs,
		ItemType: "backfill_run", OpenPK: "BACKFILL#OPEN", PK: func(_, id string) string { return "BACKFILL#" + id },
		Open: shardrun.OpenAs[run]}}
}

// IsJob reports whether a jobs-queue message is a backfill shard's.
func IsJob(body []byte) bool { return shardrun.KindOf(body) == JobKind }

// Tick starts the backfill on the first tick (a second tick finds it
// claimed), sends again the jobs of its shards that stalled while it runs,
// and reads nothing once this process has seen it done. It counts no
// run started (it returns 0): the tick's count is of the workspaces'
// runs, which the backfill is not one of.
func (s *Service) Tick(ctx context.Context) (int, error) {
	if s.done.Load() {
		return 0, nil
	}
	rec, _, err := s.runs.Record(ctx, "", RunID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return s.start(ctx)
	case err != nil:
		return 0, err
	case rec.Head().Done:
		s.done.Store(true)
		return 0, nil
	}
	return 0, s.runs.ResendStalled(ctx, s.clock.Now())
}

func (s *Service) start(ctx context.Context) (int, error) {
	now := s.clock.Now()
	rec := &run{Header: shardrun.Header{ID: RunID, Date: now.UTC().Format("2006-01-02"), Occurs: now, CreatedAt: now, SentAt: now}}
	err := s.st.Transact(ctx, s.runs.Start(rec, now))
	if errors.Is(err, store.ErrConditionFailed) {
		return 0, nil // another tick started it
	}
	if err != nil {
		return 0, fmt.Errorf("backfill: start: %w", err)
	}
	s.log.InfoContext(ctx, "backfill started", "run", RunID, "segments", Segments)
	return 0, s.runs.SendJobs(ctx, rec)
}

// HandleJob runs one shard's segment of the scan from its checkpoint.
func (s *Service) HandleJob(ctx context.Context, body []byte) error {
	j, err := s.runs.ParseJob(body)
	if err != nil {
		return err
	}
	return shardrun.RunJob(ctx, s.runs, j, shardrun.Kind[*checkpoint]{
		Begin: func(context.Context, shardrun.Record, *checkpoint) (shardrun.Pass[*checkpoint], error) {
			return func(ctx context.Context, cp *checkpoint, cursor string) (string, error) {
				return s.pass(ctx, j.Shard, cp, cursor)
			}, nil
		},
		Finish: func(ctx context.Context, rec shardrun.Record, version int64) error {
			return s.finish(ctx, rec, version)
		},
		Now: s.clock.Now,
	})
}

// pass fixes the items of one page of a segment.
func (s *Service) pass(ctx context.Context, segment int, cp *checkpoint, cursor string) (string, error) {
	page, err := s.st.Scan(ctx, store.Scan{Segment: segment, Segments: Segments, Limit: scanPage, Cursor: cursor})
	if err != nil {
		return "", fmt.Errorf("backfill: scan segment %d: %w", segment, err)
	}
	for _, it := range page.Items {
		n, err := fix(ctx, s.st, it)
		if err != nil {
			return "", err
		}
		cp.Fixed += n
		indexed, err := customer.IndexItems(ctx, s.st, it)
		if err != nil {
			return "", fmt.Errorf("backfill: %w", err)
		}
		if indexed && n == 0 {
			cp.Fixed++
		}
	}
	return page.Cursor, nil
}

// fix writes it brought up to date, over the version read; an item
// changed since (an edit, a read) is left to what changed it, which wrote
// it as it should be.
func fix(ctx context.Context, st store.Store, it store.Item) (int, error) {
	fixed, changed := it, false
	for _, f := range fixers {
		next, ok, err := f(fixed)
		if err != nil {
			return 0, fmt.Errorf("backfill: %w", err)
		}
		fixed, changed = next, changed || ok
	}
	if !changed {
		return 0, nil
	}
	err := st.Put(ctx, fixed, store.IfVersion(it.Version))
	if errors.Is(err, store.ErrConditionFailed) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("backfill: write %s: %w", it.Key, err)
	}
	return 1, nil
}

// finish closes the run once every segment is done.
func (s *Service) finish(ctx context.Context, rec shardrun.Record, version int64) error {
	fixed := 0
	all, err := shardrun.AllDone(ctx, s.runs, rec, func(cp *checkpoint) { fixed += cp.Fixed })
	if err != nil || !all {
		return err
	}
	done, err := s.runs.Finish(ctx, rec, version)
	if done {
		s.log.InfoContext(ctx, "backfill done", "run", RunID, "fixed", fixed)
	}
	return err
}
