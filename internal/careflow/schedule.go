package careflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// JobKind names care-flow shard jobs on the jobs queue.
const JobKind = "care_flow"

// Job is one shard of a flow's run, as a queue message carries it.
type Job = shardrun.Job

// IsJob reports whether a jobs-queue message is a care-flow job.
func IsJob(body []byte) bool { return shardrun.KindOf(body) == JobKind }

// runGroup is one run of a flow on one local day, with the flow as it was
// when the run started: an edit made meanwhile waits for the next day.
type runGroup struct {
	shardrun.Header
	Flow Flow `json:"flow"`
}

// Shards implements shardrun.Record.
func (g *runGroup) Shards() int { return shardsOf(g.Flow.Module) }

// checkpoint is how far a shard of a run got.
type checkpoint struct {
	shardrun.Progress
	Matched int `json:"matched"`
	// Acted counts the records this run acted on, including those acted on
	// before a crash (their markers name the run).
	Acted int `json:"acted"`
}

// flowRuns are the care-flow runs' records, jobs and checkpoints.
func flowRuns(st store.Store, jobs Queue) *shardrun.Runs {
	return &shardrun.Runs{Kind: JobKind, Store: st, Jobs: jobs, ItemType: typeJob, OpenPK: openRunsPK, PK: jobPK,
		Open: shardrun.OpenAs[runGroup]}
}

// Tick starts the runs that are due: each active flow runs once per local
// day of its workspace (schedules on their day), at its time or at the
// first tick after it — a flow switched on after its time still runs that
// day, so that today's birthdays are not missed. A tick delivered twice
// starts nothing twice: the day is claimed with a "must not exist" marker.
// It also re-sends the jobs of stalled runs. It returns how many runs it
// started.
func (s *Service) Tick(ctx context.Context) (int, error) {
	items, err := store.QueryAll(ctx, s.st, store.Query{Index: store.GSI1, PK: activeIndexPK, Limit: 500})
	if err != nil {
		return 0, fmt.Errorf("careflow: read active flows: %w", err)
	}
	byTenant := map[string][]*Flow{}
	for _, it := range items {
		f, err := store.Decode[Flow](it)
		if err != nil {
			return 0, err
		}
		f.Version = it.Version
		byTenant[f.Tenant] = append(byTenant[f.Tenant], f)
	}
	now := s.now()
	started, err := shardrun.EachWorkspace(ctx, s.Log, s.Orgs, byTenant, func(ctx context.Context, o *workspace.Org, fs []*Flow) (int, error) {
		return s.startDue(ctx, o, fs, now)
	})
	return started, errors.Join(err, s.runs.ResendStalled(ctx, now))
}

// startDue starts today's runs of a workspace's active flows that are due.
func (s *Service) startDue(ctx context.Context, o *workspace.Org, fs []*Flow, now time.Time) (int, error) {
	started := 0
	sortFlows(fs) // by priority: the first flows' jobs are queued first
	loc := o.Workspace.Location()
	today := domain.DateOf(now, loc)
	for _, f := range fs {
		minutes, ok := domain.ParseClock(f.When.At)
		if !ok || !f.When.dueOn(today) {
			continue
		}
		occurs := today.In(loc).Add(time.Duration(minutes) * time.Minute)
		if occurs.After(now) {
			continue
		}
		ok, err := s.startRun(ctx, f, today, occurs)
		if err != nil {
			return started, err
		}
		if ok {
			started++
		}
	}
	return started, nil
}

// shardsOf is how many jobs a run of the module takes.
func shardsOf(m Module) int {
	if m == ModuleOrders {
		return 1
	}
	return customer.Shards
}

// startRun claims the flow's day and sends one job per shard. It reports
// whether it started a run (false: it already ran that day).
func (s *Service) startRun(ctx context.Context, f *Flow, day domain.Date, occurs time.Time) (bool, error) {
	now := s.now()
	g := &runGroup{Header: shardrun.Header{ID: domain.NewID("cfrun"), Tenant: f.Tenant, Date: day.String(), Occurs: occurs.UTC(),
		CreatedAt: now, SentAt: now}, Flow: *f}
	ops := []store.TxOp{
		store.TxPut(store.Item{Key: markerKey(f.Tenant, f.ID, day), Type: typeMarker, Version: 1,
			Doc: store.Doc(map[string]string{"run": g.ID})}, store.NotExist),
		store.TxPut(runItem(&Run{ID: g.ID, FlowID: f.ID, Date: g.Date, StartedAt: now, Status: "running", Tenant: f.Tenant}), store.NotExist),
	}
	err := s.st.Transact(ctx, append(ops, s.runs.Start(g, now)...))
	var tx *store.TxError
	if errors.As(err, &tx) && tx.Index == 0 {
		return false, nil // ran today already
	}
	if err != nil {
		return false, fmt.Errorf("careflow: claim run of %s: %w", f.ID, err)
	}
	s.Log.Info("care flow run started", "tenant", f.Tenant, "flow", f.ID, "run", g.ID, "date", g.Date)
	return true, s.runs.SendJobs(ctx, g)
}
