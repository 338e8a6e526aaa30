package sharing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// JobKind names share-rule jobs on the jobs queue.
const JobKind = "share_rule"

// IsJob reports whether a jobs-queue message is a share-rule job.
func IsJob(body []byte) bool { return shardrun.KindOf(body) == JobKind }

// run is one run of a rule. The job reads the rule as it is when it runs:
// a user taken off the rule meanwhile gets nothing from it.
type run struct {
	shardrun.Header
	RuleID string `json:"rule_id"`
}

// Shards implements shardrun.Record: a campaign's members are one
// partition, walked by one job.
func (*run) Shards() int { return 1 }

// checkpoint is how far a run got.
type checkpoint struct {
	shardrun.Progress
	// Shared counts the members this run shared with someone new;
	// Flipped those whose care status it set to multi_assigned_done.
	Shared  int `json:"shared"`
	Flipped int `json:"flipped"`
}

func ruleRuns(st store.Store, jobs shardrun.Queue) *shardrun.Runs {
	return &shardrun.Runs{Kind: JobKind, Store: st, Jobs: jobs, ItemType: typeJob, OpenPK: openRunsPK, PK: jobPK,
		Open: shardrun.OpenAs[run]}
}

// Tick starts the runs of the enabled rules that are due, and re-sends
// the jobs of stalled runs. A tick delivered twice starts nothing twice:
// each due time is claimed with a "must not exist" marker, in the same
// transaction as the rule's next due time. It returns how many runs it
// started.
func (s *Service) Tick(ctx context.Context) (int, error) {
	items, err := store.QueryAll(ctx, s.st, store.Query{Index: store.GSI1, PK: enabledIndexPK, Limit: 500})
	if err != nil {
		return 0, fmt.Errorf("sharing: read enabled rules: %w", err)
	}
	now := s.now()
	byTenant := map[string][]*Rule{}
	for _, it := range items {
		r, err := decodeRule(it)
		if err != nil {
			return 0, err
		}
		if r.NextRunAt != nil && !r.NextRunAt.After(now) {
			byTenant[r.Tenant] = append(byTenant[r.Tenant], r)
		}
	}
	started, err := shardrun.EachWorkspace(ctx, s.Log, s.Orgs, byTenant, func(ctx context.Context, o *workspace.Org, rs []*Rule) (int, error) {
		n := 0
		for _, r := range rs {
			ok, err := s.startRun(ctx, o, r, now)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
		return n, nil
	})
	return started, errors.Join(err, s.runs.ResendStalled(ctx, now))
}

// startRun claims the rule's due run, moves its next run an interval on
// and sends the run's job. It reports false when another tick claimed it,
// or the rule changed since it was read (the next tick looks again).
func (s *Service) startRun(ctx context.Context, o *workspace.Org, r *Rule, now time.Time) (bool, error) {
	due, prev := *r.NextRunAt, r.Version
	g := &run{Header: shardrun.Header{ID: domain.NewID("shrun"), Tenant: r.Tenant,
		Date: domain.DateOf(now, o.Workspace.Location()).String(), Occurs: due, CreatedAt: now, SentAt: now}, RuleID: r.ID}
	next := due.Add(time.Duration(r.Every))
	if !next.After(now) {
		next = now.Add(time.Duration(r.Every)) // ticks were missed: no catching up
	}
	r.LastRunAt, r.NextRunAt, r.Version = &now, &next, prev+1
	ops := []store.TxOp{
		store.TxPut(store.Item{Key: markerKey(r.Tenant, r.ID, due), Type: typeMarker, Version: 1,
			Doc: store.Doc(map[string]string{"run": g.ID})}, store.NotExist),
		store.TxPut(r.item(), store.IfVersion(prev)),
	}
	err := s.st.Transact(ctx, append(ops, s.runs.Start(g, now)...))
	if tx := (*store.TxError)(nil); errors.As(err, &tx) && tx.Index < 2 {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sharing: claim run of %s: %w", r.ID, err)
	}
	s.Log.InfoContext(ctx, "share rule run started", "tenant", r.Tenant, "rule", r.ID, "run", g.ID)
	return true, s.runs.SendJobs(ctx, g)
}

// HandleJob runs one share-rule message of the jobs queue.
func (s *Service) HandleJob(ctx context.Context, body []byte) error {
	j, err := s.runs.ParseJob(body)
	if err != nil {
		return err
	}
	return shardrun.RunJob[checkpoint](ctx, s.runs, j, shardrun.Kind[*checkpoint]{
		Begin: func(ctx context.Context, rec shardrun.Record, _ *checkpoint) (shardrun.Pass[*checkpoint], error) {
			return s.begin(ctx, rec.(*run))
		},
		Finish: func(ctx context.Context, rec shardrun.Record, version int64) error {
			return s.finish(ctx, rec.(*run), version)
		},
		Now: s.now,
	})
}

// jobPage is how many members a job works between checkpoints.
const jobPage = 100

// errPageFull stops a walk of the members after a page.
var errPageFull = errors.New("sharing: page full")

// begin prepares a run's job over the rule as it is now: none when the
// rule was removed or switched off meanwhile.
func (s *Service) begin(ctx context.Context, g *run) (shardrun.Pass[*checkpoint], error) {
	o, err := s.Orgs.LoadOrg(ctx, g.Tenant)
	if err != nil {
		return nil, err
	}
	r, err := s.loadRule(ctx, g.Tenant, g.RuleID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil || !r.Enabled {
		return nil, err
	}
	users := activeUsers(o, r.UserIDs)
	return func(ctx context.Context, cp *checkpoint, cursor string) (string, error) {
		n, last := 0, ""
		err := s.Campaigns.EachAwaiting(ctx, g.Tenant, r.CampaignID, func(id string) error {
			if id <= cursor {
				return nil // passed over already (its customer is in the trash)
			}
			if n == jobPage {
				return errPageFull
			}
			n, last = n+1, id
			return s.shareMember(ctx, o, r, id, users, cp)
		})
		switch {
		case errors.Is(err, errPageFull):
			return last, nil
		case errors.Is(err, domain.ErrNotFound):
			s.Log.WarnContext(ctx, "share rule's campaign is gone", "tenant", g.Tenant, "rule", r.ID, "campaign", r.CampaignID)
			return "", nil
		}
		return "", err
	}, nil
}

// shareMember shares one member with the users, then marks it shared. A
// job that stopped between the two finds the shares made and makes none
// twice; a member marked already is not marked again.
func (s *Service) shareMember(ctx context.Context, o *workspace.Org, r *Rule, customerID string, users []string, cp *checkpoint) error {
	added := false
	_, err := s.Customers.Mutate(ctx, o, customerID, r.Actor(), "shared", func(before, after *domain.Customer) ([]store.TxOp, error) {
		if err := customer.Live(before); err != nil {
			return nil, err
		}
		shares := slices.Clone(before.SharedWith)
		for _, u := range users {
			if u != before.OwnerID && !slices.Contains(shares, u) && len(shares) < customer.MaxShares {
				shares = append(shares, u)
			}
		}
		slices.Sort(shares)
		added = len(shares) > len(before.SharedWith)
		after.SharedWith = shares
		return nil, nil
	})
	if errors.Is(err, domain.ErrNotFound) {
		return nil // in the trash, or gone: shared when it comes back
	}
	if err != nil {
		return err
	}
	if added {
		cp.Shared++
	}
	flipped, err := s.Campaigns.MarkShared(ctx, o, r.CampaignID, customerID, r.Actor())
	if err != nil {
		return err
	}
	if flipped {
		cp.Flipped++
	}
	return nil
}

// activeUsers are the ids of the users still active.
func activeUsers(o *workspace.Org, ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if u, ok := o.User(id); ok && u.Active {
			out = append(out, id)
		}
	}
	return out
}

// finish closes a run once its shard is done.
func (s *Service) finish(ctx context.Context, g *run, version int64) error {
	total := &checkpoint{}
	all, err := shardrun.AllDone(ctx, s.runs, g, func(cp *checkpoint) {
		total.Shared += cp.Shared
		total.Flipped += cp.Flipped
	})
	if err != nil || !all {
		return err
	}
	done, err := s.runs.Finish(ctx, g, version)
	if done {
		s.Log.InfoContext(ctx, "share rule run done", "tenant", g.Tenant, "rule", g.RuleID, "run", g.ID,
			"shared", total.Shared, "marked", total.Flipped)
	}
	return err
}
