package reports

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Params are a report's query parameters, as the client sent them.
type Params struct {
	From, To    string // YYYY-MM-DD in the workspace's time zone
	WarehouseID string
	OwnerID     string
	TeamID      string
	PipelineID  string
	// ConvertedStepID is the step the sources report counts as converted.
	ConvertedStepID string
}

// DefaultDays is the period a report covers when from is not given; MaxDays
// the longest it may cover.
const (
	DefaultDays = 30
	MaxDays     = 366
)

// view is a report's period, and what of the counters the caller may see
// and chose to see.
type view struct {
	org      *workspace.Org
	from, to domain.Date
	scope    workspace.Scope
	// warehouse, when set, is the only warehouse counted; owners, when
	// not nil, the only users (owner_id, or a team's leader and members).
	warehouse string
	owners    map[string]bool
}

// newView checks a report's parameters. A filter outside what the caller
// may see is no error: it narrows the figures to nothing.
func (s *Service) newView(c *workspace.Caller, p Params) (*view, error) {
	var probs domain.Problems
	v := s.parseView(c, p, &probs)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return v, nil
}

// parseView reads a report's parameters into a view, adding what is wrong
// with them to probs (the view is of no use then).
func (s *Service) parseView(c *workspace.Caller, p Params, probs *domain.Problems) *view {
	o := c.Org
	v := &view{org: o, scope: o.ScopeOf(c.User), warehouse: p.WarehouseID}
	today := domain.DateOf(s.now(), o.Workspace.Location())
	v.to = today
	if p.To != "" {
		d, err := domain.ParseDate(p.To)
		if err != nil {
			probs.Add("to", "invalid_date")
		}
		v.to = d
	}
	v.from = v.to.AddDays(1 - DefaultDays)
	if p.From != "" {
		d, err := domain.ParseDate(p.From)
		if err != nil {
			probs.Add("from", "invalid_date")
		}
		v.from = d
	}
	if probs.Empty() {
		switch {
		case v.to.Before(v.from):
			probs.Add("from", "range_reversed")
		case v.from.AddDays(MaxDays - 1).Before(v.to):
			probs.Add("to", "range_too_long", "max", strconv.Itoa(MaxDays))
		}
	}
	if p.WarehouseID != "" {
		if _, ok := o.Warehouse(p.WarehouseID); !ok {
			probs.Add("warehouse_id", "unknown_warehouse", "value", p.WarehouseID)
		}
	}
	if p.OwnerID != "" {
		if _, ok := o.User(p.OwnerID); !ok {
			probs.Add("owner_id", "unknown_user", "value", p.OwnerID)
		}
		v.owners = map[string]bool{p.OwnerID: true}
	}
	if p.TeamID != "" {
		t, ok := o.Team(p.TeamID)
		if !ok {
			probs.Add("team_id", "unknown_team", "value", p.TeamID)
		} else {
			team := map[string]bool{t.LeaderID: true}
			for _, m := range t.MemberIDs {
				team[m] = true
			}
			if v.owners == nil {
				v.owners = team
			} else if !team[p.OwnerID] {
				v.owners = map[string]bool{}
			}
		}
	}
	return v
}

// keeps reports whether a counter of user (the figure's owner or actor)
// and warehouse is in the view: within the filters, and within the
// caller's scope as a customer with that owner and warehouse would be.
func (v *view) keeps(user, warehouse string) bool {
	if v.warehouse != "" && warehouse != v.warehouse {
		return false
	}
	if v.owners != nil && !v.owners[user] {
		return false
	}
	return v.scope.CanWrite(&domain.Customer{OwnerID: user, WarehouseID: warehouse})
}

// mayShow reports whether a user's row may be shown (with zeros) though
// nothing is counted for them: a user the filters name, or that the
// caller's scope holds.
func (v *view) mayShow(user string) bool {
	if v.owners != nil && !v.owners[user] {
		return false
	}
	return v.scope.All() || v.scope.CanWrite(&domain.Customer{OwnerID: user})
}

// read calls fn for each counter of the current generation the view keeps,
// summed over its shards (and the older layout): the gauges named and the
// daily counters of the period. It reads nothing per customer: a query
// per shard for the period, and one per shard for each gauge.
func (s *Service) read(ctx context.Context, v *view, gauges []string, fn func(c Cell, n int64)) error {
	tenant := v.org.Workspace.ID
	gens, _, err := s.generations(ctx, tenant)
	if err != nil {
		return err
	}
	sums := map[Cell]int64{}
	each := func(q store.Query, parse func(sk string) (Cell, error)) error {
		q.Limit = 1000
		for it, err := range store.Items(ctx, s.Store, q) {
			if err != nil {
				return fmt.Errorf("reports: read counters: %w", err)
			}
			c, err := parse(it.SK)
			if err != nil {
				return err
			}
			if it.N != 0 && v.keeps(c.User, c.Warehouse) {
				sums[c] += it.N
			}
		}
		return nil
	}
	gauge := func(sk string) (Cell, error) { return parseCell(sk, domain.Date{}) }
	for _, g := range gauges {
		if err := each(store.Query{PK: legacyGaugePK(tenant, gens.Current, g)}, gauge); err != nil {
			return err
		}
		for shard := range cellShards {
			if err := each(store.Query{PK: gaugePK(tenant, gens.Current, shard, g)}, gauge); err != nil {
				return err
			}
		}
	}
	for d := v.from; !v.to.Before(d); d = d.AddDays(1) {
		day := func(sk string) (Cell, error) { return parseCell(sk, d) }
		if err := each(store.Query{PK: legacyDayPK(tenant, gens.Current, d)}, day); err != nil {
			return err
		}
	}
	// The period's days: every sort key from "<from>#" to "<to>#..." ("$"
	// sorts right after "#").
	period := store.Query{SK: store.SKBetween, A: v.from.String() + "#", B: v.to.String() + "$"}
	for shard := range cellShards {
		period.PK = dailyPK(tenant, gens.Current, shard)
		if err := each(period, parseDailyCell); err != nil {
			return err
		}
	}
	cells := slices.SortedFunc(maps.Keys(sums), func(a, b Cell) int {
		return cmp.Or(strings.Compare(a.Day.String(), b.Day.String()), strings.Compare(a.sortKey(), b.sortKey()))
	})
	for _, c := range cells {
		if sums[c] != 0 {
			fn(c, sums[c])
		}
	}
	return nil
}

// ratio is a/b to 4 decimals, nil when b is 0.
func ratio(a, b int64) *float64 {
	if b == 0 {
		return nil
	}
	r := round4(float64(a) / float64(b))
	return &r
}

func round4(f float64) float64 { return math.Round(f*10000) / 10000 }
