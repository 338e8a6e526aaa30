package reports

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"tend/internal/domain"
	"tend/internal/store"
)

// Metrics are what a counter cell counts. Daily ones count events of a day
// (in the workspace's time zone); gauges count customers as they are now.
const (
	// Gauges.
	metricOwned  = "own"  // live customers: owner, warehouse
	metricAtStep = "step" // live customers at a step: pipeline, step, owner, warehouse

	// Daily.
	metricLead    = "lead"  // customers created: owner, warehouse, source
	metricNew     = "new"   // customers given to an owner (created with one, or assigned): owner, warehouse, source
	metricEntered = "enter" // customers entering a step: pipeline, step, owner, warehouse, source
	metricCare    = "care"  // care actions by a user: user, warehouse
	metricDup     = "dup"   // repeated leads recorded on a customer: owner, warehouse, source (the lead source's name)
	metricDist    = "dist"  // customers a distribution rule gave a user: rule, user, warehouse
	metricRecl    = "recl"  // customers a rule took back from a user: rule, user, warehouse
	metricOrders  = "ord"   // completed orders: owner, warehouse, source
	metricRevenue = "rev"   // their amount: owner, warehouse, source
)

// Cell is one counter: a metric on a day (zero for gauges) for a set of
// dimensions. User is whose figure it is (the owner, or the user who
// cared); the caller's scope is decided on User and Warehouse, as it is
// for customers (workspace.Scope).
type Cell struct {
	Metric    string
	Day       domain.Date
	User      string
	Warehouse string
	Source    string
	Pipeline  string
	Step      string
	Rule      string
}

func (c Cell) gauge() bool { return c.Metric == metricOwned || c.Metric == metricAtStep }

// Adds are the counter moves of one change, or of one record's rebuild.
type Adds map[Cell]int64

func (a Adds) add(c Cell, n int64) {
	if n == 0 {
		return
	}
	if a[c] += n; a[c] == 0 {
		delete(a, c)
	}
}

func (a Adds) merge(b Adds) {
	for c, n := range b {
		a.add(c, n)
	}
}

// Key layout of the counters, in generation g of a workspace:
//
//	T#<t>#RPT#<g>#D#<YYYY-MM-DD>        <cell>   a day's counters
//	T#<t>#RPT#<g>#G#own                 <cell>   customers per owner now
//	T#<t>#RPT#<g>#G#step#<pipeline>     <cell>   customers per step now
//
// A day's counters share a partition (tenant + generation + day): a report
// reads one partition per day, whatever the number of customers, and the
// writes of a busy workspace spread over days rather than falling on one
// item. Gauges are spread by pipeline.
func cellKey(tenant string, gen int64, c Cell) store.Key {
	var pk string
	switch c.Metric {
	case metricOwned:
		pk = gaugePK(tenant, gen, metricOwned)
	case metricAtStep:
		pk = gaugePK(tenant, gen, metricAtStep+"#"+c.Pipeline)
	default:
		pk = dayPK(tenant, gen, c.Day)
	}
	return store.Key{PK: pk, SK: c.sortKey()}
}

func dayPK(tenant string, gen int64, d domain.Date) string {
	return fmt.Sprintf("T#%s#RPT#%d#D#%s", tenant, gen, d)
}

func gaugePK(tenant string, gen int64, what string) string {
	return fmt.Sprintf("T#%s#RPT#%d#G#%s", tenant, gen, what)
}

// sortKey is the cell's metric and dimensions, each escaped so that a
// source's free text can't break the layout.
func (c Cell) sortKey() string {
	parts := []string{c.Metric, c.User, c.Warehouse, c.Source, c.Pipeline, c.Step, c.Rule}
	for i, p := range parts {
		parts[i] = url.QueryEscape(p)
	}
	return strings.Join(parts, "#")
}

// parseCell reads a counter item back into its cell (day given by the
// partition it was read from).
func parseCell(sk string, day domain.Date) (Cell, error) {
	parts := strings.Split(sk, "#")
	if len(parts) != 7 {
		return Cell{}, fmt.Errorf("reports: counter key %q has %d parts, want 7", sk, len(parts))
	}
	for i, p := range parts {
		v, err := url.QueryUnescape(p)
		if err != nil {
			return Cell{}, fmt.Errorf("reports: counter key %q: %w", sk, err)
		}
		parts[i] = v
	}
	c := Cell{Metric: parts[0], User: parts[1], Warehouse: parts[2], Source: parts[3], Pipeline: parts[4], Step: parts[5], Rule: parts[6]}
	if !c.gauge() {
		c.Day = day
	}
	return c, nil
}

// ops are the atomic adds of a, in the order of their keys (so that the
// same adds always make the same transactions).
func (a Adds) ops(tenant string, gen int64) []store.TxOp {
	keys := make([]store.Key, 0, len(a))
	n := make(map[store.Key]int64, len(a))
	for c, d := range a {
		k := cellKey(tenant, gen, c)
		keys = append(keys, k)
		n[k] = d
	}
	slices.SortFunc(keys, func(x, y store.Key) int { return strings.Compare(x.String(), y.String()) })
	ops := make([]store.TxOp, len(keys))
	for i, k := range keys {
		ops[i] = store.TxAdd(k, n[k])
	}
	return ops
}
