package localrun_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"tend/internal/automation"
	customers "tend/internal/customer"
	"tend/internal/store"
	"tend/internal/store/faultstore"
)

// shop is a workspace set up like the seed's examples: a sales pipeline
// with "Chốt đơn" and "Cần chăm sóc lại", a "Gia hạn / tái mua" pipeline,
// and a customer type field.
type shop struct {
	s              *system
	admin          *client
	sales, renewal string
	steps          map[string]string
	renewalFirst   string
}

var hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

type automationJob = automation.Job

func newShop(t *testing.T) *shop {
	s := start(t, false)
	admin, _ := s.workspace("Cửa hàng")
	sh := &shop{s: s, admin: admin, steps: map[string]string{}}
	var pl struct {
		ID    string `json:"id"`
		Steps []struct{ ID, Name string }
	}
	admin.do("POST", "/v1/pipelines", map[string]any{"name": "Bán hàng", "steps": []map[string]string{
		{"name": "Mới"}, {"name": "Đang tư vấn"}, {"name": "Chốt đơn"}, {"name": "Cần chăm sóc lại"}}}).ok(201).into(&pl)
	sh.sales = pl.ID
	for _, st := range pl.Steps {
		sh.steps[st.Name] = st.ID
	}
	admin.do("POST", "/v1/pipelines", map[string]any{"name": "Gia hạn / tái mua", "steps": []map[string]string{{"name": "Chờ gia hạn"}, {"name": "Đã tái mua"}}}).ok(201).into(&pl)
	sh.renewal, sh.renewalFirst = pl.ID, pl.Steps[0].ID
	admin.create("/v1/fields", map[string]any{"key": "customer_type", "label": "Loại khách hàng", "type": "select", "options": []string{"Thường", "VIP"}})
	return sh
}

func (sh *shop) rule(body map[string]any) string {
	return sh.admin.create("/v1/automations", body)
}

func (sh *shop) drain() {
	sh.s.anon().do("POST", "/dev/drain", nil).ok(200)
}

func (sh *shop) customer(id string) map[string]any {
	return sh.admin.do("GET", "/v1/customers/"+id, nil).ok(200).obj()
}

// automationHistory counts a customer's history entries written by rules.
func (sh *shop) automationHistory(id string) int {
	var h struct {
		Items []struct {
			Actor struct{ Kind string } `json:"actor"`
		} `json:"items"`
	}
	sh.admin.do("GET", "/v1/customers/"+id+"/history?limit=500", nil).ok(200).into(&h)
	n := 0
	for _, e := range h.Items {
		if e.Actor.Kind == "automation" {
			n++
		}
	}
	return n
}

// Seed example 1: revenue over 3,000,000 makes a customer VIP, when an
// order completes.
func TestSeedRevenueMakesVIP(t *testing.T) {
	sh := newShop(t)
	rule := sh.rule(map[string]any{
		"name": "Khách VIP", "description": "Doanh thu trên 3 triệu",
		"trigger":    map[string]any{"type": "created_or_updated"},
		"conditions": [][]map[string]any{{{"field": "revenue", "op": "gt", "value": 3000000}}},
		"actions":    []map[string]any{{"type": "set_field", "field": "customer_type", "value": "VIP"}},
	})
	cu := sh.admin.createCustomer(map[string]any{"name": "Chị Mai", "fields": map[string]any{"customer_type": "Thường"}})
	order := sh.admin.create("/v1/orders", map[string]any{"customer_id": cu.ID, "amount": 2000000, "status": "completed"})
	sh.drain()
	if got := sh.customer(cu.ID); got["revenue"] != float64(2000000) || got["fields"].(map[string]any)["customer_type"] != "Thường" {
		t.Fatalf("at 2,000,000: %v %v", got["revenue"], got["fields"])
	}
	sh.admin.create("/v1/orders", map[string]any{"customer_id": cu.ID, "items": []map[string]any{{"product": "Gói năm", "quantity": 1, "price": 1500000}}, "status": "new"})
	sh.drain()
	if got := sh.customer(cu.ID); got["revenue"] != float64(2000000) {
		t.Fatalf("a new (not completed) order counted: %v", got["revenue"])
	}
	var orders struct {
		Items []struct{ ID, Status string } `json:"items"`
	}
	sh.admin.do("GET", "/v1/orders?customer_id="+cu.ID, nil).ok(200).into(&orders)
	if len(orders.Items) != 2 {
		t.Fatalf("%d orders", len(orders.Items))
	}
	for _, o := range orders.Items {
		if o.ID != order {
			sh.admin.do("PATCH", "/v1/orders/"+o.ID, map[string]any{"status": "completed"}).ok(200)
		}
	}
	sh.drain()
	got := sh.customer(cu.ID)
	if got["revenue"] != float64(3500000) || got["fields"].(map[string]any)["customer_type"] != "VIP" || got["last_order_at"] == nil {
		t.Fatalf("after 3,500,000: revenue %v, fields %v, last order %v", got["revenue"], got["fields"], got["last_order_at"])
	}
	// Why is this customer VIP?
	var log struct {
		Items []struct {
			RuleID  string `json:"rule_id"`
			Matched struct {
				Group   int `json:"group"`
				Results [][]struct {
					Field string `json:"field"`
					Held  bool   `json:"held"`
				} `json:"results"`
			} `json:"matched"`
			Changes []struct {
				Field         string
				Before, After any
			} `json:"changes"`
		} `json:"items"`
	}
	sh.admin.do("GET", "/v1/customers/"+cu.ID+"/automation-log", nil).ok(200).into(&log)
	if len(log.Items) != 1 || log.Items[0].RuleID != rule || log.Items[0].Matched.Group != 0 ||
		!log.Items[0].Matched.Results[0][0].Held || log.Items[0].Changes[0].After != "VIP" {
		t.Fatalf("automation log = %+v", log.Items)
	}
	if sh.automationHistory(cu.ID) != 1 {
		t.Fatalf("history has %d rule entries, want 1", sh.automationHistory(cu.ID))
	}
	var runs struct {
		Items []struct {
			Trigger  string
			Outcomes []map[string]any
		} `json:"items"`
	}
	sh.admin.do("GET", "/v1/automations/"+rule+"/runs", nil).ok(200).into(&runs)
	if len(runs.Items) != 1 || runs.Items[0].Trigger != "created_or_updated" || len(runs.Items[0].Outcomes) != 1 {
		t.Fatalf("runs = %+v", runs.Items)
	}
}

// Seed example 2: cared for more than 30 days ago → step "Cần chăm sóc
// lại", daily at 08:00 local time.
func TestSeedDailyCareAgain(t *testing.T) {
	sh := newShop(t)
	day0 := time.Date(2026, 3, 1, 10, 0, 0, 0, hcm)
	sh.s.setClock(day0)
	sh.rule(map[string]any{
		"name": "Chăm sóc lại", "trigger": map[string]any{"type": "daily", "at": "08:00"},
		"conditions": [][]map[string]any{{{"field": "last_care_at", "op": "older_than_days", "value": 30}}},
		"actions":    []map[string]any{{"type": "set_step", "pipeline_id": sh.sales, "step_id": sh.steps["Cần chăm sóc lại"]}},
	})
	old := sh.admin.createCustomer(map[string]any{"name": "Lâu rồi", "pipelines": map[string]string{sh.sales: sh.steps["Mới"]}})
	sh.admin.do("POST", "/v1/customers/"+old.ID+"/notes", map[string]any{"body": "Gọi lần đầu"}).ok(201)
	recent := sh.admin.createCustomer(map[string]any{"name": "Mới gọi", "pipelines": map[string]string{sh.sales: sh.steps["Mới"]}})
	never := sh.admin.createCustomer(map[string]any{"name": "Chưa gọi"})
	// 32 days later, at 07:59: not yet.
	sh.s.setClock(time.Date(2026, 4, 2, 7, 59, 0, 0, hcm))
	sh.admin.do("POST", "/v1/customers/"+recent.ID+"/notes", map[string]any{"body": "Vừa gọi"}).ok(201)
	sh.drain()
	if sh.customer(old.ID)["pipelines"].(map[string]any)[sh.sales] != sh.steps["Mới"] {
		t.Fatal("the daily rule ran before 08:00")
	}
	sh.s.setClock(time.Date(2026, 4, 2, 8, 3, 0, 0, hcm))
	sh.drain()
	if got := sh.customer(old.ID)["pipelines"].(map[string]any)[sh.sales]; got != sh.steps["Cần chăm sóc lại"] {
		t.Fatalf("not cared for 32 days: step %v", got)
	}
	if got := sh.customer(recent.ID)["pipelines"].(map[string]any)[sh.sales]; got != sh.steps["Mới"] {
		t.Fatalf("cared for today: step %v", got)
	}
	if len(sh.customer(never.ID)["pipelines"].(map[string]any)) != 0 {
		t.Fatal("never cared for (no last care time) was moved")
	}
}

// Seed example 3: a completed purchase in the sales pipeline adds the
// customer to the "Gia hạn / tái mua" pipeline.
func TestSeedWonAddsRenewalPipeline(t *testing.T) {
	sh := newShop(t)
	sh.rule(map[string]any{
		"name": "Tái mua", "trigger": map[string]any{"type": "created_or_updated"},
		"conditions": [][]map[string]any{{{"field": "step:" + sh.sales, "op": "eq", "value": sh.steps["Chốt đơn"]}}},
		"actions":    []map[string]any{{"type": "add_to_pipeline", "pipeline_id": sh.renewal}},
	})
	cu := sh.admin.createCustomer(map[string]any{"name": "Anh Tuấn", "pipelines": map[string]string{sh.sales: sh.steps["Đang tư vấn"]}})
	sh.drain()
	if _, in := sh.customer(cu.ID)["pipelines"].(map[string]any)[sh.renewal]; in {
		t.Fatal("added before the purchase")
	}
	sh.admin.do("POST", "/v1/customers/"+cu.ID+"/step", map[string]any{"pipeline_id": sh.sales, "step_id": sh.steps["Chốt đơn"]}).ok(200)
	sh.drain()
	pipelines := sh.customer(cu.ID)["pipelines"].(map[string]any)
	if pipelines[sh.renewal] != sh.renewalFirst || pipelines[sh.sales] != sh.steps["Chốt đơn"] {
		t.Fatalf("pipelines = %v", pipelines)
	}
	// Moving on in the renewal pipeline is not undone by the rule.
	sh.admin.do("POST", "/v1/customers/"+cu.ID+"/step", map[string]any{"pipeline_id": sh.renewal, "step_id": "x"}).problem(422)
}

// Seed example 4: a customer with an appointment today is pinned, daily.
func TestSeedAppointmentTodayPins(t *testing.T) {
	sh := newShop(t)
	sh.s.setClock(time.Date(2026, 5, 10, 7, 0, 0, 0, hcm))
	sh.rule(map[string]any{
		"name": "Ghim lịch hẹn hôm nay", "trigger": map[string]any{"type": "daily", "at": "08:00"},
		"conditions": [][]map[string]any{{{"field": "next_appointment_at", "op": "is_today"}}},
		"actions":    []map[string]any{{"type": "pin"}},
	})
	today := sh.admin.createCustomer(map[string]any{"name": "Hẹn hôm nay"})
	sh.s.setClock(time.Date(2026, 5, 10, 7, 1, 0, 0, hcm)) // so that unpinned, it lists second
	later := sh.admin.createCustomer(map[string]any{"name": "Hẹn tuần sau"})
	sh.admin.do("POST", "/v1/customers/"+today.ID+"/appointments", map[string]any{"at": time.Date(2026, 5, 10, 15, 0, 0, 0, hcm), "title": "Gặp ký hợp đồng"}).ok(201)
	sh.admin.do("POST", "/v1/customers/"+later.ID+"/appointments", map[string]any{"at": time.Date(2026, 5, 17, 15, 0, 0, 0, hcm), "title": "Gặp sau"}).ok(201)
	sh.s.setClock(time.Date(2026, 5, 10, 8, 0, 0, 0, hcm))
	sh.drain()
	list := sh.admin.list("")
	if list.Items[0].ID != today.ID || list.Items[0].PinnedUntil == nil || list.Items[1].PinnedAt != nil {
		t.Fatalf("pinned first = %v", ids(list.Items))
	}
	if want := time.Date(2026, 5, 11, 0, 0, 0, 0, hcm); !list.Items[0].PinnedUntil.Equal(want) {
		t.Fatalf("pinned until %v, want the end of today %v", list.Items[0].PinnedUntil, want)
	}
	sh.s.setClock(time.Date(2026, 5, 11, 7, 0, 0, 0, hcm))
	if got := sh.admin.list(""); got.Items[0].ID == today.ID {
		t.Fatal("the pin outlived the day")
	}
}

// Five rules that trigger each other in a circle make a bounded number of
// writes, and the cut is logged.
func TestRuleCycleIsCut(t *testing.T) {
	sh := newShop(t)
	opts := []string{"1", "2", "3", "4", "5"}
	sh.admin.create("/v1/fields", map[string]any{"key": "stage", "label": "Giai đoạn", "type": "select", "options": opts})
	var ruleIDs []string
	for i, o := range opts {
		next := opts[(i+1)%len(opts)]
		ruleIDs = append(ruleIDs, sh.rule(map[string]any{
			"name": "Vòng " + o, "trigger": map[string]any{"type": "created_or_updated"},
			"conditions": [][]map[string]any{{{"field": "stage", "op": "eq", "value": o}}},
			"actions":    []map[string]any{{"type": "set_field", "field": "stage", "value": next}},
		}))
	}
	cu := sh.admin.createCustomer(map[string]any{"name": "Vòng lặp", "fields": map[string]any{"stage": "1"}})
	sh.drain()
	if n := sh.automationHistory(cu.ID); n != 5 {
		t.Fatalf("%d rule writes, want exactly the chain limit of 5", n)
	}
	var log struct {
		Items []struct {
			RuleID string `json:"rule_id"`
			Cut    bool   `json:"cut"`
		} `json:"items"`
	}
	sh.admin.do("GET", "/v1/customers/"+cu.ID+"/automation-log", nil).ok(200).into(&log)
	cuts := 0
	for _, e := range log.Items {
		if e.Cut {
			cuts++
			if e.RuleID != ruleIDs[0] {
				t.Fatalf("cut logged for rule %s, want the first rule %s", e.RuleID, ruleIDs[0])
			}
		}
	}
	if cuts != 1 {
		t.Fatalf("%d cuts logged, want 1: %+v", cuts, log.Items)
	}
	sh.drain()
	if n := sh.automationHistory(cu.ID); n != 5 {
		t.Fatalf("a second drain made more writes: %d", n)
	}
}

// The same batch of changes handled twice changes nothing the second time.
func TestRedeliveredChangesChangeNothing(t *testing.T) {
	sh := newShop(t)
	sh.rule(map[string]any{
		"name": "Mới → VIP", "trigger": map[string]any{"type": "created"},
		"conditions": [][]map[string]any{},
		"actions":    []map[string]any{{"type": "set_field", "field": "customer_type", "value": "VIP"}, {"type": "pin", "days": 2}},
	})
	var made []customer
	for i := range 5 {
		made = append(made, sh.admin.createCustomer(map[string]any{"name": fmt.Sprintf("Khách %d", i)}))
	}
	batch, err := sh.s.app.DB.Changes(t.Context(), 0, 100)
	if err != nil || len(batch) < 5 {
		t.Fatalf("feed: %d changes, %v", len(batch), err)
	}
	sh.drain()
	versions := map[string]any{}
	for _, c := range made {
		got := sh.customer(c.ID)
		if got["fields"].(map[string]any)["customer_type"] != "VIP" || got["pinned_at"] == nil {
			t.Fatalf("rule not applied: %v", got)
		}
		versions[c.ID] = got["version"]
	}
	again := make([]store.Change, len(batch))
	for i, c := range batch {
		again[i] = store.Change{Type: c.Type, Old: c.Old, New: c.New}
	}
	if _, err := sh.s.app.Changes.HandleBatch(t.Context(), again); err != nil { // delivered again
		t.Fatal(err)
	}
	sh.drain()
	for _, c := range made {
		if got := sh.customer(c.ID)["version"]; got != versions[c.ID] {
			t.Fatalf("redelivery changed %s: version %v → %v", c.ID, versions[c.ID], got)
		}
		if n := sh.automationHistory(c.ID); n != 1 {
			t.Fatalf("%s has %d rule entries after redelivery", c.ID, n)
		}
	}
}

// A daily run killed half-way and restarted processes every customer
// exactly once; a tick delivered twice runs once.
func TestDailyRunSurvivesACrash(t *testing.T) {
	sh := newShop(t)
	sh.s.setClock(time.Date(2026, 7, 1, 6, 0, 0, 0, hcm))
	rule := sh.rule(map[string]any{
		"name": "Đánh dấu VIP hằng ngày", "trigger": map[string]any{"type": "daily", "at": "07:30"},
		"conditions": [][]map[string]any{{{"field": "name", "op": "starts_with", "value": "khach"}}},
		"actions":    []map[string]any{{"type": "set_field", "field": "customer_type", "value": "VIP"}},
	})
	const n = 120
	var made []string
	for i := range n {
		made = append(made, sh.admin.createCustomer(map[string]any{"name": fmt.Sprintf("Khách %03d", i)}).ID)
	}
	other := sh.admin.createCustomer(map[string]any{"name": "Người khác"})
	sh.drain()
	// Every shard's job is killed once, right after its first customer:
	// its second customer's change fails, which stops the job there. 120
	// customers over 16 shards leave some shard with work unfinished.
	var mu sync.Mutex
	written, killed := map[int]int{}, map[int]bool{}
	sh.s.faults.set(func(w faultstore.Write) faultstore.Fault {
		it, ok := w.PutsOf("customer")
		if !ok {
			return faultstore.None
		}
		mu.Lock()
		defer mu.Unlock()
		shard := customers.ShardOf(strings.TrimPrefix(it.PK[strings.LastIndex(it.PK, "#C#"):], "#C#"))
		if written[shard]++; written[shard] == 2 && !killed[shard] {
			killed[shard] = true
			return faultstore.Before
		}
		return faultstore.None
	})
	sh.s.setClock(time.Date(2026, 7, 1, 7, 30, 0, 0, hcm))
	sh.drain()
	vip := 0
	for _, id := range made {
		if sh.customer(id)["fields"].(map[string]any)["customer_type"] == "VIP" {
			vip++
		}
	}
	if vip == 0 || vip == n {
		t.Fatalf("%d of %d changed after the crash: the crash did not stop the run half-way", vip, n)
	}
	sh.s.setClock(time.Date(2026, 7, 1, 7, 31, 0, 0, hcm)) // the job's retry is due
	sh.drain()
	sh.drain() // a repeated tick: starts nothing
	for _, id := range made {
		if got := sh.customer(id)["fields"].(map[string]any)["customer_type"]; got != "VIP" {
			t.Fatalf("%s not processed: %v", id, got)
		}
		if c := sh.automationHistory(id); c != 1 {
			t.Fatalf("%s processed %d times", id, c)
		}
	}
	if _, set := sh.customer(other.ID)["fields"].(map[string]any)["customer_type"]; set {
		t.Fatal("a customer that does not match was changed")
	}
	var runs struct {
		Items []struct {
			Trigger, Status, Date       string
			Evaluated, Matched, Changed int
			Outcomes                    []map[string]any
		} `json:"items"`
	}
	sh.admin.do("GET", "/v1/automations/"+rule+"/runs", nil).ok(200).into(&runs)
	if len(runs.Items) != 1 {
		t.Fatalf("%d runs, want 1", len(runs.Items))
	}
	r := runs.Items[0]
	if r.Status != "done" || r.Date != "2026-07-01" || r.Changed != n || len(r.Outcomes) != 100 {
		t.Fatalf("run = status %s date %s changed %d outcomes %d", r.Status, r.Date, r.Changed, len(r.Outcomes))
	}
	// The next day it runs again.
	sh.s.setClock(time.Date(2026, 7, 2, 7, 45, 0, 0, hcm))
	sh.drain()
	sh.admin.do("GET", "/v1/automations/"+rule+"/runs", nil).ok(200).into(&runs)
	if len(runs.Items) != 2 || runs.Items[0].Changed != 0 {
		t.Fatalf("second day: %d runs, changed %d", len(runs.Items), runs.Items[0].Changed)
	}
}

func TestPreviewWritesNothing(t *testing.T) {
	sh := newShop(t)
	for i := range 3 {
		sh.admin.createCustomer(map[string]any{"name": fmt.Sprintf("Khách %d", i), "tags": []string{"hà nội"}})
	}
	sh.admin.createCustomer(map[string]any{"name": "Sài Gòn"})
	var p struct {
		Matched int `json:"matched"`
		Sample  []struct {
			Name    string
			Changes []struct {
				Field         string
				Before, After any
			}
		} `json:"sample"`
	}
	sh.admin.do("POST", "/v1/automations/preview", map[string]any{
		"trigger":    map[string]any{"type": "daily", "at": "08:00"},
		"conditions": [][]map[string]any{{{"field": "tags", "op": "has_any", "value": []string{"Ha Noi"}}}},
		"actions":    []map[string]any{{"type": "set_field", "field": "customer_type", "value": "VIP"}},
	}).ok(200).into(&p)
	if p.Matched != 3 || len(p.Sample) != 3 || p.Sample[0].Changes[0].Field != "fields.customer_type" || p.Sample[0].Changes[0].After != "VIP" {
		t.Fatalf("preview = %+v", p)
	}
	if got := sh.admin.list("?filter=" + url.QueryEscape(`[[{"field":"customer_type","op":"not_empty"}]]`)); len(got.Items) != 0 {
		t.Fatal("preview wrote")
	}
	var rules struct{ Items []any }
	sh.admin.do("GET", "/v1/automations", nil).ok(200).into(&rules)
	if len(rules.Items) != 0 {
		t.Fatal("preview saved a rule")
	}
}
