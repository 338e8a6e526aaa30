package careflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tend/internal/crm"
	"tend/internal/domain"
	"tend/internal/store"
)

// JobKind names care-flow shard jobs on the jobs queue.
const JobKind = "care_flow"

// Job is one shard of a flow's run, as a queue message carries it.
type Job struct {
	Kind   string `json:"kind"`
	Tenant string `json:"tenant"`
	Run    string `json:"run"`
	Shard  int    `json:"shard"`
}

// IsJob reports whether a jobs-queue message is a care-flow job.
func IsJob(body []byte) bool {
	var j struct {
		Kind string `json:"kind"`
	}
	return json.Unmarshal(body, &j) == nil && j.Kind == JobKind
}

// runGroup is one run of a flow on one local day, with the flow as it was
// when the run started: an edit made meanwhile waits for the next day.
type runGroup struct {
	ID        string    `json:"id"`
	Tenant    string    `json:"tenant"`
	Flow      Flow      `json:"flow"`
	Date      string    `json:"date"`
	Occurs    time.Time `json:"occurs"`
	Shards    int       `json:"shards"`
	CreatedAt time.Time `json:"created_at"`
	SentAt    time.Time `json:"sent_at"`
	Done      bool      `json:"done"`
}

func (g *runGroup) item(version int64) store.Item {
	it := store.Item{Key: runGroupKey(g.Tenant, g.ID), Type: typeJob, Version: version, Doc: encode(g)}
	if !g.Done {
		it.Index[0] = store.IndexKey{PK: openRunsPK, SK: g.Tenant + "#" + g.ID}
	}
	return it
}

// checkpoint is how far a shard of a run got.
type checkpoint struct {
	Cursor    string `json:"cursor"`
	Done      bool   `json:"done"`
	Evaluated int    `json:"evaluated"`
	Matched   int    `json:"matched"`
	// Acted counts the records this run acted on, including those acted on
	// before a crash (their markers name the run).
	Acted     int       `json:"acted"`
	UpdatedAt time.Time `json:"updated_at"`
}

// stallAfter is how long a shard may go without progress before the tick
// sends its job again.
const stallAfter = 10 * time.Minute

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
		f, err := decode[Flow](it)
		if err != nil {
			return 0, err
		}
		f.Version = it.Version
		byTenant[f.Tenant] = append(byTenant[f.Tenant], f)
	}
	started := 0
	now := s.now()
	for tenant, fs := range byTenant {
		o, err := s.CRM.LoadOrg(ctx, tenant)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return started, err
		}
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
	}
	return started, s.resendStalled(ctx, now)
}

// shardsOf is how many jobs a run of the module takes.
func shardsOf(m Module) int {
	if m == ModuleOrders {
		return 1
	}
	return crm.CustomerShards
}

// startRun claims the flow's day and sends one job per shard. It reports
// whether it started a run (false: it already ran that day).
func (s *Service) startRun(ctx context.Context, f *Flow, day domain.Date, occurs time.Time) (bool, error) {
	now := s.now()
	g := &runGroup{ID: domain.NewID("cfrun"), Tenant: f.Tenant, Flow: *f, Date: day.String(), Occurs: occurs.UTC(),
		Shards: shardsOf(f.Module), CreatedAt: now, SentAt: now}
	ops := []store.TxOp{
		store.TxPut(store.Item{Key: markerKey(f.Tenant, f.ID, day), Type: typeMarker, Version: 1,
			Doc: encode(map[string]string{"run": g.ID})}, store.NotExist),
		store.TxPut(runItem(&Run{ID: g.ID, FlowID: f.ID, Date: g.Date, StartedAt: now, Status: "running", Tenant: f.Tenant}), store.NotExist),
		store.TxPut(g.item(1), store.NotExist),
	}
	for shard := range g.Shards {
		ops = append(ops, store.TxPut(store.Item{Key: jobKey(f.Tenant, g.ID, shard), Type: typeJob, Version: 1,
			Doc: encode(checkpoint{UpdatedAt: now})}, store.NotExist))
	}
	err := s.st.Transact(ctx, ops)
	var tx *store.TxError
	if errors.As(err, &tx) && tx.Index == 0 {
		return false, nil // ran today already
	}
	if err != nil {
		return false, fmt.Errorf("careflow: claim run of %s: %w", f.ID, err)
	}
	s.Log.Info("care flow run started", "tenant", f.Tenant, "flow", f.ID, "run", g.ID, "date", g.Date)
	for shard := range g.Shards {
		if err := s.sendJob(ctx, Job{Kind: JobKind, Tenant: f.Tenant, Run: g.ID, Shard: shard}); err != nil {
			return true, err // the run is claimed: the tick re-sends what is missing
		}
	}
	return true, nil
}

func (s *Service) sendJob(ctx context.Context, j Job) error {
	if err := s.Jobs.Send(ctx, encode(j), 0); err != nil {
		return fmt.Errorf("careflow: send job %s/%d: %w", j.Run, j.Shard, err)
	}
	return nil
}

// resendStalled sends again the jobs of unfinished shards that have not
// moved for a while.
func (s *Service) resendStalled(ctx context.Context, now time.Time) error {
	items, err := store.QueryAll(ctx, s.st, store.Query{Index: store.GSI1, PK: openRunsPK, Limit: 500})
	if err != nil {
		return fmt.Errorf("careflow: read open runs: %w", err)
	}
	for _, it := range items {
		g, err := decode[runGroup](it)
		if err != nil {
			return err
		}
		if now.Sub(g.SentAt) < stallAfter {
			continue
		}
		for shard := range g.Shards {
			cp, _, err := s.checkpoint(ctx, g.Tenant, g.ID, shard)
			if err != nil {
				return err
			}
			if !cp.Done && now.Sub(cp.UpdatedAt) >= stallAfter {
				if err := s.sendJob(ctx, Job{Kind: JobKind, Tenant: g.Tenant, Run: g.ID, Shard: shard}); err != nil {
					return err
				}
			}
		}
		g.SentAt = now
		if err := s.st.Put(ctx, g.item(it.Version+1), store.IfVersion(it.Version)); err != nil && !errors.Is(err, store.ErrConditionFailed) {
			return err
		}
	}
	return nil
}

func (s *Service) checkpoint(ctx context.Context, tenant, run string, shard int) (*checkpoint, int64, error) {
	it, err := s.st.Get(ctx, jobKey(tenant, run, shard))
	if err != nil {
		return nil, 0, fmt.Errorf("careflow: read checkpoint %s/%d: %w", run, shard, err)
	}
	cp, err := decode[checkpoint](it)
	return cp, it.Version, err
}
