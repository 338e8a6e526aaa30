package capacity

import (
	"fmt"
	"time"

	"tend/internal/store/heatmeter"
)

// DailyMatchesPerRule: one daily rule over a workspace of n customers,
// one in ten of which it matches (a tag) and changes (a select field set
// to VIP). The customers are created and their change feed drained first;
// only the day's run is measured: the tick, the shard jobs reading every
// customer, the matched customers' writes with their outcome logs, and
// the change feed of those writes. A unit of work is a customer changed.
// The figure is a rule matching 10% of 1M customers; the units per
// change do not depend on the population (each shard's reads grow with
// it as the changes do), so a smaller one is run.
func DailyMatchesPerRule(s *System, n int) (Result, error) {
	r := Result{Goal: Goal{"daily_matches_per_rule", "changes/s", 5000},
		Title: fmt.Sprintf("one daily rule over %d customers (not 1M), changing the 10%% it matches", n)}
	_, token, err := s.Workspace("daily")
	if err != nil {
		return r, err
	}
	if err := s.Call("PUT", "/v1/settings/duplicates", token, nil, map[string]any{"criteria": []string{}}, 200, nil); err != nil {
		return r, err
	}
	if _, err := s.Create(token, "/v1/fields", map[string]any{"key": "customer_type", "label": "Loại khách hàng", "type": "select", "options": []string{"Thường", "VIP"}}); err != nil {
		return r, err
	}
	for i := range n {
		tags := []string{}
		if i%10 == 0 {
			tags = []string{"chăm sóc"}
		}
		body := map[string]any{"name": fmt.Sprintf("Khách %06d", i), "phone": fmt.Sprintf("0914%06d", i), "tags": tags,
			"fields": map[string]string{"customer_type": "Thường"}}
		if _, err := s.Create(token, "/v1/customers", body); err != nil {
			return r, err
		}
	}
	if _, err := s.Create(token, "/v1/automations", map[string]any{"name": "Khách chăm sóc thành VIP", "trigger": map[string]string{"type": "daily", "at": "08:00"},
		"conditions": [][]map[string]any{{{"field": "tags", "op": "has_any", "value": []string{"chăm sóc"}}}},
		"actions":    []map[string]string{{"type": "set_field", "field": "customer_type", "value": "VIP"}}}); err != nil {
		return r, err
	}
	if err := s.Drain(); err != nil {
		return r, err
	}
	// The rule runs at 08:00 of the next day in the workspace's time zone
	// (Asia/Ho_Chi_Minh, UTC+7): it was enabled after today's 08:00.
	s.App.Clock.Set(Epoch.Add(23*time.Hour), true)
	s.Meter.Reset()
	if err := s.Drain(); err != nil {
		return r, err
	}
	r.Work = (n + 9) / 10
	charges := s.Meter.Charges()
	r.Rows = heatmeter.Report(charges, r.Work)
	r.ReadPerCustomer = ShardReadsPerCustomer(charges, n)
	return r, nil
}
