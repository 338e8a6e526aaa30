package automation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/rules"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// JobKind names daily-run shard jobs on the jobs queue.
const JobKind = "daily_rules"

// Job is one shard of a daily run, as a queue message carries it.
type Job = shardrun.Job

// runGroup is a daily run of the rules of a workspace due at the same
// local time.
type runGroup struct {
	shardrun.Header
	RuleIDs []string `json:"rule_ids"`
}

// Shards implements shardrun.Record: a daily run goes through every
// customer.
func (g *runGroup) Shards() int { return customer.Shards }

// checkpoint is how far a shard of a daily run got: a crash resumes from
// here instead of starting over.
type checkpoint struct {
	shardrun.Progress
	Matched map[string]int `json:"matched"`
	Changed map[string]int `json:"changed"`
}

// dailyRuns are the daily runs' records, jobs and checkpoints.
func dailyRuns(st store.Store, jobs Queue) *shardrun.Runs {
	return &shardrun.Runs{Kind: JobKind, Store: st, Jobs: jobs, ItemType: typeJob, OpenPK: openRunsPK, PK: jobPK,
		Open: shardrun.OpenAs[runGroup]}
}

// maxGroupRules keeps a run's claim (a marker per rule, the run, the
// shard checkpoints) within one transaction.
const maxGroupRules = store.MaxTransactItems - customer.Shards - 1

// Tick starts the daily runs that are due: each enabled daily rule runs
// once per local day of its workspace, at its time or at the first tick
// after it. A tick delivered twice starts nothing twice: each rule's day
// is claimed with a "must not exist" marker. It also re-sends jobs of runs
// that stalled. It returns how many runs it started.
func (s *Service) Tick(ctx context.Context) (int, error) {
	items, err := store.QueryAll(ctx, s.Store, store.Query{Index: store.GSI1, PK: dailyIndexPK, Limit: 500})
	if err != nil {
		return 0, fmt.Errorf("automation: read daily rules: %w", err)
	}
	byTenant := map[string][]*Rule{}
	for _, it := range items {
		r, err := store.Decode[Rule](it)
		if err != nil {
			return 0, err
		}
		byTenant[r.Tenant] = append(byTenant[r.Tenant], r)
	}
	now := s.now()
	started, err := shardrun.EachWorkspace(ctx, s.Log, s.Orgs, byTenant, func(ctx context.Context, o *workspace.Org, rs []*Rule) (int, error) {
		return s.startDue(ctx, o, rs, now)
	})
	return started, errors.Join(err, s.runs.ResendStalled(ctx, now))
}

// startDue starts today's runs of a workspace's daily rules that are due.
func (s *Service) startDue(ctx context.Context, o *workspace.Org, rs []*Rule, now time.Time) (int, error) {
	tenant, started := o.Workspace.ID, 0
	loc := o.Workspace.Location()
	today := domain.DateOf(now, loc)
	due := map[string][]string{} // occurrence → rule ids
	for _, r := range rs {
		minutes, ok := domain.ParseClock(r.Trigger.At)
		if !ok {
			continue
		}
		occurs := today.In(loc).Add(time.Duration(minutes) * time.Minute)
		if occurs.After(now) || r.EnabledAt.After(occurs) {
			continue
		}
		k := occurs.UTC().Format(time.RFC3339)
		due[k] = append(due[k], r.ID)
	}
	for k, ids := range due {
		occurs, _ := time.Parse(time.RFC3339, k)
		slices.Sort(ids)
		for len(ids) > 0 {
			n := min(len(ids), maxGroupRules)
			ok, err := s.startRun(ctx, tenant, today, occurs, ids[:n])
			if err != nil {
				return started, err
			}
			if ok {
				started++
			}
			ids = ids[n:]
		}
	}
	return started, nil
}

// startRun claims today's run of the rules (those not claimed yet) and
// sends one job per shard. It reports whether a run was started.
func (s *Service) startRun(ctx context.Context, tenant string, day domain.Date, occurs time.Time, ids []string) (bool, error) {
	now := s.now()
	for len(ids) > 0 {
		g := &runGroup{Header: shardrun.Header{ID: domain.NewID("run"), Tenant: tenant, Date: day.String(), Occurs: occurs, CreatedAt: now, SentAt: now},
			RuleIDs: slices.Clone(ids)}
		var ops []store.TxOp
		for _, id := range ids {
			ops = append(ops, store.TxPut(store.Item{Key: markerKey(tenant, id, day), Type: typeMarker, Version: 1,
				Doc: store.Doc(map[string]string{"run": g.ID})}, store.NotExist))
		}
		for _, id := range ids {
			ops = append(ops, store.TxPut(runItem(&Run{ID: g.ID, RuleID: id, Trigger: TriggerDaily, StartedAt: now, Date: g.Date,
				Status: "running", Tenant: tenant}), store.NotExist))
		}
		err := s.Store.Transact(ctx, append(ops, s.runs.Start(g, now)...))
		var tx *store.TxError
		if errors.As(err, &tx) && tx.Index < len(ids) {
			// That rule already ran today (a repeated tick): leave it out.
			ids = slices.Delete(slices.Clone(ids), tx.Index, tx.Index+1)
			continue
		}
		if err != nil {
			return false, fmt.Errorf("automation: claim daily run: %w", err)
		}
		s.Log.Info("daily run started", "tenant", tenant, "run", g.ID, "rules", len(g.RuleIDs), "date", g.Date)
		return true, s.runs.SendJobs(ctx, g)
	}
	return false, nil
}

// HandleJob runs one job message of the jobs queue.
func (s *Service) HandleJob(ctx context.Context, body []byte) error {
	j, err := s.runs.ParseJob(body)
	if err != nil {
		return err
	}
	return s.RunJob(ctx, j)
}

// jobPage is how many customers a job reads between checkpoints.
const jobPage = 500

// RunJob runs one shard of a daily run from its checkpoint (shardrun.RunJob):
// customers already changed by a rule are not changed, or logged, again.
func (s *Service) RunJob(ctx context.Context, j Job) error {
	return shardrun.RunJob[checkpoint](ctx, s.runs, j, shardrun.Kind[*checkpoint]{
		Begin: func(ctx context.Context, rec shardrun.Record, cp *checkpoint) (shardrun.Pass[*checkpoint], error) {
			return s.beginJob(ctx, j, rec.(*runGroup), cp)
		},
		Finish: func(ctx context.Context, rec shardrun.Record, version int64) error {
			return s.finish(ctx, rec.(*runGroup), version)
		},
		Now: s.now,
	})
}

// beginJob prepares a job: the run's rules compiled against the workspace,
// and the pass that evaluates them on each page of the shard's customers.
func (s *Service) beginJob(ctx context.Context, j Job, g *runGroup, cp *checkpoint) (shardrun.Pass[*checkpoint], error) {
	o, err := s.Orgs.LoadOrg(ctx, j.Tenant)
	if err != nil {
		return nil, err
	}
	rs := s.dailyRules(ctx, o, g.RuleIDs)
	loc := o.Workspace.Location()
	env := rules.NewEnv(g.Occurs, loc)
	run := runRef{id: g.ID, trigger: TriggerDaily, at: g.Occurs, daily: true}
	if cp.Matched == nil {
		cp.Matched, cp.Changed = map[string]int{}, map[string]int{}
	}
	return func(ctx context.Context, cp *checkpoint, cursor string) (string, error) {
		page, next, err := s.Customers.CustomersOfShard(ctx, j.Tenant, j.Shard, jobPage, cursor)
		if err != nil {
			return "", err
		}
		for _, cu := range page {
			var hits []fired
			for _, r := range rs {
				if r.set.Match(cu, env) {
					hits = append(hits, fired{rule: r, why: r.set.Explain(cu, env)})
					cp.Matched[r.rule.ID]++
				}
			}
			cp.Evaluated++
			if len(hits) > 0 && wouldChange(hits, cu, run.at, loc) {
				out, err := s.act(ctx, o, cu.ID, hits, run, env)
				if err != nil {
					return "", err
				}
				for i, oc := range out {
					if len(oc.Changes) > 0 {
						cp.Changed[hits[i].rule.rule.ID]++
					}
				}
			}
			if err := s.effects(ctx, o, cu, hits, run); err != nil {
				return "", err
			}
		}
		return next, nil
	}, nil
}

// dailyRules compiles the run's rules that are still enabled daily rules.
func (s *Service) dailyRules(ctx context.Context, o *workspace.Org, ids []string) []*compiled {
	var out []*compiled
	for _, id := range ids {
		r, err := s.loadRule(ctx, o.Workspace.ID, id)
		if err != nil || !r.Enabled || r.Trigger.Type != TriggerDaily {
			continue
		}
		c, err := s.compiledFor(r, o)
		if err != nil {
			s.Log.Warn("rule does not compile", "tenant", o.Workspace.ID, "rule", id, "err", err)
			continue
		}
		out = append(out, c)
	}
	return out
}

// finish closes a run once every shard is done: each rule's run record
// gets its totals and the run leaves the open list.
func (s *Service) finish(ctx context.Context, g *runGroup, version int64) error {
	totals := &checkpoint{Matched: map[string]int{}, Changed: map[string]int{}}
	all, err := shardrun.AllDone(ctx, s.runs, g, func(cp *checkpoint) { addCounts(totals, cp) })
	if err != nil || !all {
		return err // not all done: another shard will finish it
	}
	var ops []store.TxOp
	for _, id := range g.RuleIDs {
		// Changes are counted from the outcomes, which are written with
		// them: a checkpoint's count misses those made just before a crash.
		changed, err := s.countOutcomes(ctx, g.Tenant, id, g.ID)
		if err != nil {
			return err
		}
		run := &Run{ID: g.ID, RuleID: id, Trigger: TriggerDaily, StartedAt: g.CreatedAt, Date: g.Date, Status: "done",
			Evaluated: totals.Evaluated, Matched: totals.Matched[id], Changed: changed, Tenant: g.Tenant}
		ops = append(ops, store.TxPut(runItem(run), store.None))
	}
	done, err := s.runs.Finish(ctx, g, version, ops...)
	if done {
		s.Log.Info("daily run done", "tenant", g.Tenant, "run", g.ID, "evaluated", totals.Evaluated)
	}
	return err
}

func addCounts(total, cp *checkpoint) {
	total.Evaluated += cp.Evaluated
	for k, v := range cp.Matched {
		total.Matched[k] += v
	}
	for k, v := range cp.Changed {
		total.Changed[k] += v
	}
}

// liveCounts fills a running daily run's figures from its checkpoints.
func (s *Service) liveCounts(ctx context.Context, tenant string, run *Run) error {
	totals := &checkpoint{Matched: map[string]int{}, Changed: map[string]int{}}
	for shard := range customer.Shards {
		cp := &checkpoint{}
		if _, err := s.runs.Checkpoint(ctx, tenant, run.ID, shard, cp); err != nil {
			return err
		}
		addCounts(totals, cp)
	}
	run.Evaluated, run.Matched, run.Changed = totals.Evaluated, totals.Matched[run.RuleID], totals.Changed[run.RuleID]
	return nil
}
