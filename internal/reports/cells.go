package reports

import (
	"fmt"
	"hash/fnv"
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
	metricReturn  = "ret"   // leads of returning customers (a customer already known): owner, warehouse, source (the lead source's name)
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
//	T#<t>#RPT#<g>#DS#<s>                <date>#<cell>  daily counters, shard s
//	T#<t>#RPT#<g>#GS#<s>#own            <cell>         customers per owner now, shard s
//	T#<t>#RPT#<g>#GS#<s>#step#<pipeline> <cell>        customers per step now, shard s
//
// Every counter is split over cellShards shards: a change's adds land in
// the shard of a stable hash of its record's id (shardOf), or, written
// with a stream batch's other changes (HandleChanges), in the shard of the
// group's first; so that a busy workspace's writes, which all fall on
// today's counters and on the gauges, spread over cellShards partitions
// instead of falling on one. A change's adds still go in one transaction
// with its applied mark (exactly once). A counter's figure is the sum
// over the shards: a report reads each shard's daily partition once for
// its whole period (the date leads the sort key), and each shard's gauge
// partitions.
//
// Why 128: a workspace's lead costs its shard of the daily counters about
// 8 write units and each gauge shard 6, and a partition takes 1,000 a
// second: 5,000 leads a second need 40 shards if spread evenly; 128 leave
// room for the uneven spread of a hash (the busiest shard takes about
// twice its share over a few hundred customers) and cost a report 128
// small queries per partition family, whatever its period.
//
// Counters written before the shards are in the older layout, one
// partition per day (T#<t>#RPT#<g>#D#<date>) and per gauge
// (T#<t>#RPT#<g>#G#own, ...#G#step#<pipeline>) without a shard: nothing
// writes there any more, readers add them in (legacyDayPK, legacyGaugePK),
// so that a workspace's figures carry on without a rebuild.
const cellShards = 128

// shardOf is the shard of a record's counters: FNV-1a of its id ("C:" or
// "O:" and the id), stable across processes and releases.
func shardOf(record string) int {
	h := fnv.New32a()
	h.Write([]byte(record))
	return int(h.Sum32() % cellShards)
}

func cellKey(tenant string, gen int64, shard int, c Cell) store.Key {
	switch c.Metric {
	case metricOwned:
		return store.Key{PK: gaugePK(tenant, gen, shard, metricOwned), SK: c.sortKey()}
	case metricAtStep:
		return store.Key{PK: gaugePK(tenant, gen, shard, metricAtStep+"#"+c.Pipeline), SK: c.sortKey()}
	}
	return store.Key{PK: dailyPK(tenant, gen, shard), SK: c.Day.String() + "#" + c.sortKey()}
}

func dailyPK(tenant string, gen int64, shard int) string {
	return fmt.Sprintf("T#%s#RPT#%d#DS#%03d", tenant, gen, shard)
}

func gaugePK(tenant string, gen int64, shard int, what string) string {
	return fmt.Sprintf("T#%s#RPT#%d#GS#%03d#%s", tenant, gen, shard, what)
}

func legacyDayPK(tenant string, gen int64, d domain.Date) string {
	return fmt.Sprintf("T#%s#RPT#%d#D#%s", tenant, gen, d)
}

func legacyGaugePK(tenant string, gen int64, what string) string {
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
// partition it was read from, in the older layout).
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

// parseDailyCell reads a sharded daily counter's sort key, <date>#<cell>.
func parseDailyCell(sk string) (Cell, error) {
	date, rest, ok := strings.Cut(sk, "#")
	if !ok {
		return Cell{}, fmt.Errorf("reports: daily counter key %q has no date", sk)
	}
	d, err := domain.ParseDate(date)
	if err != nil {
		return Cell{}, fmt.Errorf("reports: daily counter key %q: %w", sk, err)
	}
	return parseCell(rest, d)
}

// ops are the atomic adds of a record's counters, in its shard, in the
// order of their keys (so that the same adds always make the same
// transactions).
func (a Adds) ops(tenant string, gen int64, record string) []store.TxOp {
	shard := shardOf(record)
	keys := make([]store.Key, 0, len(a))
	n := make(map[store.Key]int64, len(a))
	for c, d := range a {
		k := cellKey(tenant, gen, shard, c)
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
