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
	"sync"

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
// per shard for the period, and one per shard for each gauge, readFanOut
// at a time.
func (s *Service) read(ctx context.Context, v *view, gauges []string, fn func(c Cell, n int64)) error {
	tenant := v.org.Workspace.ID
	gens, _, err := s.generations(ctx, tenant)
	if err != nil {
		return err
	}
	type part struct {
		q     store.Query
		parse func(sk string) (Cell, error)
	}
	var parts []part
	gauge := func(sk string) (Cell, error) { return parseCell(sk, domain.Date{}) }
	for _, g := range gauges {
		parts = append(parts, part{store.Query{PK: legacyGaugePK(tenant, gens.Current, g)}, gauge})
		for shard := range cellShards {
			parts = append(parts, part{store.Query{PK: gaugePK(tenant, gens.Current, shard, g)}, gauge})
		}
	}
	for d := v.from; !v.to.Before(d); d = d.AddDays(1) {
		parts = append(parts, part{store.Query{PK: legacyDayPK(tenant, gens.Current, d)}, func(sk string) (Cell, error) { return parseCell(sk, d) }})
	}
	// The period's days: every sort key from "<from>#" to "<to>#..." ("$"
	// sorts right after "#").
	for shard := range cellShards {
		parts = append(parts, part{store.Query{PK: dailyPK(tenant, gens.Current, shard), SK: store.SKBetween,
			A: v.from.String() + "#", B: v.to.String() + "$"}, parseDailyCell})
	}

	var mu sync.Mutex
	sums := map[Cell]int64{}
	err = fanOut(ctx, len(parts), func(ctx context.Context, i int) error {
		p := parts[i]
		p.q.Limit = 1000
		for it, err := range store.Items(ctx, s.Store, p.q) {
			if err != nil {
				return fmt.Errorf("reports: read counters: %w", err)
			}
			c, err := p.parse(it.SK)
			if err != nil {
				return err
			}
			if it.N != 0 && v.keeps(c.User, c.Warehouse) {
				mu.Lock()
				sums[c] += it.N
				mu.Unlock()
			}
		}
		return nil
	})
	if err != nil {
		return err
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

// readFanOut is how many partitions a report reads at once.
const readFanOut = 16

// fanOut runs do(0..n-1), readFanOut at a time; the first error stops
// the rest and is returned.
func fanOut(ctx context.Context, n int, do func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(readFanOut, n) {
		wg.Go(func() {
			for i := range next {
				if err := do(ctx, i); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
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
