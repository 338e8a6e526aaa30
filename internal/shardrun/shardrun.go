// Package shardrun is what the runs over every record of a workspace share
// (automation's daily runs, care-flow runs): a run record, one job message
// and one checkpoint per shard, so that a job delivered twice or after a
// crash resumes where its shard stopped, and a tick that sends again the
// jobs of shards that stopped moving.
package shardrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"tend/internal/domain"
	"tend/internal/queuegroup"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Queue takes job messages: SQS in AWS, a durable table locally.
type Queue interface {
	Send(ctx context.Context, body []byte, delay time.Duration) error
}

// Job is one shard of a run, as a queue message carries it.
type Job struct {
	Kind   string `json:"kind"`
	Tenant string `json:"tenant"`
	Run    string `json:"run"`
	Shard  int    `json:"shard"`
}

// Header is what every run record holds, whatever else its kind keeps.
type Header struct {
	ID        string    `json:"id"`
	Tenant    string    `json:"tenant"`
	Date      string    `json:"date"`
	Occurs    time.Time `json:"occurs"`
	CreatedAt time.Time `json:"created_at"`
	// SentAt is when the jobs were last sent (or sent again).
	SentAt time.Time `json:"sent_at"`
	Done   bool      `json:"done"`
}

// Head returns the header, for a record that embeds it.
func (h *Header) Head() *Header { return h }

// Record is a run record: a header, and what its kind knows of the run.
type Record interface {
	Head() *Header
	// Shards is how many jobs the run takes.
	Shards() int
}

// Progress is what every checkpoint holds: how far one shard got.
type Progress struct {
	Cursor    string    `json:"cursor"`
	Done      bool      `json:"done"`
	Evaluated int       `json:"evaluated"`
	UpdatedAt time.Time `json:"updated_at"`
}

// StallAfter is how long a shard may go without progress before the tick
// sends its job again (its message was lost, or the tick crashed before
// sending it).
const StallAfter = 10 * time.Minute

// Runs are the runs of one kind. Each lives in its own partition: the
// record at sort key "RUN" (listed under OpenPK until done) and a
// checkpoint per shard at "00", "01"…
type Runs struct {
	Kind     string // the jobs' kind on the queue, and the prefix of errors
	Store    store.Store
	Jobs     Queue
	ItemType string // the item type of records and checkpoints
	OpenPK   string // the secondary-key partition listing unfinished runs
	PK       func(tenant, run string) string
	// Open reads a run record.
	Open func(store.Item) (Record, error)
}

// OpenAs reads a run record of type R, for Runs.Open.
func OpenAs[R any, P interface {
	*R
	Record
}](it store.Item) (Record, error) {
	rec := P(new(R))
	if err := json.Unmarshal(it.Doc, rec); err != nil {
		return nil, fmt.Errorf("shardrun: decode run %s: %w", it.Key, err)
	}
	return rec, nil
}

func (r *Runs) recordKey(tenant, run string) store.Key {
	return store.Key{PK: r.PK(tenant, run), SK: "RUN"}
}

func (r *Runs) shardKey(tenant, run string, shard int) store.Key {
	return store.Key{PK: r.PK(tenant, run), SK: fmt.Sprintf("%02d", shard)}
}

// RecordItem is a run record as an item, listed as open until done.
func (r *Runs) RecordItem(rec Record, version int64) store.Item {
	h := rec.Head()
	it := store.Item{Key: r.recordKey(h.Tenant, h.ID), Type: r.ItemType, Version: version, Doc: store.Doc(rec)}
	if !h.Done {
		it.Index[0] = store.IndexKey{PK: r.OpenPK, SK: h.Tenant + "#" + h.ID}
	}
	return it
}

// Start are the writes that start a run, to claim in one transaction with
// whatever else the kind claims: the record and a fresh checkpoint per
// shard, each "must not exist".
func (r *Runs) Start(rec Record, now time.Time) []store.TxOp {
	h := rec.Head()
	ops := []store.TxOp{store.TxPut(r.RecordItem(rec, 1), store.NotExist)}
	for shard := range rec.Shards() {
		ops = append(ops, store.TxPut(store.Item{Key: r.shardKey(h.Tenant, h.ID, shard), Type: r.ItemType, Version: 1,
			Doc: store.Doc(Progress{UpdatedAt: now})}, store.NotExist))
	}
	return ops
}

// SendJobs sends a job per shard of a started run. When it fails half-way
// the run is claimed all the same: the tick sends what is missing.
func (r *Runs) SendJobs(ctx context.Context, rec Record) error {
	h := rec.Head()
	for shard := range rec.Shards() {
		if err := r.send(ctx, h.Tenant, h.ID, shard); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runs) send(ctx context.Context, tenant, run string, shard int) error {
	// Runs are started by the tick, across workspaces: each job is in
	// its run's workspace's group (queuegroup); none for the backfill's.
	ctx = queuegroup.With(ctx, tenant)
	if err := r.Jobs.Send(ctx, store.Doc(Job{Kind: r.Kind, Tenant: tenant, Run: run, Shard: shard}), 0); err != nil {
		return fmt.Errorf("%s: send job %s/%d: %w", r.Kind, run, shard, err)
	}
	return nil
}

// KindOf names the kind of a jobs-queue message ("" if it is none).
func KindOf(body []byte) string {
	var j Job
	if json.Unmarshal(body, &j) != nil {
		return ""
	}
	return j.Kind
}

// ParseJob reads a job message of this kind.
func (r *Runs) ParseJob(body []byte) (Job, error) {
	var j Job
	if err := json.Unmarshal(body, &j); err != nil || j.Kind != r.Kind {
		return Job{}, fmt.Errorf("%s: not a %s job: %s", r.Kind, r.Kind, body)
	}
	return j, nil
}

// Record reads a run's record, and its version.
func (r *Runs) Record(ctx context.Context, tenant, run string) (Record, int64, error) {
	it, err := r.Store.Get(ctx, r.recordKey(tenant, run))
	if err != nil {
		return nil, 0, fmt.Errorf("%s: read run %s: %w", r.Kind, run, err)
	}
	rec, err := r.Open(it)
	return rec, it.Version, err
}

// Checkpoint reads a shard's checkpoint into cp (a type that embeds
// Progress) and returns its version. A run that was never claimed has
// none: store.ErrNotFound.
func (r *Runs) Checkpoint(ctx context.Context, tenant, run string, shard int, cp any) (int64, error) {
	it, err := r.Store.Get(ctx, r.shardKey(tenant, run, shard))
	if err != nil {
		return 0, fmt.Errorf("%s: read checkpoint %s/%d: %w", r.Kind, run, shard, err)
	}
	if err := json.Unmarshal(it.Doc, cp); err != nil {
		return 0, fmt.Errorf("%s: decode checkpoint %s/%d: %w", r.Kind, run, shard, err)
	}
	return it.Version, nil
}

// SaveCheckpoint writes a shard's checkpoint over the version read. When
// another delivery of the job has moved it meanwhile, the error wraps
// store.ErrConditionFailed: that delivery runs the shard now.
func (r *Runs) SaveCheckpoint(ctx context.Context, j Job, cp any, version int64) error {
	err := r.Store.Put(ctx, store.Item{Key: r.shardKey(j.Tenant, j.Run, j.Shard), Type: r.ItemType, Version: version + 1,
		Doc: store.Doc(cp)}, store.IfVersion(version))
	if err != nil {
		return fmt.Errorf("%s: checkpoint %s/%d: %w", r.Kind, j.Run, j.Shard, err)
	}
	return nil
}

// AllDone reads every shard's checkpoint, in order, into a fresh value of
// new() each; it reports false as soon as one shard is not done.
func AllDone[C any, P interface {
	*C
	progress() *Progress
}](ctx context.Context, r *Runs, rec Record, each func(P)) (bool, error) {
	h := rec.Head()
	for shard := range rec.Shards() {
		cp := P(new(C))
		if _, err := r.Checkpoint(ctx, h.Tenant, h.ID, shard, cp); err != nil {
			return false, err
		}
		if !cp.progress().Done {
			return false, nil
		}
		each(cp)
	}
	return true, nil
}

func (p *Progress) progress() *Progress { return p }

// ResendStalled sends again the jobs of unfinished shards that have not
// moved for StallAfter, in the runs whose jobs were sent that long ago,
// and notes when on each run.
func (r *Runs) ResendStalled(ctx context.Context, now time.Time) error {
	items, err := store.QueryAll(ctx, r.Store, store.Query{Index: store.GSI1, PK: r.OpenPK, Limit: 500})
	if err != nil {
		return fmt.Errorf("%s: read open runs: %w", r.Kind, err)
	}
	for _, it := range items {
		rec, err := r.Open(it)
		if err != nil {
			return err
		}
		h := rec.Head()
		if now.Sub(h.SentAt) < StallAfter {
			continue
		}
		for shard := range rec.Shards() {
			var p Progress
			if _, err := r.Checkpoint(ctx, h.Tenant, h.ID, shard, &p); err != nil {
				return err
			}
			if !p.Done && now.Sub(p.UpdatedAt) >= StallAfter {
				if err := r.send(ctx, h.Tenant, h.ID, shard); err != nil {
					return err
				}
			}
		}
		h.SentAt = now
		err = r.Store.Put(ctx, r.RecordItem(rec, it.Version+1), store.IfVersion(it.Version))
		if err != nil && !errors.Is(err, store.ErrConditionFailed) {
			return err
		}
	}
	return nil
}

// Finish writes the record of a run whose shards are all done as done,
// with ops (its kind's totals) in the same transaction. It reports false,
// writing nothing, when another shard finished it or it was re-sent
// meanwhile (the next finish closes it).
func (r *Runs) Finish(ctx context.Context, rec Record, version int64, ops ...store.TxOp) (bool, error) {
	rec.Head().Done = true
	err := r.Store.Transact(ctx, append(ops, store.TxPut(r.RecordItem(rec, version+1), store.IfVersion(version))))
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s: finish run %s: %w", r.Kind, rec.Head().ID, err)
	}
	return true, nil
}

// Pass works the records of a shard after cursor, one page of them,
// counting what it did into the job's checkpoint; it returns the cursor
// after the page, "" at the shard's end.
type Pass[P any] func(ctx context.Context, cp P, cursor string) (next string, err error)

// Kind is what a kind of run gives RunJob.
type Kind[P any] struct {
	// Begin prepares a job against its run record: it returns the pass
	// over the shard's pages, or nil when the shard has nothing to do
	// (it is then finished empty).
	Begin func(ctx context.Context, rec Record, cp P) (Pass[P], error)
	// Finish closes the run once every shard is done; it may be called
	// again for a run already finished by another shard.
	Finish func(ctx context.Context, rec Record, version int64) error
	Now    func() time.Time
	// Left says how long the job may still run (default: until its
	// context's deadline, the Lambda invocation's).
	Left func(ctx context.Context) time.Duration
}

// ResendMargin is how much time a job keeps in hand: with less left after
// a page, it sends itself again and stops, rather than be killed by its
// function's timeout and wait StallAfter for the tick to resend it.
const ResendMargin = 30 * time.Second

// untilDeadline is the time left before the context's deadline (a day
// when it has none). It reads the wall clock, not the services' clock: a
// Lambda's deadline is real time, whatever time the runs work on.
func untilDeadline(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return time.Until(d)
	}
	return 24 * time.Hour
}

// RunJob runs one shard of a run from its checkpoint, page by page, saving
// the checkpoint after each. It may be delivered twice or after a crash: a
// finished shard does nothing (but finish a run whose finish was lost), an
// interrupted one resumes at its last checkpoint, and a delivery overtaken
// by another stops quietly. Near its deadline, a job sends itself again
// and stops after a page.
func RunJob[C any, P interface {
	*C
	progress() *Progress
}](ctx context.Context, r *Runs, j Job, k Kind[P]) error {
	cp := P(new(C))
	version, err := r.Checkpoint(ctx, j.Tenant, j.Run, j.Shard, cp)
	if errors.Is(err, store.ErrNotFound) {
		return nil // a job of a run that was never claimed: nothing to do
	}
	if err != nil {
		return err
	}
	rec, rv, err := r.Record(ctx, j.Tenant, j.Run)
	if err != nil {
		return err
	}
	if cp.progress().Done {
		if !rec.Head().Done {
			return k.Finish(ctx, rec, rv) // the finish may have been lost
		}
		return nil
	}
	pass, err := k.Begin(ctx, rec, cp)
	if err != nil {
		return err
	}
	left := k.Left
	if left == nil {
		left = untilDeadline
	}
	for {
		next := ""
		if pass != nil {
			if next, err = pass(ctx, cp, cp.progress().Cursor); err != nil {
				return err
			}
		}
		p := cp.progress()
		p.Cursor, p.Done, p.UpdatedAt = next, next == "", k.Now()
		err = r.SaveCheckpoint(ctx, j, cp, version)
		if errors.Is(err, store.ErrConditionFailed) {
			return nil // another delivery of this job is running it
		}
		if err != nil {
			return err
		}
		version++
		if p.Done {
			return k.Finish(ctx, rec, rv)
		}
		if left(ctx) < ResendMargin {
			// Its checkpoint is saved: the job goes on in a fresh
			// invocation, from there.
			return r.send(ctx, j.Tenant, j.Run, j.Shard)
		}
	}
}

// Orgs reads workspaces' set-ups.
type Orgs interface {
	LoadOrg(ctx context.Context, tenant string) (*workspace.Org, error)
}

// EachWorkspace calls start for each workspace with its items (the rules
// or flows a tick found), with the workspace's set-up. A workspace whose
// set-up can't be read, or whose start fails, is logged and counted, and
// the others go on: one workspace's trouble must not stop everyone's runs.
// A workspace that no longer exists is passed over. It returns how many
// runs the starts reported, and the workspaces' failures joined.
func EachWorkspace[T any](ctx context.Context, log *slog.Logger, orgs Orgs, byTenant map[string][]T,
	start func(ctx context.Context, o *workspace.Org, items []T) (int, error)) (int, error) {
	started := 0
	var errs []error
	for _, tenant := range slices.Sorted(maps.Keys(byTenant)) {
		o, err := orgs.LoadOrg(ctx, tenant)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		n := 0
		if err == nil {
			n, err = start(ctx, o, byTenant[tenant])
		}
		started += n
		if err != nil {
			log.ErrorContext(ctx, "workspace's runs not started", "tenant", tenant, "err", err)
			errs = append(errs, fmt.Errorf("workspace %s: %w", tenant, err))
		}
	}
	if len(errs) > 0 {
		log.ErrorContext(ctx, "tick: workspaces failed", "failed_workspaces", len(errs), "workspaces", len(byTenant))
	}
	return started, errors.Join(errs...)
}
