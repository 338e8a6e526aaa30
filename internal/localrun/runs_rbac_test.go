package localrun_test

import (
	"bytes"
	"testing"
)

// The logs of a rule or a flow name customers of every owner: only admins
// read them. A customer's own automation log follows the customer.
func TestRuleAndFlowLogsAreAdminOnly(t *testing.T) {
	o := newOrg(t)
	a := o.admin
	var pl struct {
		ID    string `json:"id"`
		Steps []struct{ ID string }
	}
	a.do("POST", "/v1/pipelines", map[string]any{"name": "Bán hàng", "steps": []map[string]string{{"name": "Mới"}}}).ok(201).into(&pl)
	rule := a.create("/v1/automations", map[string]any{"name": "Vào quy trình", "trigger": map[string]any{"type": "created"},
		"actions": []map[string]any{{"type": "set_step", "pipeline_id": pl.ID, "step_id": pl.Steps[0].ID}}})
	tpl := a.create("/v1/templates/email", map[string]any{"name": "Sinh nhật", "subject": "Chào {{name}}", "body": "Chúc mừng sinh nhật"})
	flow := a.create("/v1/care-flows", map[string]any{"module": "customers", "name": "Sinh nhật",
		"when": map[string]any{"type": "anniversary", "field": "birthday", "at": "08:00"}, "condition": map[string]any{"all": true},
		"actions": []map[string]any{{"type": "send_email", "template_id": tpl, "to_fields": []string{"email"}}}})
	drule := a.create("/v1/distribution-rules", map[string]any{"name": "Chia kho", "type": "round_robin", "warehouse_id": o.wh,
		"staff": []map[string]any{{"user_id": o.s3.userID}}})
	// s2's customer, whom s1 can't see, goes through the rule; a new
	// customer of the warehouse is handed out by the distribution rule.
	hidden := a.createCustomer(map[string]any{"name": "Khách Riêng Của Hai", "owner_id": o.s2.userID})
	lead := a.createCustomer(map[string]any{"name": "Khách Mới Về Kho", "owner_id": "", "warehouse_id": o.wh})
	o.s.anon().do("POST", "/dev/drain", nil).ok(200)

	logs := []struct {
		path string
		// shows is what the admin's answer holds, proving there is
		// something to hide.
		shows string
	}{
		{"/v1/automations/" + rule + "/runs", hidden.Name},
		{"/v1/care-flows/" + flow + "/runs", ""},
		{"/v1/distribution-rules/" + drule + "/assignments", lead.ID},
		{"/v1/distribution-rules/" + drule + "/stats", o.s3.userID},
	}
	for _, l := range logs {
		got := a.do("GET", l.path, nil).ok(200)
		if !bytes.Contains(got.Body, []byte(l.shows)) {
			t.Fatalf("admin: GET %s does not show %q: %s", l.path, l.shows, got.Body)
		}
	}
	others := []struct {
		role string
		c    *client
	}{{"staff", o.s1}, {"team leader", o.leader}, {"warehouse manager", o.wm}}
	details := map[string]string{"vi": "Chỉ quản trị viên mới được thực hiện thao tác này.", "en": "Only admins can do this."}
	for _, u := range others {
		for _, l := range logs {
			for lang, want := range details {
				c := *u.c
				c.lang = lang
				p := c.do("GET", l.path, nil).problem(403)
				if p.Code != "admin_only" || p.Detail != want {
					t.Errorf("%s: GET %s in %s: %s %q, want admin_only %q", u.role, l.path, lang, p.Code, p.Detail, want)
				}
			}
		}
	}

	// The customer's own log: to those who see the customer, and no one else.
	var log struct {
		Items []struct {
			RuleID string `json:"rule_id"`
		} `json:"items"`
	}
	o.s2.do("GET", "/v1/customers/"+hidden.ID+"/automation-log", nil).ok(200).into(&log)
	if len(log.Items) != 1 || log.Items[0].RuleID != rule {
		t.Fatalf("owner's automation log = %+v, want the rule's one outcome", log.Items)
	}
	if p := o.s1.do("GET", "/v1/customers/"+hidden.ID+"/automation-log", nil).problem(404); p.Code != "not_found" {
		t.Fatalf("staff member who can't see the customer: %s, want not_found", p.Code)
	}
}
