package careflow

import (
	"context"
	"errors"
	"time"

	"tend/internal/action"
	"tend/internal/domain"
	"tend/internal/lunar"
	"tend/internal/orders"
	"tend/internal/rules"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Run is one day's run of a flow.
type Run struct {
	ID        string    `json:"id"`
	FlowID    string    `json:"flow_id"`
	Date      string    `json:"date"`
	StartedAt time.Time `json:"started_at"`
	Status    string    `json:"status"` // running | done
	Evaluated int       `json:"evaluated"`
	Matched   int       `json:"matched"`
	// Acted counts the records the flow acted on in this run (a record
	// already acted on for the same occurrence is not counted again).
	Acted  int    `json:"acted"`
	Tenant string `json:"-"`
}

func runItem(r *Run) store.Item {
	return store.Item{Key: store.Key{PK: logPK(r.Tenant, r.FlowID), SK: "RUN#" + store.SortTime(r.StartedAt) + "#" + r.ID},
		Type: typeRun, Version: 1, Doc: store.Doc(r)}
}

// done records that a flow acted on a record for an occurrence, in which
// run.
type done struct {
	Run string    `json:"run"`
	At  time.Time `json:"at"`
}

// HandleJob runs one care-flow message of the jobs queue.
func (s *Service) HandleJob(ctx context.Context, body []byte) error {
	j, err := s.runs.ParseJob(body)
	if err != nil {
		return err
	}
	return s.RunJob(ctx, j)
}

// jobPage is how many records a job reads between checkpoints.
const jobPage = 200

// record is what a flow acts on: a customer, or an order and its
// customer.
type record struct {
	id       string
	customer *domain.Customer
	order    *orders.Order
}

// RunJob runs one shard of a run from its checkpoint (shardrun.RunJob):
// records already acted on for the occurrence are skipped.
func (s *Service) RunJob(ctx context.Context, j Job) error {
	return shardrun.RunJob[checkpoint](ctx, s.runs, j, shardrun.Kind[*checkpoint]{
		Begin: func(ctx context.Context, rec shardrun.Record, cp *checkpoint) (shardrun.Pass[*checkpoint], error) {
			return s.beginJob(ctx, j, rec.(*runGroup))
		},
		Finish: func(ctx context.Context, rec shardrun.Record, version int64) error {
			return s.finish(ctx, rec.(*runGroup), version)
		},
		Now: s.now,
	})
}

// beginJob prepares a job: the flow checked against the workspace as it is
// now, and the pass that acts on each page of the shard's records. A flow
// that no longer holds up (a template or field it names was removed) does
// nothing in this run, and says why.
func (s *Service) beginJob(ctx context.Context, j Job, g *runGroup) (shardrun.Pass[*checkpoint], error) {
	o, err := s.Orgs.LoadOrg(ctx, j.Tenant)
	if err != nil {
		return nil, err
	}
	r, err := s.refsOf(ctx, j.Tenant, &g.Flow)
	if err != nil {
		return nil, err
	}
	c, err := checkFlow(&g.Flow, o, r)
	if err != nil {
		s.Log.Warn("care flow does not hold up", "tenant", j.Tenant, "flow", g.Flow.ID, "err", err)
		return nil, nil
	}
	run := &runCtx{group: g, flow: c, org: o, refs: r, loc: o.Workspace.Location()}
	run.day, _ = domain.ParseDate(g.Date)
	run.env = rules.NewEnv(g.Occurs, run.loc)
	return func(ctx context.Context, cp *checkpoint, cursor string) (string, error) {
		recs, next, err := s.page(ctx, g.Flow.Module, j, cursor)
		if err != nil {
			return "", err
		}
		for _, rec := range recs {
			cp.Evaluated++
			occ, ok := s.due(run, rec)
			if !ok {
				continue
			}
			cp.Matched++
			acted, err := s.actOn(ctx, run, rec, occ)
			if err != nil {
				return "", err
			}
			if acted {
				cp.Acted++
			}
		}
		return next, nil
	}, nil
}

// runCtx is what a job knows while it works.
type runCtx struct {
	group *runGroup
	flow  *compiled
	org   *workspace.Org
	refs  action.Refs
	loc   *time.Location
	day   domain.Date
	env   *rules.Env
}

// page reads the next records of a shard.
func (s *Service) page(ctx context.Context, m Module, j Job, cursor string) ([]record, string, error) {
	if m == ModuleOrders {
		os, next, err := s.Orders.Page(ctx, j.Tenant, jobPage, cursor)
		if err != nil {
			return nil, "", err
		}
		out := make([]record, 0, len(os))
		for _, o := range os {
			out = append(out, record{id: o.ID, order: o})
		}
		return out, next, nil
	}
	cs, next, err := s.Customers.CustomersOfShard(ctx, j.Tenant, j.Shard, jobPage, cursor)
	if err != nil {
		return nil, "", err
	}
	out := make([]record, 0, len(cs))
	for _, c := range cs {
		if !c.Deleted() {
			out = append(out, record{id: c.ID, customer: c})
		}
	}
	return out, next, nil
}

// due decides whether the flow acts on a record in this run, and for
// which occurrence.
func (s *Service) due(run *runCtx, rec record) (string, bool) {
	w := run.group.Flow.When
	var d domain.Date
	var has bool
	if rec.order != nil {
		d, has = domain.DateOf(rec.order.OrderedAt, run.loc), !rec.order.OrderedAt.IsZero()
	} else if w.Type != WhenSchedule && w.Type != WhenLunarDate {
		if f, lunarField := run.org.Field(w.Field); lunarField && f.IsLunar() {
			return s.dueLunar(run, rec)
		}
		d, has = customerDate(run.org, rec.customer, w.Field, run.loc)
	}
	occ, ok := w.occurrence(d, has, run.day)
	if !ok {
		return "", false
	}
	return s.matches(run, rec, occ)
}

// dueLunar is due for a flow on a custom field with calendar "lunar".
func (s *Service) dueLunar(run *runCtx, rec record) (string, bool) {
	w := run.group.Flow.When
	v, _ := rec.customer.Fields[w.Field].(string)
	ld, err := lunar.Parse(v)
	if err != nil {
		return "", false
	}
	occ, ok := w.lunarOccurrence(ld, run.day)
	if !ok {
		return "", false
	}
	return s.matches(run, rec, occ)
}

// matches checks the flow's condition on a record due for occurrence occ.
func (s *Service) matches(run *runCtx, rec record, occ string) (string, bool) {
	if run.flow.set == nil || rec.order != nil {
		return occ, true // an order's condition is checked on its customer, when acting
	}
	return occ, run.flow.set.Match(rec.customer, run.env)
}

// finish closes a run once every shard is done.
func (s *Service) finish(ctx context.Context, g *runGroup, version int64) error {
	total := &checkpoint{}
	all, err := shardrun.AllDone(ctx, s.runs, g, func(cp *checkpoint) {
		total.Evaluated += cp.Evaluated
		total.Matched += cp.Matched
		total.Acted += cp.Acted
	})
	if err != nil || !all {
		return err // not all done: another shard will finish it
	}
	run := &Run{ID: g.ID, FlowID: g.Flow.ID, Date: g.Date, StartedAt: g.CreatedAt, Status: "done",
		Evaluated: total.Evaluated, Matched: total.Matched, Acted: total.Acted, Tenant: g.Tenant}
	done, err := s.runs.Finish(ctx, g, version, store.TxPut(runItem(run), store.None))
	if done {
		s.Log.Info("care flow run done", "tenant", g.Tenant, "flow", g.Flow.ID, "run", g.ID, "acted", total.Acted)
	}
	return err
}

// Runs lists a flow's runs, newest first.
func (s *Service) Runs(ctx context.Context, c *workspace.Caller, id string, limit int, cursor string) (*domain.Page[Run], error) {
	if _, err := s.loadFlow(ctx, c.Tenant(), id); err != nil {
		return nil, err
	}
	page, err := s.st.Query(ctx, store.Query{PK: logPK(c.Tenant(), id), SK: store.SKBeginsWith, A: "RUN#",
		Reverse: true, Limit: domain.ListLimit(limit), Cursor: cursor})
	if errors.Is(err, store.ErrInvalid) {
		return nil, &domain.Error{Kind: domain.ErrInvalid, Code: "validation_failed", Fields: []domain.FieldError{{Path: "cursor", Code: "invalid_cursor"}}}
	}
	if err != nil {
		return nil, err
	}
	out := &domain.Page[Run]{Items: []Run{}, NextCursor: page.Cursor}
	for _, it := range page.Items {
		r, err := store.Decode[Run](it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, *r)
	}
	return out, nil
}
