package reports

import (
	"cmp"
	"context"
	"slices"

	"tend/internal/domain"
	"tend/internal/workspace"
)

// Period is what every report answers with besides its rows.
type Period struct {
	From domain.Date `json:"from"`
	To   domain.Date `json:"to"`
}

// Span is the report's period (every report embeds it).
func (p Period) Span() Period { return p }

// FunnelRow is one step of a pipeline: customers at it now, customers
// entering it in the period, and the conversion to the next step
// (entering the next / entering this one), nil when none entered or for
// the last step.
type FunnelRow struct {
	StepID     string   `json:"step_id"`
	StepName   string   `json:"step_name"`
	Now        int64    `json:"now"`
	Entered    int64    `json:"entered"`
	Conversion *float64 `json:"conversion"`
}

// FunnelTotals add the steps up.
type FunnelTotals struct {
	Now     int64 `json:"now"`
	Entered int64 `json:"entered"`
}

// Funnel is the funnel of a pipeline [phễu].
type Funnel struct {
	Period
	PipelineID   string       `json:"pipeline_id"`
	PipelineName string       `json:"pipeline_name"`
	Rows         []FunnelRow  `json:"rows"`
	Totals       FunnelTotals `json:"totals"`
}

// Funnel reports a pipeline's steps (the workspace's oldest pipeline's
// when none is named).
func (s *Service) Funnel(ctx context.Context, c *workspace.Caller, p Params) (*Funnel, error) {
	v, err := s.newView(c, p)
	if err != nil {
		return nil, err
	}
	pl, err := pipelineOf(c.Org, p.PipelineID)
	if err != nil {
		return nil, err
	}
	out := &Funnel{Period: Period{v.from, v.to}, Rows: []FunnelRow{}}
	if pl == nil {
		return out, nil // a workspace without pipelines
	}
	now, entered := map[string]int64{}, map[string]int64{}
	err = s.read(ctx, v, []string{metricAtStep + "#" + pl.ID}, func(cl Cell, n int64) {
		switch {
		case cl.Metric == metricAtStep:
			now[cl.Step] += n
		case cl.Metric == metricEntered && cl.Pipeline == pl.ID:
			entered[cl.Step] += n
		}
	})
	if err != nil {
		return nil, err
	}
	out.PipelineID, out.PipelineName = pl.ID, pl.Name
	for i, st := range pl.Steps {
		row := FunnelRow{StepID: st.ID, StepName: st.Name, Now: now[st.ID], Entered: entered[st.ID]}
		if i+1 < len(pl.Steps) {
			row.Conversion = ratio(entered[pl.Steps[i+1].ID], row.Entered)
		}
		out.Totals.Now += row.Now
		out.Totals.Entered += row.Entered
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// OwnerFigures are a staff member's figures: customers they own now,
// customers new to them in the period (created with them as owner, or
// given to them), care actions they recorded in the period (notes, quick
// activities, calls and new appointments), and completed orders and their
// revenue, ordered in the period, of the customers they owned when the
// order was saved.
type OwnerFigures struct {
	Owned   int64 `json:"owned"`
	New     int64 `json:"new"`
	Cared   int64 `json:"cared"`
	Orders  int64 `json:"orders"`
	Revenue int64 `json:"revenue"`
}

// OwnerRow is one staff member's figures.
type OwnerRow struct {
	UserID   string `json:"user_id"`
	UserName string `json:"user_name"`
	OwnerFigures
}

// Owners is the report per staff member.
type Owners struct {
	Period
	Rows   []OwnerRow   `json:"rows"`
	Totals OwnerFigures `json:"totals"`
}

// Owners reports per staff member. Customers without an owner are in no
// row.
func (s *Service) Owners(ctx context.Context, c *workspace.Caller, p Params) (*Owners, error) {
	v, err := s.newView(c, p)
	if err != nil {
		return nil, err
	}
	rows := map[string]*OwnerFigures{}
	row := func(u string) *OwnerFigures {
		if rows[u] == nil {
			rows[u] = &OwnerFigures{}
		}
		return rows[u]
	}
	for _, u := range c.Org.Users {
		if v.mayShow(u.ID) {
			row(u.ID)
		}
	}
	err = s.read(ctx, v, []string{metricOwned}, func(cl Cell, n int64) {
		if cl.User == "" {
			return
		}
		switch cl.Metric {
		case metricOwned:
			row(cl.User).Owned += n
		case metricNew:
			row(cl.User).New += n
		case metricCare:
			row(cl.User).Cared += n
		case metricOrders:
			row(cl.User).Orders += n
		case metricRevenue:
			row(cl.User).Revenue += n
		}
	})
	if err != nil {
		return nil, err
	}
	out := &Owners{Period: Period{v.from, v.to}, Rows: []OwnerRow{}}
	for u, f := range rows {
		out.Rows = append(out.Rows, OwnerRow{UserID: u, UserName: c.Org.UserName(u), OwnerFigures: *f})
		out.Totals.Owned += f.Owned
		out.Totals.New += f.New
		out.Totals.Cared += f.Cared
		out.Totals.Orders += f.Orders
		out.Totals.Revenue += f.Revenue
	}
	slices.SortFunc(out.Rows, func(a, b OwnerRow) int {
		return cmp.Or(cmp.Compare(a.UserName, b.UserName), cmp.Compare(a.UserID, b.UserID))
	})
	return out, nil
}

// SourceFigures are a lead source's figures in a warehouse, in the period:
// customers created (leads), repeated leads recorded on an existing
// customer (duplicates), leads of returning customers (returning: those
// matching a customer already known, counted apart from the new ones in
// leads), customers given an owner (assigned), customers
// entering the converted step, and the revenue of completed orders.
type SourceFigures struct {
	Leads      int64 `json:"leads"`
	Duplicates int64 `json:"duplicates"`
	Returning  int64 `json:"returning"`
	Assigned   int64 `json:"assigned"`
	Converted  int64 `json:"converted"`
	Revenue    int64 `json:"revenue"`
}

// SourceRow is one source in one warehouse.
type SourceRow struct {
	Source        string `json:"source"`
	WarehouseID   string `json:"warehouse_id"`
	WarehouseName string `json:"warehouse_name"`
	SourceFigures
}

// Sources is the report per lead source and warehouse.
type Sources struct {
	Period
	PipelineID        string        `json:"pipeline_id"`
	ConvertedStepID   string        `json:"converted_step_id"`
	ConvertedStepName string        `json:"converted_step_name"`
	Rows              []SourceRow   `json:"rows"`
	Totals            SourceFigures `json:"totals"`
}

// Sources reports per lead source (the customer's source; for repeated
// leads, the lead source's name) and warehouse. Converted counts the
// customers entering converted_step_id of pipeline_id; without them, the
// last step of the workspace's oldest pipeline.
func (s *Service) Sources(ctx context.Context, c *workspace.Caller, p Params) (*Sources, error) {
	v, err := s.newView(c, p)
	if err != nil {
		return nil, err
	}
	pl, step, err := convertedStep(c.Org, p)
	if err != nil {
		return nil, err
	}
	type key struct{ source, warehouse string }
	rows := map[key]*SourceFigures{}
	row := func(cl Cell) *SourceFigures {
		k := key{cl.Source, cl.Warehouse}
		if rows[k] == nil {
			rows[k] = &SourceFigures{}
		}
		return rows[k]
	}
	err = s.read(ctx, v, nil, func(cl Cell, n int64) {
		switch cl.Metric {
		case metricLead:
			row(cl).Leads += n
		case metricDup:
			row(cl).Duplicates += n
		case metricReturn:
			row(cl).Returning += n
		case metricNew:
			row(cl).Assigned += n
		case metricEntered:
			if pl != nil && cl.Pipeline == pl.ID && cl.Step == step.ID {
				row(cl).Converted += n
			}
		case metricRevenue:
			row(cl).Revenue += n
		}
	})
	if err != nil {
		return nil, err
	}
	out := &Sources{Period: Period{v.from, v.to}, Rows: []SourceRow{}}
	if pl != nil {
		out.PipelineID, out.ConvertedStepID, out.ConvertedStepName = pl.ID, step.ID, step.Name
	}
	for k, f := range rows {
		if *f == (SourceFigures{}) {
			continue
		}
		r := SourceRow{Source: k.source, WarehouseID: k.warehouse, SourceFigures: *f}
		if w, ok := c.Org.Warehouse(k.warehouse); ok {
			r.WarehouseName = w.Name
		}
		out.Rows = append(out.Rows, r)
		out.Totals.Leads += f.Leads
		out.Totals.Duplicates += f.Duplicates
		out.Totals.Returning += f.Returning
		out.Totals.Assigned += f.Assigned
		out.Totals.Converted += f.Converted
		out.Totals.Revenue += f.Revenue
	}
	slices.SortFunc(out.Rows, func(a, b SourceRow) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.WarehouseName, b.WarehouseName), cmp.Compare(a.WarehouseID, b.WarehouseID))
	})
	return out, nil
}

// pipelineOf is the pipeline of an id; without one, the workspace's
// oldest (nil when it has none).
func pipelineOf(o *workspace.Org, id string) (*domain.Pipeline, error) {
	if id != "" {
		pl, ok := o.Pipeline(id)
		if !ok {
			return nil, domain.Invalid("pipeline_id", "unknown_pipeline", "pipeline", id)
		}
		return pl, nil
	}
	if len(o.Pipelines) == 0 {
		return nil, nil
	}
	return slices.MinFunc(o.Pipelines, func(a, b *domain.Pipeline) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	}), nil
}

// convertedStep is the pipeline and step the sources report counts as
// converted.
func convertedStep(o *workspace.Org, p Params) (*domain.Pipeline, domain.Step, error) {
	pl, err := pipelineOf(o, p.PipelineID)
	if err != nil {
		return nil, domain.Step{}, err
	}
	unknown := domain.Invalid("converted_step_id", "unknown_step", "value", p.ConvertedStepID)
	if pl == nil || len(pl.Steps) == 0 {
		if p.ConvertedStepID != "" {
			return nil, domain.Step{}, unknown
		}
		return nil, domain.Step{}, nil
	}
	step := pl.Steps[len(pl.Steps)-1]
	if p.ConvertedStepID != "" {
		var ok bool
		if step, ok = pl.Step(p.ConvertedStepID); !ok {
			return nil, domain.Step{}, unknown
		}
	}
	return pl, step, nil
}

// DistributionRow is one staff member of one rule: customers the rule
// gave them in the period, customers it took back from them, their target
// share (their weight's, to 4 decimals) and their actual share of what the rule gave out
// in the period (nil when it gave out nothing).
type DistributionRow struct {
	RuleID      string   `json:"rule_id"`
	RuleName    string   `json:"rule_name"`
	UserID      string   `json:"user_id"`
	UserName    string   `json:"user_name"`
	Assigned    int64    `json:"assigned"`
	Reclaimed   int64    `json:"reclaimed"`
	TargetShare float64  `json:"target_share"`
	ActualShare *float64 `json:"actual_share"`
}

// DistributionTotals add the rows up.
type DistributionTotals struct {
	Assigned  int64 `json:"assigned"`
	Reclaimed int64 `json:"reclaimed"`
}

// Distribution is the report per distribution rule and staff member.
type Distribution struct {
	Period
	Rows   []DistributionRow  `json:"rows"`
	Totals DistributionTotals `json:"totals"`
}

// Distribution reports per rule and staff member: the rules' listed staff
// the caller may see, and anyone else a rule gave customers to or took
// them from in the period. A share is of the whole rule's assignments
// (within the warehouse filtered on), not only those the caller sees.
func (s *Service) Distribution(ctx context.Context, c *workspace.Caller, p Params) (*Distribution, error) {
	v, err := s.newView(c, p)
	if err != nil {
		return nil, err
	}
	rules, err := s.Rules.List(ctx, c)
	if err != nil {
		return nil, err
	}
	type key struct{ rule, user string }
	rows := map[key]*DistributionRow{}
	ruleTotal := map[string]int64{}
	row := func(rule, user string) *DistributionRow {
		k := key{rule, user}
		if rows[k] == nil {
			rows[k] = &DistributionRow{RuleID: rule, UserID: user, UserName: c.Org.UserName(user)}
		}
		return rows[k]
	}
	for _, r := range rules {
		for _, st := range r.Staff {
			if v.mayShow(st.UserID) {
				row(r.ID, st.UserID)
			}
		}
	}
	// The rules' totals are read without the caller's scope and filters
	// but the warehouse.
	whole := &view{org: v.org, from: v.from, to: v.to, scope: workspace.WholeWorkspace(), warehouse: v.warehouse}
	err = s.read(ctx, whole, nil, func(cl Cell, n int64) {
		if cl.Metric != metricDist && cl.Metric != metricRecl {
			return
		}
		if cl.Metric == metricDist {
			ruleTotal[cl.Rule] += n
		}
		if !v.keeps(cl.User, cl.Warehouse) {
			return
		}
		if cl.Metric == metricDist {
			row(cl.Rule, cl.User).Assigned += n
		} else {
			row(cl.Rule, cl.User).Reclaimed += n
		}
	})
	if err != nil {
		return nil, err
	}
	order := map[string]int{}
	for i, r := range rules {
		order[r.ID] = i
		for _, rw := range rows {
			if rw.RuleID == r.ID {
				rw.RuleName, rw.TargetShare = r.Name, round4(r.TargetShare(rw.UserID))
			}
		}
	}
	out := &Distribution{Period: Period{v.from, v.to}, Rows: []DistributionRow{}}
	for _, rw := range rows {
		rw.ActualShare = ratio(rw.Assigned, ruleTotal[rw.RuleID])
		out.Totals.Assigned += rw.Assigned
		out.Totals.Reclaimed += rw.Reclaimed
		out.Rows = append(out.Rows, *rw)
	}
	slices.SortFunc(out.Rows, func(a, b DistributionRow) int {
		ra, aok := order[a.RuleID]
		rb, bok := order[b.RuleID]
		if !aok {
			ra = len(order)
		}
		if !bok {
			rb = len(order)
		}
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(a.RuleID, b.RuleID), cmp.Compare(a.UserName, b.UserName), cmp.Compare(a.UserID, b.UserID))
	})
	return out, nil
}
