// Package changes routes item changes — from the DynamoDB stream in AWS,
// from the SQLite change feed locally — to the code that reacts to them:
// automation rules on customers, revenue on orders, the reports' counters.
package changes

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"tend/internal/leads"

	"tend/internal/automation"
	"tend/internal/backfill"
	"tend/internal/birthday"
	"tend/internal/campaign"
	"tend/internal/careflow"
	"tend/internal/customer"
	"tend/internal/distribution"
	"tend/internal/export"
	"tend/internal/importing"
	"tend/internal/notify"
	"tend/internal/orders"
	"tend/internal/queuegroup"
	"tend/internal/reports"
	"tend/internal/sharing"
	"tend/internal/store"
	"tend/internal/timeline"
)

// Types are the item types the stream consumer handles; the stream's event
// filter and the local feed keep only these.
var Types = []string{customer.ItemType, orders.ItemType}

// Router hands each change to its consumers.
type Router struct {
	Automation   *automation.Service
	Distribution *distribution.Service
	Orders       *orders.Service
	// Reports keeps the reports' daily counters, from customers' and
	// orders' changes.
	Reports *reports.Service
}

// HandleBatch routes a batch of changes in order, then moves the reports'
// counters for the ones routed, together (reports.HandleChanges). A
// change's old is nil for a new item, its new nil for a removed one; a
// change may come twice, and every consumer is idempotent. It stops at
// the first change that fails and says how many came before it, so that
// the stream hands the batch again from there; err is that failure. When
// the counters can't be written it says none.
func (r *Router) HandleBatch(ctx context.Context, batch []store.Change) (int, error) {
	routed := 0
	var failed error
	for _, c := range batch {
		if failed = r.route(ctx, c.Type, c.Old, c.New); failed != nil {
			break
		}
		routed++
	}
	if err := r.Reports.HandleChanges(ctx, batch[:routed]); err != nil {
		return 0, err
	}
	return routed, failed
}

// route hands a change to every consumer but the reports'.
func (r *Router) route(ctx context.Context, typ string, old, new *store.Item) error {
	// What the change makes queued is its workspace's (queuegroup).
	ctx = queuegroup.With(ctx, tenantOf(old, new))
	switch typ {
	case customer.ItemType:
		before, err := image(old)
		if err != nil {
			return err
		}
		after, err := image(new)
		if err != nil {
			return err
		}
		if err := r.Automation.HandleChange(ctx, before, after); err != nil {
			return err
		}
		return r.Distribution.HandleChange(ctx, before, after)
	case orders.ItemType:
		return r.Orders.HandleChange(ctx, old, new)
	}
	return nil
}

// tenantOf is the workspace of a changed item: a workspace's items live
// under "T#<tenant>#" ("" for an item of none).
func tenantOf(old, new *store.Item) string {
	it := new
	if it == nil {
		it = old
	}
	if it == nil {
		return ""
	}
	rest, ok := strings.CutPrefix(it.PK, "T#")
	if !ok {
		return ""
	}
	tenant, _, _ := strings.Cut(rest, "#")
	return tenant
}

func image(it *store.Item) (*customer.Image, error) {
	if it == nil {
		return nil, nil
	}
	im, err := customer.DecodeImage(*it)
	if err != nil {
		return nil, fmt.Errorf("changes: %w", err)
	}
	return im, nil
}

// Ticker is the scheduler's work: on each tick, the daily automation runs
// and care-flow runs that are due, distributions that have come due and
// reclaims, messages whose time has come, appointment reminders, the
// share rules' runs, staff birthday notices and the backfill of items
// stored before a change; its jobs are the runs' shards.
type Ticker struct {
	Automation   *automation.Service
	CareFlows    *careflow.Service
	Distribution *distribution.Service
	Notify       *notify.Service
	Reminders    *timeline.Service
	// Leads sends again the leads held but not taken (see leads.Resend).
	Leads *leads.Service
	// Reports sends again the jobs of stalled report rebuilds, and runs
	// them.
	Reports *reports.Service
	// Imports work the import jobs, and send again the message of an
	// import that stopped moving (see importing.Resend).
	Imports *importing.Service
	// Exports runs the exports too large to answer at once, and sends
	// again the message of one that stopped moving (see export.Resend).
	Exports *export.Service
	// Campaigns run sends to campaigns' members.
	Campaigns *campaign.Service
	// Sharing runs the share rules that are due.
	Sharing *sharing.Service
	// Birthdays tell colleagues of staff birthdays.
	Birthdays *birthday.Service
	// Backfill brings items stored before a change up to date, once.
	Backfill *backfill.Service
}

// Tick runs one tick and says how much it started. Every stage runs
// whatever an earlier one met: the stages' failures are joined (the tick
// then reports itself failed, and its retry finds done work done).
func (t Ticker) Tick(ctx context.Context) (int, error) {
	total := 0
	var errs []error
	for _, tick := range []func(context.Context) (int, error){t.Automation.Tick, t.CareFlows.Tick, t.Distribution.Tick, t.Notify.Tick,
		t.Reminders.SendReminders, t.Leads.Resend, t.Reports.Tick, t.Imports.Resend, t.Exports.Resend, t.Sharing.Tick, t.Birthdays.Tick,
		t.Backfill.Tick} {
		n, err := tick(ctx)
		total += n
		errs = append(errs, err)
	}
	return total, errors.Join(errs...)
}

// HandleJob runs one message of the jobs queue: a shard of a daily rule
// run, of a care-flow run or of a report rebuild, a chunk of an import, a
// customer export, a send to a campaign's members, a share rule's run or
// a segment of the backfill.
func (t Ticker) HandleJob(ctx context.Context, body []byte) error {
	if backfill.IsJob(body) {
		return t.Backfill.HandleJob(ctx, body)
	}
	if careflow.IsJob(body) {
		return t.CareFlows.HandleJob(ctx, body)
	}
	if reports.IsJob(body) {
		return t.Reports.HandleJob(ctx, body)
	}
	if importing.IsJob(body) {
		return t.Imports.HandleJob(ctx, body)
	}
	if export.IsJob(body) {
		return t.Exports.HandleJob(ctx, body)
	}
	if campaign.IsJob(body) {
		return t.Campaigns.HandleJob(ctx, body)
	}
	if sharing.IsJob(body) {
		return t.Sharing.HandleJob(ctx, body)
	}
	return t.Automation.HandleJob(ctx, body)
}
