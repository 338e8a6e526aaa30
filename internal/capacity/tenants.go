package capacity

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"tend/internal/store/heatmeter"
)

// What each workspace of AllTenantsWrites takes: enough that a key
// sharded a few hundred ways gets several writes in every shard, so that
// its hottest shard's share is the hash's, not chance's.
const (
	tenantLeads        = 4
	tenantAppointments = 2
)

// AllTenantsWrites: n workspaces, each with a lead source whose rule
// hands leads out an hour after they arrive (a delayed distribution,
// longer than the queue can delay) among 2 staff, and a customer.
// Measured: each workspace takes 4 leads and books 2 appointments with a
// reminder; then the clock moves on and the ticks distribute the leads and
// send the reminders. A unit of work is a lead or an appointment. It also
// says which key patterns every workspace wrote to one key of: such a key
// is shared by all tenants, and the goal is that there is none.
func AllTenantsWrites(s *System, n int) (Result, error) {
	r := Result{Goal: Goal{"all_tenants_writes", "writes/s", 50000}, Work: n * (tenantLeads + tenantAppointments),
		Title: fmt.Sprintf("%d workspaces, each %d leads distributed after an hour and %d appointments reminded", n, tenantLeads, tenantAppointments)}
	funnels := make([]*funnel, n)
	customers := make([]string, n)
	for i := range n {
		f, err := newFunnelOf(s, fmt.Sprintf("ws%04d", i), 1, 2, "1h")
		if err != nil {
			return r, err
		}
		if customers[i], err = s.Create(f.token, "/v1/customers", map[string]any{"name": fmt.Sprintf("Khách hẹn %04d", i)}); err != nil {
			return r, err
		}
		funnels[i] = f
	}
	if err := s.Drain(); err != nil {
		return r, err
	}
	s.Meter.Reset()
	at := s.App.Clock.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	for i, f := range funnels {
		if err := f.leads(tenantLeads, i*tenantLeads); err != nil {
			return r, err
		}
		for range tenantAppointments {
			if _, err := s.Create(f.token, "/v1/customers/"+customers[i]+"/appointments", map[string]any{"at": at, "title": "Tư vấn", "remind_before": "30m"}); err != nil {
				return r, err
			}
		}
	}
	// The leads arrive; an hour later they are handed out; half an hour
	// later the reminders are due.
	for _, ahead := range []time.Duration{0, 61 * time.Minute, 30 * time.Minute} {
		s.App.Clock.Set(s.App.Clock.Now().Add(ahead), true)
		if err := s.Drain(); err != nil {
			return r, err
		}
	}
	r.Rows = heatmeter.Report(s.Meter.Charges(), r.Work)
	r.Shared = SharedByAll(s.Meter.Writers(), n)
	return r, nil
}

// SharedByAll lists, once each and in order, the patterns without a
// workspace in them ({tenant}) with a key that items of all tenants
// workspaces were written to.
func SharedByAll(writers map[heatmeter.Part]int, tenants int) []string {
	var out []string
	for p, n := range writers {
		pattern := heatmeter.PartPattern(p)
		if n >= tenants && !strings.Contains(pattern, "{tenant}") && !slices.Contains(out, pattern) {
			out = append(out, pattern)
		}
	}
	slices.Sort(out)
	return out
}
