package localrun_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"tend/internal/leads"
)

// tenantA is a workspace full of things another workspace must never
// reach.
type tenantA struct {
	admin                                        *client
	user, team, warehouse, pipeline, step, field string
	customer, appointment, customerName          string
	rule, order                                  string
	drule, source, lead                          string
	emailTpl, smsTpl, task, flow                 string
	rebuild                                      string
	imp                                          string
	savedFilter, export                          string
	campaign, send, shareRule                    string
	project, projectTask                         string
	notification                                 string // one of the user's, unread
}

func newTenantA(s *system) *tenantA {
	admin, _ := s.workspace("Công ty A")
	a := &tenantA{admin: admin, customerName: "Bí Mật Của A"}
	staffA := admin.user("Người Của A", "staff")
	a.user = staffA.userID
	a.team = admin.create("/v1/teams", map[string]any{"name": "Nhóm A"})
	a.warehouse = admin.create("/v1/warehouses", map[string]any{"name": "Kho A"})
	var pl struct {
		ID    string `json:"id"`
		Steps []struct{ ID string }
	}
	admin.do("POST", "/v1/pipelines", map[string]any{"name": "Quy trình A", "steps": []map[string]string{{"name": "B1"}}}).ok(201).into(&pl)
	a.pipeline, a.step = pl.ID, pl.Steps[0].ID
	a.field = admin.create("/v1/fields", map[string]any{"key": "secret_a", "label": "Bí mật", "type": "text"})
	cu := admin.createCustomer(map[string]any{"name": a.customerName, "email": "bimat@a.vn", "owner_id": a.user,
		"pipelines": map[string]string{a.pipeline: a.step}, "fields": map[string]any{"secret_a": "x"}})
	a.customer = cu.ID
	a.appointment = admin.create("/v1/customers/"+cu.ID+"/appointments", map[string]any{"at": "2030-01-01T03:00:00Z", "title": "Hẹn A"})
	admin.do("POST", "/v1/customers/"+cu.ID+"/notes", map[string]any{"body": "ghi chú A"}).ok(201)
	a.rule = admin.create("/v1/automations", map[string]any{"name": "Luật A", "trigger": map[string]any{"type": "created"},
		"actions": []map[string]any{{"type": "set_step", "pipeline_id": a.pipeline, "step_id": a.step}}})
	a.order = admin.create("/v1/orders", map[string]any{"customer_id": cu.ID, "amount": 100000})
	a.drule = admin.create("/v1/distribution-rules", map[string]any{"name": "Chia A", "type": "round_robin", "warehouse_id": a.warehouse,
		"staff": []map[string]any{{"user_id": a.user}}})
	var src struct{ ID, Secret string }
	admin.do("POST", "/v1/lead-sources", map[string]any{"name": "Nguồn A", "warehouse_id": a.warehouse, "mapping": map[string]string{"name": "$.n"}}).
		ok(201).into(&src)
	a.source = src.ID
	raw := []byte(`{"n":"Lead Của A"}`)
	ts := strconv.FormatInt(s.app.Clock.Now().Unix(), 10)
	a.lead = s.taken(admin, s.anon().with("X-Tend-Timestamp", ts).with("X-Tend-Signature", leads.Sign(src.Secret, ts, raw)).do("POST", "/hooks/leads/"+src.ID, raw)).ID
	a.emailTpl = admin.create("/v1/templates/email", map[string]any{"name": "Mẫu A", "subject": "Chào {{name}}", "body": "Bí mật A"})
	a.smsTpl = admin.create("/v1/templates/sms", map[string]any{"name": "SMS A", "body": "Bí mật A {{name}}"})
	a.task = admin.create("/v1/tasks", map[string]any{"title": "Việc A", "assignee_id": a.user, "customer_id": cu.ID})
	var inbox struct{ Items []struct{ ID string } }
	staffA.do("GET", "/v1/notifications", nil).ok(200).into(&inbox)
	a.notification = inbox.Items[0].ID
	a.flow = admin.create("/v1/care-flows", map[string]any{"module": "customers", "name": "Quy trình A",
		"when": map[string]any{"type": "anniversary", "field": "birthday", "at": "08:00"}, "condition": map[string]any{"all": true},
		"actions": []map[string]any{{"type": "send_email", "template_id": a.emailTpl, "to_fields": []string{"email"}}}})
	var rb struct {
		ID string `json:"id"`
	}
	admin.do("POST", "/v1/reports/rebuild", nil).ok(202).into(&rb)
	a.rebuild = rb.ID
	a.imp = admin.startImport("a.csv", []byte("Họ và tên,SĐT\nKhách Nhập Của A,0912000111\n"), nil)
	a.savedFilter = admin.create("/v1/saved-filters", map[string]any{"name": "Bộ lọc A", "shared": true,
		"filter": [][]map[string]any{{{"field": "secret_a", "op": "eq", "value": "x"}}}})
	admin.do("PUT", "/v1/settings/list", map[string]any{"columns": []string{"secret_a", "name"}, "sort": "name"}).ok(200)
	var exp struct{ ID string }
	admin.do("GET", "/v1/customers/export?async=true", nil).ok(202).into(&exp)
	a.export = exp.ID
	a.campaign = admin.create("/v1/campaigns", map[string]any{"name": "Chiến dịch A", "key_map": map[string]string{"1": "confirmed"}})
	admin.do("POST", "/v1/campaigns/"+a.campaign+"/members", map[string]any{"customer_id": cu.ID}).ok(201)
	var snd struct{ ID string }
	admin.do("POST", "/v1/campaigns/"+a.campaign+"/send", map[string]any{"channel": "email", "template_id": a.emailTpl}).ok(202).into(&snd)
	a.send = snd.ID
	a.shareRule = admin.create("/v1/share-rules", map[string]any{"name": "Chia sẻ A", "campaign_id": a.campaign, "user_ids": []string{a.user}})
	a.project = admin.create("/v1/projects", map[string]any{"name": "Dự án A", "member_ids": []string{a.user},
		"phases": []map[string]any{{"name": "Giai đoạn A", "starts_on": "2030-01-01", "ends_on": "2030-01-31"}}})
	a.projectTask = admin.create("/v1/projects/"+a.project+"/tasks", map[string]any{"title": "Công việc A"})
	admin.do("POST", "/v1/tasks/"+a.projectTask+"/comments", map[string]any{"body": "Bình luận A", "mention_ids": []string{a.user}}).ok(201)
	return a
}

func (a *tenantA) ids() []string {
	return []string{a.user, a.team, a.warehouse, a.pipeline, a.step, a.customer, a.appointment, a.customerName, "secret_a", a.rule, a.order,
		a.drule, a.source, a.emailTpl, a.smsTpl, a.task, a.flow, "Bí mật A", a.imp, "Khách Nhập Của A", a.rebuild, a.savedFilter, "Bộ lọc A", a.export,
		a.campaign, "Chiến dịch A", a.send, a.shareRule, "Chia sẻ A", a.project, "Dự án A", a.projectTask, "Công việc A", "Bình luận A", a.notification,
		a.lead, "Lead Của A"}
}

// path fills a route pattern with tenant A's ids.
func (a *tenantA) path(pattern string) string {
	r := strings.NewReplacer("{appointment_id}", a.appointment, "{key}", a.field, "{source_id}", a.source,
		"{campaign_id}", a.campaign, "{customer_id}", a.customer, "{send_id}", a.send)
	p := r.Replace(pattern)
	if strings.HasPrefix(p, "/v1/tasks/{id}/") {
		// Claims, comments and history are of project tasks.
		p = strings.Replace(p, "{id}", a.projectTask, 1)
	}
	for prefix, id := range map[string]string{
		"/v1/users/": a.user, "/v1/teams/": a.team, "/v1/warehouses/": a.warehouse, "/v1/pipelines/": a.pipeline,
		"/v1/fields/": a.field, "/v1/customers/": a.customer, "/v1/automations/": a.rule, "/v1/orders/": a.order,
		"/v1/distribution-rules/": a.drule, "/v1/lead-sources/": a.source, "/v1/templates/email/": a.emailTpl,
		"/v1/templates/sms/": a.smsTpl, "/v1/tasks/": a.task, "/v1/care-flows/": a.flow, "/v1/reports/rebuild/": a.rebuild,
		"/v1/imports/": a.imp, "/v1/saved-filters/": a.savedFilter,
		"/v1/exports/": a.export, "/v1/campaigns/": a.campaign, "/v1/share-rules/": a.shareRule,
		"/v1/projects/":      a.project,
		"/v1/notifications/": a.notification,
		"/v1/leads/":         a.lead,
	} {
		if strings.HasPrefix(p, prefix) {
			p = strings.Replace(p, "{id}", id, 1)
		}
	}
	return p
}

// Every route, called by another workspace's admin with tenant A's ids,
// finds nothing, lists nothing of A's and changes nothing of A's.
func TestTenantIsolation(t *testing.T) {
	s := start(t, false)
	a := newTenantA(s)
	b, _ := s.workspace("Công ty B")
	var bPipeline struct {
		ID    string `json:"id"`
		Steps []struct{ ID string }
	}
	b.do("POST", "/v1/pipelines", map[string]any{"name": "Quy trình B", "steps": []map[string]string{{"name": "B1"}}}).ok(201).into(&bPipeline)
	var before map[string]any
	a.admin.do("GET", "/v1/customers/"+a.customer, nil).ok(200).into(&before)

	// What B sends to each route: a body that would work on B's own
	// things, pointing at A's.
	bodies := map[string]any{
		"POST /v1/users":                                         map[string]any{"name": "X", "email": "x@b.vn", "team_ids": []string{a.team}},
		"PATCH /v1/users/{id}":                                   map[string]any{"name": "Hacked"},
		"POST /v1/teams":                                         map[string]any{"name": "X", "leader_id": a.user},
		"PATCH /v1/teams/{id}":                                   map[string]any{"name": "Hacked"},
		"POST /v1/warehouses":                                    map[string]any{"name": "X", "manager_ids": []string{a.user}},
		"PATCH /v1/warehouses/{id}":                              map[string]any{"name": "Hacked"},
		"POST /v1/pipelines":                                     map[string]any{"name": "X", "steps": []map[string]string{{"id": a.step, "name": "B1"}}},
		"PATCH /v1/pipelines/{id}":                               map[string]any{"name": "Hacked"},
		"POST /v1/fields":                                        map[string]any{"key": "mine_b", "label": "mine", "type": "text"},
		"PATCH /v1/fields/{key}":                                 map[string]any{"label": "Hacked"},
		"PUT /v1/settings/duplicates":                            map[string]any{"criteria": []string{"email"}},
		"PUT /v1/settings/workspace":                             map[string]any{"name": "B vẫn là B"},
		"POST /v1/customers":                                     map[string]any{"name": "X", "owner_id": a.user, "warehouse_id": a.warehouse},
		"PATCH /v1/customers/{id}":                               map[string]any{"name": "Hacked"},
		"POST /v1/customers/{id}/step":                           map[string]any{"pipeline_id": bPipeline.ID, "step_id": bPipeline.Steps[0].ID},
		"POST /v1/customers/bulk/step":                           map[string]any{"ids": []string{a.customer}, "pipeline_id": a.pipeline, "step_id": a.step},
		"PUT /v1/customers/{id}/shares":                          map[string]any{"user_ids": []string{}},
		"POST /v1/customers/{id}/pin":                            map[string]any{},
		"POST /v1/customers/{id}/notes":                          map[string]any{"body": "x"},
		"POST /v1/customers/{id}/activities":                     map[string]any{"name": "x", "type": "call"},
		"POST /v1/customers/{id}/calls":                          map[string]any{"direction": "inbound"},
		"POST /v1/customers/{id}/appointments":                   map[string]any{"at": "2030-01-01T03:00:00Z", "title": "x"},
		"PATCH /v1/customers/{id}/appointments/{appointment_id}": map[string]any{"title": "Hacked"},
		"POST /v1/automations": map[string]any{"name": "X", "trigger": map[string]any{"type": "created"},
			"conditions": [][]map[string]any{{{"field": "step:" + a.pipeline, "op": "in_pipeline"}}}, "actions": []map[string]any{{"type": "unpin"}}},
		"POST /v1/automations/preview": map[string]any{"trigger": map[string]any{"type": "created"},
			"actions": []map[string]any{{"type": "set_step", "pipeline_id": a.pipeline, "step_id": a.step}}},
		"PATCH /v1/automations/{id}":  map[string]any{"name": "Hacked"},
		"POST /v1/orders":             map[string]any{"customer_id": a.customer, "amount": 1},
		"PATCH /v1/orders/{id}":       map[string]any{"amount": 5},
		"POST /v1/lead-sources":       map[string]any{"name": "X", "warehouse_id": a.warehouse, "mapping": map[string]string{"name": "$.n"}},
		"PATCH /v1/lead-sources/{id}": map[string]any{"name": "Hacked"},
		"POST /v1/distribution-rules": map[string]any{"name": "X", "type": "round_robin", "warehouse_id": a.warehouse,
			"staff": []map[string]any{{"user_id": a.user}}},
		"PATCH /v1/distribution-rules/{id}": map[string]any{"name": "Hacked"},
		"POST /hooks/leads/{source_id}":     map[string]any{"n": "Lead lạ"},
		"POST /hooks/calls/{source_id}":     map[string]any{"phone": "0912345678"},
		"POST /hooks/f/{token}":             map[string]any{"ho_ten": "Lead lạ"},
		"POST /v1/lead-sources/{id}/test":   map[string]any{},
		"POST /v1/templates/email":          map[string]any{"name": "Mẫu A", "subject": "x", "body": "x"},
		"PATCH /v1/templates/email/{id}":    map[string]any{"name": "Hacked"},
		"POST /v1/templates/sms":            map[string]any{"name": "SMS A", "body": "x"},
		"PATCH /v1/templates/sms/{id}":      map[string]any{"name": "Hacked"},
		"POST /v1/tasks":                    map[string]any{"title": "x", "assignee_id": a.user},
		"PATCH /v1/tasks/{id}":              map[string]any{"title": "Hacked"},
		"POST /v1/care-flows": map[string]any{"module": "customers", "name": "X",
			"when": map[string]any{"type": "anniversary", "field": "birthday", "at": "08:00"}, "condition": map[string]any{"all": true},
			"actions": []map[string]any{{"type": "send_email", "template_id": a.emailTpl, "to_fields": []string{"email"}}}},
		"PUT /v1/care-flows/order":                       map[string]any{"ids": []string{a.flow}},
		"PATCH /v1/care-flows/{id}":                      map[string]any{"name": "Hacked"},
		"POST /v1/care-flows/{id}/activate":              map[string]any{},
		"POST /v1/care-flows/{id}/deactivate":            map[string]any{},
		"POST /v1/care-flows/{id}/clone":                 map[string]any{},
		"POST /v1/imports/preview":                       map[string]any{},
		"POST /v1/imports/uploads":                       map[string]any{},
		"POST /v1/imports":                               map[string]any{"upload_id": "upl_nope", "options": map[string]any{"warehouse_id": a.warehouse}},
		"PUT /v1/settings/list":                          map[string]any{"columns": []string{"name"}},
		"POST /v1/saved-filters":                         map[string]any{"name": "Bộ lọc A", "filter": [][]map[string]any{{{"field": "secret_a", "op": "eq", "value": "x"}}}},
		"PATCH /v1/saved-filters/{id}":                   map[string]any{"name": "Hacked"},
		"POST /v1/campaigns":                             map[string]any{"name": "X", "owner_id": a.user},
		"PATCH /v1/campaigns/{id}":                       map[string]any{"name": "Hacked"},
		"POST /v1/campaigns/{id}/members":                map[string]any{"customer_id": a.customer},
		"PATCH /v1/campaigns/{id}/members/{customer_id}": map[string]any{"status": "joined"},
		"POST /v1/customers/bulk/campaign": map[string]any{"ids": []string{a.customer}, "campaign_id": a.campaign,
			"care_status": "multi_assigned"},
		"POST /hooks/campaigns/{campaign_id}/responses": map[string]any{"phone": "0912345678", "key": "1"},
		"POST /v1/campaigns/{id}/send":                  map[string]any{"channel": "email", "template_id": a.emailTpl},
		"POST /v1/share-rules":                          map[string]any{"name": "X", "campaign_id": a.campaign, "user_ids": []string{a.user}},
		"PATCH /v1/share-rules/{id}":                    map[string]any{"name": "Hacked"},
		"POST /v1/projects":                             map[string]any{"name": "X", "member_ids": []string{a.user}},
		"PATCH /v1/projects/{id}":                       map[string]any{"name": "Hacked"},
		"POST /v1/projects/{id}/tasks":                  map[string]any{"title": "x"},
		"POST /v1/tasks/{id}/claim":                     map[string]any{},
		"POST /v1/tasks/{id}/comments":                  map[string]any{"body": "x"},
		"POST /v1/notifications/{id}/read":              nil,
		"POST /v1/notifications/read-all":               nil,
	}
	// Routes without an id of A's answer this (they act on B's own data).
	ownStatus := map[string]int{
		"POST /v1/users": 422, "POST /v1/teams": 422, "POST /v1/warehouses": 422, "POST /v1/pipelines": 422,
		"POST /v1/fields": 201, "PUT /v1/settings/duplicates": 200, "PUT /v1/settings/workspace": 200,
		"POST /v1/customers": 422, "POST /v1/customers/bulk/step": 422,
		"POST /v1/automations": 422, "POST /v1/automations/preview": 422, "POST /v1/orders": 422,
		"POST /v1/lead-sources": 422, "POST /v1/distribution-rules": 422,
		"POST /v1/templates/email": 201, "POST /v1/templates/sms": 201, "POST /v1/tasks": 422, "POST /v1/care-flows": 422,
		"PUT /v1/care-flows/order": 422, "POST /v1/reports/rebuild": 202, "POST /v1/imports/preview": 415, "POST /v1/imports/uploads": 201, "POST /v1/imports": 422,
		"PUT /v1/settings/list": 200, "POST /v1/saved-filters": 422, "POST /v1/campaigns": 422, "POST /v1/customers/bulk/campaign": 422, "POST /v1/share-rules": 422,
		"POST /v1/projects":               422,
		"POST /v1/notifications/read-all": 200,
	}
	for _, rt := range s.app.API.Routes() {
		key := rt.Method + " " + rt.Pattern
		if rt.Public {
			continue
		}
		t.Run(key, func(t *testing.T) {
			path := a.path(rt.Pattern)
			if rt.Method == "GET" && strings.Contains(path, "lookup") {
				path += "?q=" + strings.ReplaceAll(a.customerName, " ", "+")
			} else if rt.Method == "GET" {
				path += requiredQuery[rt.Pattern]
			}
			body, hasBody := bodies[key]
			if !hasBody && rt.Method != "GET" && rt.Method != "DELETE" && !rt.Bare && !strings.HasSuffix(rt.Pattern, "/restore") &&
				!strings.HasSuffix(rt.Pattern, "/pin") && !strings.HasSuffix(rt.Pattern, "/rotate-secret") && !strings.HasSuffix(rt.Pattern, "/rebuild") {
				t.Fatalf("no isolation case for %s: add one", key)
			}
			r := b.do(rt.Method, path, body)
			switch {
			case rt.Bare:
				r.problem(409) // B's admin already belongs to a workspace
			case rt.Hook && strings.HasPrefix(rt.Pattern, "/hooks/f/"):
				r.problem(404) // no form of that token
			case rt.Hook:
				r.problem(401) // B can't sign for A's source
			case strings.Contains(rt.Pattern, "{"):
				if r.Status != 404 {
					t.Fatalf("status %d, want 404: %s", r.Status, r.Body)
				}
			case rt.Method == "GET":
				r.ok(200)
			default:
				r.ok(ownStatus[key])
			}
			// An answer may echo what B sent, and nothing else of A's.
			sent := path + fmt.Sprint(body)
			for _, id := range a.ids() {
				if strings.Contains(string(r.Body), id) && !strings.Contains(sent, id) {
					t.Fatalf("answer to B mentions A's %q: %s", id, r.Body)
				}
			}
		})
	}
	var after map[string]any
	a.admin.do("GET", "/v1/customers/"+a.customer, nil).ok(200).into(&after)
	if after["version"] != before["version"] || after["name"] != a.customerName {
		t.Fatalf("A's customer changed: %v → %v", before, after)
	}
	for _, p := range []string{"/v1/users/" + a.user, "/v1/teams/" + a.team, "/v1/warehouses/" + a.warehouse, "/v1/pipelines/" + a.pipeline,
		"/v1/fields/" + a.field, "/v1/distribution-rules/" + a.drule, "/v1/lead-sources/" + a.source,
		"/v1/templates/email/" + a.emailTpl, "/v1/templates/sms/" + a.smsTpl, "/v1/care-flows/" + a.flow, "/v1/saved-filters/" + a.savedFilter,
		"/v1/campaigns/" + a.campaign, "/v1/share-rules/" + a.shareRule, "/v1/projects/" + a.project, "/v1/tasks/" + a.projectTask} {
		if got := a.admin.do("GET", p, nil).ok(200).obj(); got["name"] == "Hacked" || got["label"] == "Hacked" {
			t.Fatalf("%s was changed by another workspace", p)
		}
	}
	var appts struct {
		Items []map[string]any `json:"items"`
	}
	a.admin.do("GET", "/v1/customers/"+a.customer+"/appointments", nil).ok(200).into(&appts)
	if len(appts.Items) != 1 || appts.Items[0]["title"] != "Hẹn A" {
		t.Fatalf("A's appointments: %v", appts.Items)
	}
}
