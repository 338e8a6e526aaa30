package localrun_test

import "time"

// leadOutcome is what became of a signed lead (GET /v1/leads/{id}).
type leadOutcome struct {
	ID          string `json:"id"`
	SourceID    string `json:"source_id"`
	Status      string `json:"status"`
	CustomerID  string `json:"customer_id"`
	DuplicateOf string `json:"duplicate_of"`
	Errors      []struct {
		Path   string            `json:"path"`
		Code   string            `json:"code"`
		Params map[string]string `json:"params"`
	} `json:"errors"`
	ReceivedAt time.Time `json:"received_at"`
}

// taken reads what became of the signed lead a webhook's answer names
// (202 {lead_id, status: queued}), once the intake queue has taken it, as
// the workspace's admin. Only the intake queue is drained: the lead's
// customer is made, and its distribution waits for the test's own drain,
// as it did when the webhook made the customer itself.
func (s *system) taken(admin *client, r *reply) leadOutcome {
	s.t.Helper()
	var q struct {
		LeadID string `json:"lead_id"`
		Status string `json:"status"`
	}
	r.ok(202).into(&q)
	if q.LeadID == "" {
		s.t.Fatalf("webhook answered %s, want a lead_id", r.Body)
	}
	if _, err := s.app.IntakeQueue.Drain(s.t.Context(), s.app.Leads.Take); err != nil {
		s.t.Fatalf("drain the intake queue: %v", err)
	}
	var out leadOutcome
	admin.do("GET", "/v1/leads/"+q.LeadID, nil).ok(200).into(&out)
	return out
}
