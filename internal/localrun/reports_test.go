package localrun_test

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The reports are checked against the test's own count of what it did: a
// tally of events (who, where, which day) and of its customers as they
// are now, kept as the test acts, never read from the counters.

// event is one thing the test did that a report counts.
type event struct {
	kind                                          string // lead, new, enter, care, dup, dist, recl, order
	day                                           string
	user, warehouse, source, pipeline, step, rule string
	amount                                        int64
}

// known is a customer as the test knows it now.
type known struct {
	owner, warehouse, source string
	steps                    map[string]string
	live                     bool
}

// reportsWorld is a workspace with two warehouses, two pipelines, three
// staff, a team with its leader, a warehouse manager, a lead source
// feeding the first warehouse, a round-robin rule and a reclaim rule, and
// three days of work on it.
type reportsWorld struct {
	*funnel
	leader, manager *client
	users           map[string]*client // by user id
	team, w2, p2    string
	p1Steps         []string
	p2Steps         []string
	rr, reclaim     string
	events          []event
	known           map[string]*known
	leads           []string
	days            []string
}

func (w *reportsWorld) day() string { return w.s.app.Clock.Now().In(hcm).Format("2006-01-02") }

func (w *reportsWorld) add(e event) {
	if e.day == "" {
		e.day = w.day()
	}
	w.events = append(w.events, e)
}

// created records a new customer: a lead, new to its owner, entering its
// steps.
func (w *reportsWorld) created(id string, k *known) {
	k.live = true
	w.known[id] = k
	w.add(event{kind: "lead", user: k.owner, warehouse: k.warehouse, source: k.source})
	if k.owner != "" {
		w.add(event{kind: "new", user: k.owner, warehouse: k.warehouse, source: k.source})
	}
	for p, st := range k.steps {
		w.add(event{kind: "enter", user: k.owner, warehouse: k.warehouse, source: k.source, pipeline: p, step: st})
	}
}

func (w *reportsWorld) create(by *client, body map[string]any) string {
	w.t().Helper()
	cu := by.createCustomer(body)
	src, _ := body["source"].(string)
	w.created(cu.ID, &known{owner: cu.OwnerID, warehouse: cu.WarehouseID, source: src, steps: maps.Clone(cu.Pipelines)})
	return cu.ID
}

func (w *reportsWorld) t() testing.TB { return w.s.t }

// moveTo moves a customer to a step, as by.
func (w *reportsWorld) moveTo(by *client, id, pipeline, step string) {
	by.do("POST", "/v1/customers/"+id+"/step", map[string]any{"pipeline_id": pipeline, "step_id": step}).ok(200)
	k := w.known[id]
	k.steps[pipeline] = step
	w.add(event{kind: "enter", user: k.owner, warehouse: k.warehouse, source: k.source, pipeline: pipeline, step: step})
}

// care records a care action of by on a customer.
func (w *reportsWorld) care(by *client, id, what string) {
	bodies := map[string]any{
		"notes":        map[string]any{"body": "Đã tư vấn"},
		"calls":        map[string]any{"direction": "outbound", "phone": "0912345678", "duration": "3m"},
		"activities":   map[string]any{"name": "Gửi báo giá", "type": "other"},
		"appointments": map[string]any{"at": w.s.app.Clock.Now().Add(48 * time.Hour), "title": "Gặp khách"},
	}
	by.do("POST", "/v1/customers/"+id+"/"+what, bodies[what]).ok(201)
	w.add(event{kind: "care", user: by.userID, warehouse: w.known[id].warehouse})
}

// order saves an order for a customer and records its sale when
// completed, on the day it was ordered.
func (w *reportsWorld) order(id string, amount int64, status string) string {
	var o struct {
		ID string `json:"id"`
	}
	w.admin.do("POST", "/v1/orders", map[string]any{"customer_id": id, "amount": amount, "status": status}).ok(201).into(&o)
	if status == "completed" {
		k := w.known[id]
		w.add(event{kind: "order", user: k.owner, warehouse: k.warehouse, source: k.source, amount: amount})
	}
	return o.ID
}

// owners reads the owners of the customers and records what distribution
// did since they were last read: a rule's assignment, and for the reclaim
// rule the owner it took the customer from.
func (w *reportsWorld) distributed(ids []string, rule string) {
	for _, id := range ids {
		k := w.known[id]
		if !k.live {
			continue
		}
		now := w.owner(id)
		if now == k.owner {
			continue
		}
		if rule == w.reclaim {
			w.add(event{kind: "recl", rule: rule, user: k.owner, warehouse: k.warehouse})
		}
		k.owner = now
		w.add(event{kind: "dist", rule: rule, user: now, warehouse: k.warehouse})
		w.add(event{kind: "new", user: now, warehouse: k.warehouse, source: k.source})
	}
}

var (
	day1 = time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC) // 09:00 in Hanoi
	day2 = time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)
	day3 = time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC) // 50 hours after day 1
)

// newReportsWorld sets the workspace up and does three days of work on it.
func newReportsWorld(t testing.TB, s *system) *reportsWorld {
	t.Helper()
	s.setClock(day1)
	w := &reportsWorld{funnel: newFunnelOn(t, s), known: map[string]*known{}, users: map[string]*client{},
		days: []string{"2026-11-25", "2026-11-26", "2026-11-27"}}
	admin := w.admin
	w.users[admin.userID] = admin
	for _, c := range w.staff {
		w.users[c.userID] = c
	}
	an, binh, chi := w.staff[0], w.staff[1], w.staff[2]
	w.leader = admin.user("Trưởng nhóm Lan", "team_leader")
	w.manager = admin.user("Quản lý kho Minh", "warehouse_manager")
	w.users[w.leader.userID], w.users[w.manager.userID] = w.leader, w.manager
	w.team = admin.create("/v1/teams", map[string]any{"name": "Nhóm bán hàng", "leader_id": w.leader.userID, "member_ids": []string{an.userID, binh.userID}})
	w.w2 = admin.create("/v1/warehouses", map[string]any{"name": "Cửa hàng", "manager_ids": []string{w.manager.userID}})
	type pipeline struct {
		ID    string
		Steps []struct{ ID string }
	}
	var p1, p2 pipeline
	admin.do("GET", "/v1/pipelines/"+w.pipeline, nil).ok(200).into(&p1)
	s.setClock(day1.Add(time.Second)) // the second pipeline is the newer
	admin.do("POST", "/v1/pipelines", map[string]any{"name": "Chăm sóc", "steps": []map[string]string{{"name": "Quan tâm"}, {"name": "Báo giá"}, {"name": "Chốt"}}}).ok(201).into(&p2)
	for _, st := range p1.Steps {
		w.p1Steps = append(w.p1Steps, st.ID)
	}
	w.p2 = p2.ID
	for _, st := range p2.Steps {
		w.p2Steps = append(w.p2Steps, st.ID)
	}
	staff := []map[string]any{{"user_id": an.userID}, {"user_id": binh.userID}, {"user_id": chi.userID}}
	w.rr = w.rule(map[string]any{"name": "Xoay vòng", "type": "round_robin", "delay": "0s", "staff": staff})
	w.reclaim = w.rule(map[string]any{"name": "Thu hồi 48h", "type": "reclaim", "reclaim_after": "48h", "then": "round_robin", "staff": staff})

	// Day 1: six leads, given out in turn; one comes again.
	for i := range 6 {
		s.setClock(s.app.Clock.Now().Add(time.Second))
		id := w.lead(i)
		w.leads = append(w.leads, id)
		w.created(id, &known{warehouse: w.wh, source: "Landing page", steps: map[string]string{w.pipeline: w.step}})
	}
	w.drain()
	w.distributed(w.leads, w.rr)
	s.setClock(s.app.Clock.Now().Add(time.Minute))
	w.post("/hooks/leads/"+w.source, map[string]any{"full_name": "Lead 000", "contact": map[string]any{"phone": "0912000000"}}, "").ok(202)
	c0 := w.known[w.leads[0]]
	w.add(event{kind: "dup", user: c0.owner, warehouse: c0.warehouse, source: "Landing page"})
	// Customers of the shop, by hand.
	inShop := func(name, owner, source string) map[string]any {
		b := map[string]any{"name": name, "warehouse_id": w.w2, "source": source, "pipelines": map[string]string{w.p2: w.p2Steps[0]}}
		if owner != "" {
			b["owner_id"] = owner
		}
		return b
	}
	cA := w.create(admin, inShop("Khách của An", an.userID, "Cửa hàng"))
	cC := w.create(admin, inShop("Khách của Chi", chi.userID, "Cửa hàng"))
	cU := w.create(admin, inShop("Khách vãng lai", "", "Cửa hàng"))
	w.create(an, inShop("Bạn của An", "", "Giới thiệu"))
	w.care(w.users[w.owner(w.leads[0])], w.leads[0], "notes")
	w.care(w.users[w.owner(w.leads[1])], w.leads[1], "calls")
	w.care(an, cA, "activities")
	w.care(admin, cU, "notes")
	w.moveTo(w.users[w.owner(w.leads[0])], w.leads[0], w.pipeline, w.p1Steps[1])
	w.moveTo(an, cA, w.p2, w.p2Steps[1])
	w.order(w.leads[0], 1_500_000, "completed")
	pending := w.order(cC, 2_000_000, "new")
	w.drain()

	// Day 2.
	s.setClock(day2)
	admin.do("PATCH", "/v1/orders/"+pending, map[string]any{"status": "completed"}).ok(200)
	k := w.known[cC]
	w.add(event{kind: "order", day: w.days[0], user: k.owner, warehouse: k.warehouse, source: k.source, amount: 2_000_000})
	admin.do("PATCH", "/v1/customers/"+cU, map[string]any{"owner_id": binh.userID}).ok(200)
	w.known[cU].owner = binh.userID
	w.add(event{kind: "new", user: binh.userID, warehouse: w.w2, source: "Cửa hàng"})
	w.moveTo(w.users[w.owner(w.leads[1])], w.leads[1], w.pipeline, w.p1Steps[1])
	w.moveTo(admin, w.leads[1], w.p2, w.p2Steps[0])
	w.care(w.users[w.owner(w.leads[2])], w.leads[2], "notes")
	w.care(w.users[w.owner(w.leads[4])], w.leads[4], "appointments")
	admin.do("DELETE", "/v1/customers/"+w.leads[5], nil).ok(204)
	w.known[w.leads[5]].live = false
	w.order(w.leads[3], 700_000, "completed")
	gone := w.order(cA, 900_000, "completed")
	admin.do("DELETE", "/v1/orders/"+gone, nil).ok(204)
	w.events = w.events[:len(w.events)-1] // a deleted order counts for nothing
	w.drain()

	// Day 3: the leads nobody cared for in 48 hours are taken back.
	s.setClock(day3)
	w.drain()
	w.distributed(w.leads, w.reclaim)
	return w
}

// sees is what a caller may see of a figure of a user in a warehouse.
type sees func(user, warehouse string) bool

func all(string, string) bool { return true }

func (w *reportsWorld) seesOf(c *client) sees {
	switch c {
	case w.admin:
		return all
	case w.leader:
		team := map[string]bool{w.leader.userID: true, w.staff[0].userID: true, w.staff[1].userID: true}
		return func(u, _ string) bool { return team[u] }
	case w.manager:
		return func(u, wh string) bool { return u == w.manager.userID || wh == w.w2 }
	}
	return func(u, _ string) bool { return u == c.userID }
}

// counted are the events of a kind in a period that a caller sees.
func (w *reportsWorld) counted(kind, from, to string, see sees) []event {
	var out []event
	for _, e := range w.events {
		if e.kind == kind && e.day >= from && e.day <= to && see(e.user, e.warehouse) {
			out = append(out, e)
		}
	}
	return out
}

// ownerFigures is a row of the report per staff member.
type ownerFigures struct {
	Owned, New, Cared, Orders, Revenue int64
}

type ownersReport struct {
	From, To string
	Rows     []struct {
		UserID   string `json:"user_id"`
		UserName string `json:"user_name"`
		ownerFigures
	}
	Totals ownerFigures
}

func (w *reportsWorld) wantOwners(from, to string, see sees) map[string]ownerFigures {
	want := map[string]ownerFigures{}
	bump := func(u string, f func(*ownerFigures)) {
		if u == "" {
			return
		}
		v := want[u]
		f(&v)
		want[u] = v
	}
	for _, k := range w.known {
		if k.live && see(k.owner, k.warehouse) {
			bump(k.owner, func(f *ownerFigures) { f.Owned++ })
		}
	}
	for _, e := range w.counted("new", from, to, see) {
		bump(e.user, func(f *ownerFigures) { f.New++ })
	}
	for _, e := range w.counted("care", from, to, see) {
		bump(e.user, func(f *ownerFigures) { f.Cared++ })
	}
	for _, e := range w.counted("order", from, to, see) {
		bump(e.user, func(f *ownerFigures) { f.Orders++; f.Revenue += e.amount })
	}
	return want
}

func (w *reportsWorld) checkOwners(t *testing.T, c *client, query string, want map[string]ownerFigures) ownersReport {
	t.Helper()
	var got ownersReport
	c.do("GET", "/v1/reports/owners"+query, nil).ok(200).into(&got)
	gotBy := map[string]ownerFigures{}
	var total ownerFigures
	for _, r := range got.Rows {
		if r.UserName != w.name(r.UserID) {
			t.Errorf("owners%s: row %s named %q, want %q", query, r.UserID, r.UserName, w.name(r.UserID))
		}
		gotBy[r.UserID] = r.ownerFigures
		total = ownerFigures{total.Owned + r.Owned, total.New + r.New, total.Cared + r.Cared, total.Orders + r.Orders, total.Revenue + r.Revenue}
	}
	for u := range w.users {
		if gotBy[u] != want[u] {
			t.Errorf("owners%s as %s: %s = %+v, want %+v", query, w.name(c.userID), w.name(u), gotBy[u], want[u])
		}
	}
	if got.Totals != total {
		t.Errorf("owners%s: totals %+v, want the rows' sum %+v", query, got.Totals, total)
	}
	return got
}

func (w *reportsWorld) name(id string) string {
	var u struct {
		Name string `json:"name"`
	}
	w.admin.do("GET", "/v1/users/"+id, nil).ok(200).into(&u)
	return u.Name
}

type funnelReport struct {
	PipelineID string `json:"pipeline_id"`
	Rows       []struct {
		StepID     string   `json:"step_id"`
		StepName   string   `json:"step_name"`
		Now        int64    `json:"now"`
		Entered    int64    `json:"entered"`
		Conversion *float64 `json:"conversion"`
	}
	Totals struct{ Now, Entered int64 }
}

func (w *reportsWorld) checkFunnel(t *testing.T, c *client, pipeline string, steps []string, from, to string) funnelReport {
	t.Helper()
	see := w.seesOf(c)
	var got funnelReport
	c.do("GET", "/v1/reports/funnel?pipeline_id="+pipeline+"&from="+from+"&to="+to, nil).ok(200).into(&got)
	if len(got.Rows) != len(steps) {
		t.Fatalf("funnel %s: %d rows, want one per step (%d)", pipeline, len(got.Rows), len(steps))
	}
	entered := map[string]int64{}
	for _, e := range w.counted("enter", from, to, see) {
		if e.pipeline == pipeline {
			entered[e.step]++
		}
	}
	for i, r := range got.Rows {
		var now int64
		for _, k := range w.known {
			if k.live && k.steps[pipeline] == steps[i] && see(k.owner, k.warehouse) {
				now++
			}
		}
		if r.StepID != steps[i] || r.Now != now || r.Entered != entered[steps[i]] {
			t.Errorf("funnel %s as %s, step %d: %+v, want %s now %d entered %d", pipeline, w.name(c.userID), i, r, steps[i], now, entered[steps[i]])
		}
		var conv *float64
		if i+1 < len(steps) && entered[steps[i]] > 0 {
			v := math.Round(float64(entered[steps[i+1]])/float64(entered[steps[i]])*10000) / 10000
			conv = &v
		}
		if (conv == nil) != (r.Conversion == nil) || conv != nil && *conv != *r.Conversion {
			t.Errorf("funnel %s step %d: conversion %v, want %v", pipeline, i, deref(r.Conversion), deref(conv))
		}
	}
	return got
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

type sourceFigures struct {
	Leads, Duplicates, Returning, Assigned, Converted, Revenue int64
}

type sourcesReport struct {
	ConvertedStepID string `json:"converted_step_id"`
	Rows            []struct {
		Source        string `json:"source"`
		WarehouseID   string `json:"warehouse_id"`
		WarehouseName string `json:"warehouse_name"`
		sourceFigures
	}
	Totals sourceFigures
}

func (w *reportsWorld) checkSources(t *testing.T, c *client, query, pipeline, converted, from, to string) sourcesReport {
	t.Helper()
	see := w.seesOf(c)
	want := map[[2]string]sourceFigures{}
	bump := func(e event, f func(*sourceFigures)) {
		k := [2]string{e.source, e.warehouse}
		v := want[k]
		f(&v)
		want[k] = v
	}
	for _, e := range w.counted("lead", from, to, see) {
		bump(e, func(f *sourceFigures) { f.Leads++ })
	}
	for _, e := range w.counted("dup", from, to, see) {
		// A lead repeating a customer is that customer returning.
		bump(e, func(f *sourceFigures) { f.Duplicates++; f.Returning++ })
	}
	for _, e := range w.counted("new", from, to, see) {
		bump(e, func(f *sourceFigures) { f.Assigned++ })
	}
	for _, e := range w.counted("enter", from, to, see) {
		if e.pipeline == pipeline && e.step == converted {
			bump(e, func(f *sourceFigures) { f.Converted++ })
		}
	}
	for _, e := range w.counted("order", from, to, see) {
		bump(e, func(f *sourceFigures) { f.Revenue += e.amount })
	}
	var got sourcesReport
	c.do("GET", "/v1/reports/sources?from="+from+"&to="+to+query, nil).ok(200).into(&got)
	if got.ConvertedStepID != converted {
		t.Errorf("sources%s: converted step %s, want %s", query, got.ConvertedStepID, converted)
	}
	gotBy := map[[2]string]sourceFigures{}
	for _, r := range got.Rows {
		gotBy[[2]string{r.Source, r.WarehouseID}] = r.sourceFigures
	}
	if !maps.Equal(gotBy, want) {
		t.Errorf("sources%s as %s:\n got %+v\nwant %+v", query, w.name(c.userID), gotBy, want)
	}
	return got
}

type distributionReport struct {
	Rows []struct {
		RuleID      string   `json:"rule_id"`
		RuleName    string   `json:"rule_name"`
		UserID      string   `json:"user_id"`
		Assigned    int64    `json:"assigned"`
		Reclaimed   int64    `json:"reclaimed"`
		TargetShare float64  `json:"target_share"`
		ActualShare *float64 `json:"actual_share"`
	}
	Totals struct{ Assigned, Reclaimed int64 }
}

func (w *reportsWorld) checkDistribution(t *testing.T, c *client, from, to string) distributionReport {
	t.Helper()
	see := w.seesOf(c)
	type key struct{ rule, user string }
	assigned, reclaimed, ruleTotal := map[key]int64{}, map[key]int64{}, map[string]int64{}
	for _, e := range w.counted("dist", from, to, all) {
		ruleTotal[e.rule]++
		if see(e.user, e.warehouse) {
			assigned[key{e.rule, e.user}]++
		}
	}
	for _, e := range w.counted("recl", from, to, see) {
		reclaimed[key{e.rule, e.user}]++
	}
	var got distributionReport
	c.do("GET", "/v1/reports/distribution?from="+from+"&to="+to, nil).ok(200).into(&got)
	seen := map[key]bool{}
	for _, r := range got.Rows {
		k := key{r.RuleID, r.UserID}
		seen[k] = true
		if !see(r.UserID, "") && assigned[k] == 0 && reclaimed[k] == 0 {
			t.Errorf("distribution as %s: a row of %s, whom they may not see", w.name(c.userID), w.name(r.UserID))
		}
		if r.Assigned != assigned[k] || r.Reclaimed != reclaimed[k] {
			t.Errorf("distribution as %s: %s/%s assigned %d reclaimed %d, want %d and %d", w.name(c.userID), r.RuleName, w.name(r.UserID),
				r.Assigned, r.Reclaimed, assigned[k], reclaimed[k])
		}
		if r.TargetShare != 0.3333 {
			t.Errorf("distribution: %s/%s target share %v, want 1/3 to 4 decimals", r.RuleName, r.UserID, r.TargetShare)
		}
		var share *float64
		if ruleTotal[r.RuleID] > 0 {
			v := math.Round(float64(assigned[k])/float64(ruleTotal[r.RuleID])*10000) / 10000
			share = &v
		}
		if (share == nil) != (r.ActualShare == nil) || share != nil && *share != *r.ActualShare {
			t.Errorf("distribution: %s/%s actual share %v, want %v", r.RuleName, r.UserID, deref(r.ActualShare), deref(share))
		}
	}
	for k, n := range assigned {
		if n > 0 && !seen[k] {
			t.Errorf("distribution as %s: no row for %v (assigned %d)", w.name(c.userID), k, n)
		}
	}
	for k, n := range reclaimed {
		if n > 0 && !seen[k] {
			t.Errorf("distribution as %s: no row for %v (reclaimed %d)", w.name(c.userID), k, n)
		}
	}
	return got
}

// TestReports checks every report's figures against the test's own count
// of what it did over three days, for each role and filter, and their
// spreadsheets against their JSON.
func TestReports(t *testing.T) {
	s := start(t, false)
	w := newReportsWorld(t, s)
	from, to := w.days[0], w.days[2]
	if len(w.counted("recl", from, to, all)) == 0 || len(w.counted("dup", from, to, all)) == 0 {
		t.Fatalf("the scenario reclaimed or repeated nothing: %+v", w.events)
	}
	period := "?from=" + from + "&to=" + to
	an, binh := w.staff[0], w.staff[1]

	t.Run("figures for each role", func(t *testing.T) {
		for _, c := range []*client{w.admin, an, w.leader, w.manager} {
			got := w.checkOwners(t, c, period, w.wantOwners(from, to, w.seesOf(c)))
			if c == an && (len(got.Rows) != 1 || got.Rows[0].UserID != an.userID) {
				t.Errorf("a staff member's report has rows %+v, want theirs alone", got.Rows)
			}
			w.checkFunnel(t, c, w.pipeline, w.p1Steps, from, to)
			w.checkFunnel(t, c, w.p2, w.p2Steps, from, to)
			w.checkSources(t, c, "", w.pipeline, w.p1Steps[1], from, to)
			w.checkDistribution(t, c, from, to)
		}
	})
	t.Run("periods and filters", func(t *testing.T) {
		d2 := w.days[1]
		w.checkOwners(t, w.admin, "?from="+d2+"&to="+d2, w.wantOwners(d2, d2, all))
		w.checkSources(t, w.admin, "&pipeline_id="+w.p2+"&converted_step_id="+w.p2Steps[1], w.p2, w.p2Steps[1], d2, d2)
		w.checkFunnel(t, w.admin, w.p2, w.p2Steps, w.days[0], w.days[0])
		inShop := func(_, wh string) bool { return wh == w.w2 }
		w.checkOwners(t, w.admin, period+"&warehouse_id="+w.w2, w.wantOwners(from, to, inShop))
		team := w.seesOf(w.leader)
		w.checkOwners(t, w.admin, period+"&team_id="+w.team, w.wantOwners(from, to, team))
		onlyBinh := func(u, _ string) bool { return u == binh.userID }
		w.checkOwners(t, w.admin, period+"&owner_id="+binh.userID, w.wantOwners(from, to, onlyBinh))
		// Without a pipeline, the funnel is the oldest pipeline's.
		var def funnelReport
		w.admin.do("GET", "/v1/reports/funnel"+period, nil).ok(200).into(&def)
		if def.PipelineID != w.pipeline {
			t.Errorf("funnel without pipeline_id is of %s, want the oldest pipeline %s", def.PipelineID, w.pipeline)
		}
		// A filter outside the caller's reach narrows to nothing.
		got := w.checkOwners(t, an, period+"&owner_id="+binh.userID, map[string]ownerFigures{})
		if len(got.Rows) != 0 {
			t.Errorf("a staff member filtering on someone else got rows %+v", got.Rows)
		}
		// The default period is the last 30 days, today included.
		var last30 ownersReport
		w.admin.do("GET", "/v1/reports/owners", nil).ok(200).into(&last30)
		if last30.From != "2026-10-29" || last30.To != to {
			t.Errorf("default period %s..%s, want 2026-10-29..%s", last30.From, last30.To, to)
		}
	})
	t.Run("refused parameters", func(t *testing.T) {
		for _, tc := range []struct {
			query, path, code, vi, en string
		}{
			{"/v1/reports/owners?from=2026-02-30", "from", "invalid_date", "Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD)."},
			{"/v1/reports/owners?from=2026-11-27&to=2026-11-25", "from", "range_reversed",
				"Giá trị đầu phải nhỏ hơn hoặc bằng giá trị sau.", "The first value must not be greater than the second."},
			{"/v1/reports/sources?from=2025-01-01&to=2026-11-27", "to", "range_too_long",
				"Khoảng thời gian dài nhất là 366 ngày.", "The period can be at most 366 days long."},
			{"/v1/reports/funnel?pipeline_id=pl_nope", "pipeline_id", "unknown_pipeline",
				"Không có quy trình \"pl_nope\".", "There is no pipeline \"pl_nope\"."},
			{"/v1/reports/owners?team_id=team_nope", "team_id", "unknown_team", "", ""},
			{"/v1/reports/distribution?format=pdf", "format", "invalid_value", "", ""},
		} {
			for lang, msg := range map[string]string{"vi": tc.vi, "en": tc.en} {
				p := w.admin.with("Accept-Language", lang).do("GET", tc.query, nil).problem(422)
				hasError(t, p, tc.path, tc.code)
				if msg != "" && p.Errors[0].Message != msg {
					t.Errorf("%s in %s: message %q, want %q", tc.query, lang, p.Errors[0].Message, msg)
				}
			}
		}
	})
	t.Run("spreadsheets", func(t *testing.T) {
		owners := w.checkOwners(t, w.admin, period, w.wantOwners(from, to, all))
		var want [][]string
		for _, r := range owners.Rows {
			want = append(want, []string{r.UserID, r.UserName, itoa(r.Owned), itoa(r.New), itoa(r.Cared), itoa(r.Orders), itoa(r.Revenue)})
		}
		tt := owners.Totals
		want = append(want, []string{"", "Tổng", itoa(tt.Owned), itoa(tt.New), itoa(tt.Cared), itoa(tt.Orders), itoa(tt.Revenue)})
		checkSheet(t, w.admin, "/v1/reports/owners"+period, "owners", from, to, "Nhân viên",
			[]string{"Mã nhân viên", "Nhân viên", "Khách hàng đang phụ trách", "Khách hàng mới", "Lượt chăm sóc", "Đơn hàng hoàn thành", "Doanh thu"}, want)

		fn := w.checkFunnel(t, w.admin, w.pipeline, w.p1Steps, from, to)
		want = nil
		for _, r := range fn.Rows {
			conv := ""
			if r.Conversion != nil {
				conv = fmt.Sprint(*r.Conversion)
			}
			want = append(want, []string{r.StepID, r.StepName, itoa(r.Now), itoa(r.Entered), conv})
		}
		want = append(want, []string{"", "Tổng", itoa(fn.Totals.Now), itoa(fn.Totals.Entered)})
		checkSheet(t, w.admin, "/v1/reports/funnel"+period+"&pipeline_id="+w.pipeline, "funnel", from, to, "Phễu",
			[]string{"Mã bước", "Bước", "Khách hàng hiện tại", "Vào bước trong kỳ", "Tỷ lệ chuyển đổi"}, want)

		src := w.checkSources(t, w.admin, "", w.pipeline, w.p1Steps[1], from, to)
		want = nil
		for _, r := range src.Rows {
			want = append(want, []string{r.Source, r.WarehouseID, r.WarehouseName, itoa(r.Leads), itoa(r.Duplicates), itoa(r.Returning), itoa(r.Assigned), itoa(r.Converted), itoa(r.Revenue)})
		}
		st := src.Totals
		want = append(want, []string{"Tổng", "", "", itoa(st.Leads), itoa(st.Duplicates), itoa(st.Returning), itoa(st.Assigned), itoa(st.Converted), itoa(st.Revenue)})
		checkSheet(t, w.admin, "/v1/reports/sources"+period, "sources", from, to, "Nguồn",
			[]string{"Nguồn", "Mã kho", "Kho", "Khách hàng mới", "Trùng lặp", "Khách hàng cũ", "Đã giao", "Chuyển đổi", "Doanh thu"}, want)

		dist := w.checkDistribution(t, w.admin, from, to)
		want = nil
		for _, r := range dist.Rows {
			share := ""
			if r.ActualShare != nil {
				share = fmt.Sprint(*r.ActualShare)
			}
			want = append(want, []string{r.RuleID, r.RuleName, r.UserID, w.name(r.UserID), itoa(r.Assigned), itoa(r.Reclaimed), fmt.Sprint(r.TargetShare), share})
		}
		want = append(want, []string{"", "Tổng", "", "", itoa(dist.Totals.Assigned), itoa(dist.Totals.Reclaimed)})
		checkSheet(t, w.admin, "/v1/reports/distribution"+period, "distribution", from, to, "Chia cơ hội",
			[]string{"Mã quy tắc", "Quy tắc", "Mã nhân viên", "Nhân viên", "Được giao", "Bị thu hồi", "Tỷ trọng mục tiêu", "Tỷ trọng thực tế"}, want)
	})
}

func itoa(n int64) string { return fmt.Sprint(n) }

// checkSheet fetches a report as a spreadsheet and checks its file name,
// its sheet's Vietnamese headers and its rows (as excelize reads them).
func checkSheet(t *testing.T, c *client, path, name, from, to, sheet string, headers []string, rows [][]string) {
	t.Helper()
	r := c.do("GET", path+"&format=xlsx", nil).ok(200)
	if cd, want := r.Header.Get("Content-Disposition"), fmt.Sprintf(`attachment; filename="bao-cao-%s-%s-%s.xlsx"`, name, from, to); cd != want {
		t.Errorf("%s: Content-Disposition %q, want %q", name, cd, want)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("%s: the spreadsheet does not open: %v", name, err)
	}
	defer f.Close()
	got, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("%s: sheet %q: %v (sheets: %v)", name, sheet, err, f.GetSheetList())
	}
	want := [][]string{headers}
	for _, r := range rows {
		// excelize leaves out a row's empty cells at its end.
		for len(r) > 0 && r[len(r)-1] == "" {
			r = r[:len(r)-1]
		}
		want = append(want, r)
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("%s spreadsheet:\n got %q\nwant %q", name, got, want)
	}
}
