package reports

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/orders"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// A rebuild recomputes every counter of a workspace from its records into
// a new generation, one job per shard of customers, one for the trash and
// one for the orders; when every job is done the new generation becomes
// the one reports read, all at once. Changes made meanwhile reach it
// through the stream (see apply).

// JobKind names rebuild jobs on the jobs queue.
const JobKind = "report_rebuild"

// IsJob reports whether a jobs-queue message is a rebuild job.
func IsJob(body []byte) bool { return shardrun.KindOf(body) == JobKind }

const openRunsPK = "RPTRUN#OPEN"

func runPK(tenant, run string) string { return "T#" + tenant + "#RPTRUN#" + run }

// The jobs of a rebuild: customer.Shards shards of live customers, then
// the trash and the orders.
const (
	trashShard  = customer.Shards
	ordersShard = customer.Shards + 1
)

type rebuildRun struct {
	shardrun.Header
	Generation int64 `json:"generation"`
	// Timezone is the workspace's when the rebuild started: every job
	// counts days in it.
	Timezone   string     `json:"timezone"`
	Counted    int        `json:"counted"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// Shards implements shardrun.Record.
func (r *rebuildRun) Shards() int { return customer.Shards + 2 }

type checkpoint struct {
	shardrun.Progress
}

// Rebuild is a rebuild as the API shows it.
type Rebuild struct {
	ID         string     `json:"id"`
	Status     string     `json:"status"` // running | done
	Generation int64      `json:"generation"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	// Counted is how many customers and orders were counted (when done).
	Counted int `json:"counted"`
}

func (r *rebuildRun) view() *Rebuild {
	v := &Rebuild{ID: r.ID, Status: "running", Generation: r.Generation, StartedAt: r.CreatedAt, FinishedAt: r.FinishedAt, Counted: r.Counted}
	if r.Done {
		v.Status = "done"
	}
	return v
}

// StartRebuild starts a rebuild of the caller's workspace (admins only);
// while one runs, it answers that one.
func (s *Service) StartRebuild(ctx context.Context, c *workspace.Caller) (*Rebuild, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	tenant := c.Tenant()
	for range 5 {
		gens, version, err := s.generations(ctx, tenant)
		if err != nil {
			return nil, err
		}
		if gens.Building > 0 {
			return s.RebuildStatus(ctx, c, gens.Run)
		}
		now := s.now()
		run := &rebuildRun{Header: shardrun.Header{ID: domain.NewID("rbld"), Tenant: tenant,
			Date: domain.DateOf(now, c.Org.Workspace.Location()).String(), CreatedAt: now, SentAt: now},
			Generation: gens.Last + 1, Timezone: c.Org.Workspace.Timezone}
		gens.Building, gens.Run, gens.Last = run.Generation, run.ID, run.Generation
		err = s.Store.Transact(ctx, append(putGenerations(tenant, gens, version), s.runs.Start(run, now)...))
		if store.FailedOp(err) == 0 {
			continue // another start got there first
		}
		if err != nil {
			return nil, fmt.Errorf("reports: start rebuild: %w", err)
		}
		s.Log.InfoContext(ctx, "report rebuild started", "tenant", tenant, "run", run.ID, "generation", run.Generation)
		return run.view(), s.runs.SendJobs(ctx, run)
	}
	return nil, errors.New("reports: the generations keep changing; retry")
}

// RebuildStatus shows a rebuild of the caller's workspace (admins only).
func (s *Service) RebuildStatus(ctx context.Context, c *workspace.Caller, id string) (*Rebuild, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	rec, _, err := s.runs.Record(ctx, c.Tenant(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("report_rebuild")
	}
	if err != nil {
		return nil, err
	}
	return rec.(*rebuildRun).view(), nil
}

// Tick sends again the jobs of rebuilds that stopped moving.
func (s *Service) Tick(ctx context.Context) (int, error) {
	return 0, s.runs.ResendStalled(ctx, s.now())
}

// HandleJob runs one rebuild job of the jobs queue: a shard, from its
// checkpoint.
func (s *Service) HandleJob(ctx context.Context, body []byte) error {
	j, err := s.runs.ParseJob(body)
	if err != nil {
		return err
	}
	return shardrun.RunJob[checkpoint](ctx, s.runs, j, shardrun.Kind[*checkpoint]{
		Begin: func(ctx context.Context, rec shardrun.Record, cp *checkpoint) (shardrun.Pass[*checkpoint], error) {
			return s.pass(rec.(*rebuildRun), j.Shard)
		},
		Finish: func(ctx context.Context, rec shardrun.Record, version int64) error {
			return s.finish(ctx, rec.(*rebuildRun), version)
		},
		Now: s.now,
	})
}

// rebuildPage is how many records a job counts between checkpoints.
const rebuildPage = 100

func (s *Service) pass(run *rebuildRun, shard int) (shardrun.Pass[*checkpoint], error) {
	loc, err := domain.LoadLocation(run.Timezone)
	if err != nil {
		return nil, fmt.Errorf("reports: rebuild %s: %w", run.ID, err)
	}
	return func(ctx context.Context, cp *checkpoint, cursor string) (string, error) {
		if shard == ordersShard {
			os, next, err := s.Orders.Page(ctx, run.Tenant, rebuildPage, cursor)
			if err != nil {
				return "", err
			}
			for _, o := range os {
				if err := s.countOrder(ctx, run, loc, o); err != nil {
					return "", err
				}
				cp.Evaluated++
			}
			return next, nil
		}
		var page store.Page
		var err error
		if shard == trashShard {
			page, err = s.Store.Query(ctx, store.Query{Index: store.GSI1, PK: customer.TrashPK(run.Tenant), Limit: rebuildPage, Cursor: cursor, DocsOnly: true})
		} else {
			page, err = customer.ShardPage(ctx, s.Store, run.Tenant, shard, rebuildPage, cursor)
		}
		if err != nil {
			return "", fmt.Errorf("reports: read customers: %w", err)
		}
		for _, it := range page.Items {
			if err := s.countCustomer(ctx, run, loc, it); err != nil {
				return "", err
			}
			cp.Evaluated++
		}
		return page.Cursor, nil
	}, nil
}

// rebuildMark is a record's seen mark as a rebuild writes it: Chunked when
// its counters did not fit the mark's transaction and follow it in
// chunks.
type rebuildMark struct {
	seenMark
	Chunked bool `json:"chunked,omitempty"`
}

// countCustomer counts a customer into the rebuild's generation as it is
// at some version: its whole history replayed up to that version, written
// with its seen mark in one transaction that also checks the customer is
// still at that version (so that the stream applies every later change).
// A customer whose counters don't fit one transaction is marked first,
// then written in chunks, each once.
func (s *Service) countCustomer(ctx context.Context, run *rebuildRun, loc *time.Location, it store.Item) error {
	tenant, gen, key := run.Tenant, run.Generation, it.Key
	for attempt := range 10 {
		if attempt > 0 {
			var err error
			if it, err = s.Store.Get(ctx, key); errors.Is(err, store.ErrNotFound) {
				return nil
			} else if err != nil {
				return fmt.Errorf("reports: read customer: %w", err)
			}
		}
		im, err := customer.DecodeImage(it)
		if err != nil {
			return err
		}
		record := "C:" + im.Customer.ID
		version := it.Version
		var m rebuildMark
		mit, err := s.Store.Get(ctx, seenKey(tenant, gen, record))
		switch {
		case err == nil:
			if mm, err := store.Decode[rebuildMark](mit); err != nil {
				return err
			} else {
				m = *mm
			}
			if m.By == "stream" || !m.Chunked {
				return nil // counted: by the stream from its creation, or here before
			}
			version = mit.Version
		case !errors.Is(err, store.ErrNotFound):
			return fmt.Errorf("reports: read seen mark: %w", err)
		}
		history, err := s.entries(ctx, store.Query{PK: customer.Partition(tenant, im.Customer.ID), SK: store.SKBeginsWith,
			A: customer.HistoryPrefix, Limit: 1000}, func(v int64) bool { return v <= version })
		if err != nil {
			return err
		}
		ops := replayAdds(history, loc).ops(tenant, gen, record)
		chunks := func(k int) store.Item {
			return store.Item{Key: store.Key{PK: seenPK(tenant, gen, record), SK: fmt.Sprintf("P#%d", k)}, Type: typeSeen, Version: 1,
				ExpiresAt: s.now().Add(seenTTL)}
		}
		if m.Chunked {
			return writeChunks(ctx, s.Store, ops, nil, chunks)
		}
		chunked := len(ops) > chunkAdds
		mark := store.Item{Key: seenKey(tenant, gen, record), Type: typeSeen, Version: version, ExpiresAt: s.now().Add(seenTTL),
			Doc: store.Doc(rebuildMark{seenMark: seenMark{By: "rebuild"}, Chunked: chunked})}
		tx := []store.TxOp{store.TxCheck(key, store.IfVersion(version)), store.TxPut(mark, store.NotExist)}
		if !chunked {
			tx = append(tx, ops...)
		}
		err = s.Store.Transact(ctx, tx)
		switch store.FailedOp(err) {
		case 0, 1:
			continue // the customer changed, or its mark appeared: read again
		}
		if err != nil || !chunked {
			return err
		}
		return writeChunks(ctx, s.Store, ops, nil, chunks)
	}
	return fmt.Errorf("reports: customer %s keeps changing during the rebuild", key)
}

// countOrder counts an order into the rebuild's generation as it is, with
// its seen mark, if it is still at the version read.
func (s *Service) countOrder(ctx context.Context, run *rebuildRun, loc *time.Location, o *orders.Order) error {
	tenant, gen := run.Tenant, run.Generation
	key := orders.Key(tenant, o.ID)
	for range 10 {
		record := "O:" + o.ID
		adds := Adds{}
		orderAdds(adds, o, loc, +1)
		mark := s.seenItem(tenant, gen, record, o.Version, "rebuild")
		err := s.Store.Transact(ctx, append([]store.TxOp{store.TxCheck(key, store.IfVersion(o.Version)), store.TxPut(mark, store.NotExist)},
			adds.ops(tenant, gen, record)...))
		switch store.FailedOp(err) {
		case 1:
			return nil // counted already: here before, or by the stream from its creation
		case 0:
			it, err := s.Store.Get(ctx, key)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("reports: read order: %w", err)
			}
			if o, err = decodeOrder(&it); err != nil {
				return err
			}
			continue
		}
		return err
	}
	return fmt.Errorf("reports: order %s keeps changing during the rebuild", o.ID)
}

// finish makes the rebuilt generation the one reports read, once every
// job is done.
func (s *Service) finish(ctx context.Context, run *rebuildRun, version int64) error {
	counted := 0
	all, err := shardrun.AllDone(ctx, s.runs, run, func(cp *checkpoint) { counted += cp.Evaluated })
	if err != nil || !all {
		return err
	}
	gens, gv, err := s.generations(ctx, run.Tenant)
	if err != nil {
		return err
	}
	if gens.Building != run.Generation {
		return nil // finished already
	}
	now := s.now()
	gens.Current, gens.Building, gens.Run, gens.SeenUntil = run.Generation, 0, "", now.Add(seenTTL)
	run.Counted, run.FinishedAt = counted, &now
	done, err := s.runs.Finish(ctx, run, version, putGenerations(run.Tenant, gens, gv)...)
	if done {
		s.Log.InfoContext(ctx, "report rebuild done", "tenant", run.Tenant, "run", run.ID, "generation", run.Generation, "counted", counted)
	}
	return err
}
