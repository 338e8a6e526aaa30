package localrun_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"testing"
	"time"

	"tend/internal/leads"
)

// funnel is a workspace with a warehouse, a pipeline, three staff and a
// lead source feeding the warehouse's first step.
type funnel struct {
	s                  *system
	admin              *client
	wh, pipeline, step string
	staff              []*client
	source, secret     string
}

func newFunnel(t testing.TB) *funnel { return newFunnelOn(t, start(t, false)) }

// newFunnelOn sets the funnel up on a running system.
func newFunnelOn(t testing.TB, s *system) *funnel {
	admin, _ := s.workspace("Chia lead")
	f := &funnel{s: s, admin: admin}
	f.wh = admin.create("/v1/warehouses", map[string]any{"name": "Facebook Ads"})
	var pl struct {
		ID    string `json:"id"`
		Steps []struct{ ID string }
	}
	admin.do("POST", "/v1/pipelines", map[string]any{"name": "Bán hàng", "steps": []map[string]string{{"name": "Mới"}, {"name": "Tư vấn"}}}).ok(201).into(&pl)
	f.pipeline, f.step = pl.ID, pl.Steps[0].ID
	for _, n := range []string{"An", "Bình", "Chi"} {
		f.staff = append(f.staff, admin.user("Nhân viên "+n, "staff"))
	}
	admin.create("/v1/fields", map[string]any{"key": "budget", "label": "Ngân sách", "type": "money"})
	var src struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	admin.do("POST", "/v1/lead-sources", map[string]any{"name": "Landing page", "warehouse_id": f.wh, "pipeline_id": f.pipeline, "step_id": f.step,
		"mapping": map[string]string{"name": "$.full_name", "phone": "$.contact.phone", "email": "$.email", "fields.budget": "$.budget"}}).ok(201).into(&src)
	f.source, f.secret = src.ID, src.Secret
	return f
}

// post sends a signed lead, with an idempotency key when key is set.
func (f *funnel) post(path string, body any, key string) *reply {
	raw, _ := json.Marshal(body)
	return f.postRaw(path, raw, f.secret, f.s.app.Clock.Now(), key)
}

func (f *funnel) postRaw(path string, raw []byte, secret string, at time.Time, key string) *reply {
	ts := strconv.FormatInt(at.Unix(), 10)
	c := f.s.anon().with("X-Tend-Timestamp", ts).with("X-Tend-Signature", leads.Sign(secret, ts, raw))
	if key != "" {
		c = c.with("Idempotency-Key", key)
	}
	return c.do("POST", path, raw)
}

func (f *funnel) lead(i int) string {
	out := f.s.taken(f.admin, f.post("/hooks/leads/"+f.source, map[string]any{"full_name": fmt.Sprintf("Lead %03d", i), "contact": map[string]any{"phone": fmt.Sprintf("0912%06d", i)}}, ""))
	if out.Status != "created" {
		f.s.t.Fatalf("lead %d: %+v, want created", i, out)
	}
	return out.CustomerID
}

func (f *funnel) rule(body map[string]any) string {
	body["warehouse_id"], body["pipeline_id"], body["step_id"] = f.wh, f.pipeline, f.step
	return f.admin.create("/v1/distribution-rules", body)
}

func (f *funnel) drain() { f.s.anon().do("POST", "/dev/drain", nil).ok(200) }

func (f *funnel) owner(id string) string {
	return f.admin.customer(id).OwnerID
}

func (c *client) customer(id string) customer {
	var cu customer
	c.do("GET", "/v1/customers/"+id, nil).ok(200).into(&cu)
	return cu
}

type stats struct {
	Assigned int64 `json:"assigned"`
	Waiting  int   `json:"waiting"`
	Staff    []struct {
		UserID      string  `json:"user_id"`
		Assigned    int64   `json:"assigned"`
		TargetShare float64 `json:"target_share"`
	} `json:"staff"`
}

func (f *funnel) stats(rule string) stats {
	var st stats
	f.admin.do("GET", "/v1/distribution-rules/"+rule+"/stats", nil).ok(200).into(&st)
	return st
}

// assigned lists who got each customer, in the order of the rule's
// rotation.
func (f *funnel) assigned(rule string) (users, customers []string) {
	cursor := ""
	for {
		var page struct {
			Items []struct {
				UserID     string `json:"user_id"`
				CustomerID string `json:"customer_id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		q := "/v1/distribution-rules/" + rule + "/assignments?limit=500"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		f.admin.do("GET", q, nil).ok(200).into(&page)
		for _, a := range page.Items {
			users, customers = append(users, a.UserID), append(customers, a.CustomerID)
		}
		if page.NextCursor == "" {
			return users, customers
		}
		cursor = page.NextCursor
	}
}

// leadsInOrder posts n leads, one second apart on the runner's clock, so
// that the queue hands them out in the order they came.
func (f *funnel) leadsInOrder(from, n int) []string {
	var ids []string
	for i := from; i < from+n; i++ {
		f.s.setClock(f.s.app.Clock.Now().Add(time.Second))
		ids = append(ids, f.lead(i))
	}
	return ids
}

// checkSmooth fails unless, at every prefix of the owners, each staff
// member is within one assignment of their exact share.
func checkSmooth(t *testing.T, owners []string, weights map[string]int) {
	t.Helper()
	total := 0
	for _, w := range weights {
		total += w
	}
	got := map[string]int{}
	for n, o := range owners {
		got[o]++
		for u, w := range weights {
			if ideal := float64(n+1) * float64(w) / float64(total); math.Abs(float64(got[u])-ideal) >= 1 {
				t.Fatalf("after %d leads %s has %d, ideal %.2f", n+1, u, got[u], ideal)
			}
		}
	}
}

func TestWeightedDistribution(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
	rule := f.rule(map[string]any{"name": "Chia lead Facebook", "type": "weighted", "delay": "0s",
		"staff": []map[string]any{{"user_id": f.staff[0].userID, "weight": 3}, {"user_id": f.staff[1].userID, "weight": 4}, {"user_id": f.staff[2].userID, "weight": 5}}})
	ids := f.leadsInOrder(0, 120)
	f.drain()
	owners, customers := f.assigned(rule)
	if len(owners) != 120 {
		t.Fatalf("%d assignments, want 120", len(owners))
	}
	for i, id := range customers {
		if got := f.owner(id); got != owners[i] {
			t.Fatalf("assignment %d: customer %s is owned by %s, the log says %s", i, id, got, owners[i])
		}
	}
	weights := map[string]int{f.staff[0].userID: 3, f.staff[1].userID: 4, f.staff[2].userID: 5}
	checkSmooth(t, owners, weights)
	st := f.stats(rule)
	if st.Assigned != 120 || st.Staff[0].Assigned != 30 || st.Staff[1].Assigned != 40 || st.Staff[2].Assigned != 50 {
		t.Fatalf("stats = %+v, want 30/40/50", st)
	}
	if st.Staff[0].TargetShare != 0.25 {
		t.Fatalf("target share = %v, want 0.25", st.Staff[0].TargetShare)
	}
	// The new owner is told, and the history names the rule.
	var inbox struct {
		Items []struct {
			Kind, CustomerID, Title string
		} `json:"items"`
	}
	f.staff[2].do("GET", "/v1/notifications?limit=500", nil).ok(200).into(&inbox)
	if len(inbox.Items) != 50 || inbox.Items[0].Kind != "customer_assigned" || inbox.Items[0].Title != "Khách hàng mới được giao" {
		t.Fatalf("staff C has %d notifications (%+v)", len(inbox.Items), inbox.Items[:1])
	}
	var hist struct {
		Items []struct {
			Actor struct{ Kind, ID string } `json:"actor"`
		} `json:"items"`
	}
	f.admin.do("GET", "/v1/customers/"+ids[0]+"/history", nil).ok(200).into(&hist)
	if hist.Items[0].Actor.Kind != "distribution" || hist.Items[0].Actor.ID != rule {
		t.Fatalf("history = %+v", hist.Items)
	}
}

// Round robin gives 40/40/40 in strict rotation; a staff member
// deactivated mid-way is skipped and the others share the rest.
func TestRoundRobinAndDeactivation(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
	rule := f.rule(map[string]any{"name": "Xoay vòng", "type": "round_robin", "delay": "0s",
		"staff": []map[string]any{{"user_id": f.staff[0].userID}, {"user_id": f.staff[1].userID}, {"user_id": f.staff[2].userID}}})
	f.leadsInOrder(0, 120)
	f.drain()
	order, _ := f.assigned(rule)
	for i, got := range order {
		if want := f.staff[i%3].userID; got != want {
			t.Fatalf("assignment %d went to %s, want %s (strict rotation)", i, got, want)
		}
	}
	if st := f.stats(rule); st.Staff[0].Assigned != 40 || st.Staff[1].Assigned != 40 || st.Staff[2].Assigned != 40 {
		t.Fatalf("stats = %+v", st)
	}
	f.admin.do("PATCH", "/v1/users/"+f.staff[1].userID, map[string]any{"active": false}).ok(200)
	f.leadsInOrder(120, 60)
	f.drain()
	all, _ := f.assigned(rule)
	owners := all[120:]
	got := map[string]int{}
	for _, o := range owners {
		got[o]++
	}
	if got[f.staff[1].userID] != 0 || got[f.staff[0].userID] != 30 || got[f.staff[2].userID] != 30 {
		t.Fatalf("after deactivation: %v", got)
	}
	checkSmooth(t, owners, map[string]int{f.staff[0].userID: 1, f.staff[2].userID: 1})
	// Away is skipped too; with nobody available the customer waits, and
	// is given out when someone is back.
	for _, s := range []*client{f.staff[0], f.staff[2]} {
		s.do("PATCH", "/v1/users/"+s.userID, map[string]any{"away": true}).ok(200)
	}
	waiting := f.lead(999)
	f.drain()
	if f.owner(waiting) != "" || f.stats(rule).Waiting != 1 {
		t.Fatalf("with no one available: owner %q, waiting %d", f.owner(waiting), f.stats(rule).Waiting)
	}
	f.staff[2].do("PATCH", "/v1/users/"+f.staff[2].userID, map[string]any{"away": false}).ok(200)
	f.s.setClock(f.s.app.Clock.Now().Add(10 * time.Minute)) // the retry is due
	f.drain()
	if f.owner(waiting) != f.staff[2].userID || f.stats(rule).Waiting != 0 {
		t.Fatalf("after C came back: owner %q, waiting %d", f.owner(waiting), f.stats(rule).Waiting)
	}
}

// A customer given an owner by hand before its delay is not distributed;
// one moved into the warehouse and step later is, after the delay. Delays
// beyond the queue's 15 minutes wait for the scheduler's tick.
func TestDelayAndOwnedByHand(t *testing.T) {
	f := newFunnel(t)
	at := time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC)
	f.s.setClock(at)
	f.rule(map[string]any{"name": "Sau 30 phút", "type": "round_robin", "delay": "30m",
		"staff": []map[string]any{{"user_id": f.staff[0].userID}, {"user_id": f.staff[1].userID}}})
	byHand := f.lead(1)
	later := f.admin.createCustomer(map[string]any{"name": "Nhập tay", "warehouse_id": f.wh})
	f.drain()
	f.admin.do("PATCH", "/v1/customers/"+byHand, map[string]any{"owner_id": f.staff[2].userID}).ok(200)
	f.admin.do("POST", "/v1/customers/"+later.ID+"/step", map[string]any{"pipeline_id": f.pipeline, "step_id": f.step}).ok(200)
	f.s.setClock(at.Add(29 * time.Minute))
	f.drain()
	if f.owner(later.ID) != "" {
		t.Fatal("distributed before its delay")
	}
	f.s.setClock(at.Add(31 * time.Minute))
	f.drain()
	if f.owner(byHand) != f.staff[2].userID {
		t.Fatalf("the hand-given owner was replaced by %s", f.owner(byHand))
	}
	if f.owner(later.ID) != f.staff[0].userID {
		t.Fatalf("moved in later: owner %q, want the first in rotation", f.owner(later.ID))
	}
}

// Reclaim: a customer whose owner has not cared for it in 48 h goes to
// another listed staff member, never back to the same one; both are told;
// the history keeps every owner; care within the time keeps it.
func TestReclaim(t *testing.T) {
	f := newFunnel(t)
	at := time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC)
	f.s.setClock(at)
	rule := f.rule(map[string]any{"name": "Thu hồi 48h", "type": "reclaim", "reclaim_after": "48h", "then": "round_robin",
		"staff": []map[string]any{{"user_id": f.staff[0].userID}, {"user_id": f.staff[1].userID}, {"user_id": f.staff[2].userID}}})
	var neglected []string
	for i := range 6 {
		cu := f.admin.createCustomer(map[string]any{"name": fmt.Sprintf("Bỏ quên %d", i), "warehouse_id": f.wh,
			"pipelines": map[string]string{f.pipeline: f.step}, "owner_id": f.staff[0].userID})
		neglected = append(neglected, cu.ID)
	}
	cared := f.admin.createCustomer(map[string]any{"name": "Được chăm", "warehouse_id": f.wh,
		"pipelines": map[string]string{f.pipeline: f.step}, "owner_id": f.staff[0].userID})
	f.s.setClock(at.Add(40 * time.Hour))
	f.staff[0].do("POST", "/v1/customers/"+cared.ID+"/notes", map[string]any{"body": "Đã gọi"}).ok(201)
	f.drain()
	f.s.setClock(at.Add(49 * time.Hour))
	f.drain()
	moved := map[string]int{}
	first := map[string]string{}
	for _, id := range neglected {
		o := f.owner(id)
		first[id] = o
		if o == f.staff[0].userID || o == "" {
			t.Fatalf("%s still with %q", id, o)
		}
		moved[o]++
	}
	if moved[f.staff[1].userID] != 3 || moved[f.staff[2].userID] != 3 {
		t.Fatalf("reclaimed to %v, want 3 and 3 by rotation", moved)
	}
	if f.owner(cared.ID) != f.staff[0].userID {
		t.Fatal("a customer its owner cared for was taken back")
	}
	f.staff[0].do("GET", "/v1/customers/"+neglected[0], nil).problem(404)
	var hist struct {
		Items []struct {
			Action  string
			Changes []struct {
				Field         string
				Before, After any
			}
		} `json:"items"`
	}
	f.admin.do("GET", "/v1/customers/"+neglected[0]+"/history", nil).ok(200).into(&hist)
	if hist.Items[0].Action != "reclaimed" || hist.Items[0].Changes[0].Before != f.staff[0].userID {
		t.Fatalf("history = %+v", hist.Items[0])
	}
	var inbox struct {
		Items []struct{ Kind string } `json:"items"`
	}
	f.staff[0].do("GET", "/v1/notifications", nil).ok(200).into(&inbox)
	if len(inbox.Items) != 6 || inbox.Items[0].Kind != "customer_reclaimed" {
		t.Fatalf("previous owner's notifications: %+v", inbox.Items)
	}
	// The new owners neglect them too: they move on, again never back.
	f.s.setClock(at.Add(98 * time.Hour))
	f.drain()
	for _, id := range neglected {
		if o := f.owner(id); o == "" || o == first[id] {
			t.Fatalf("second reclaim of %s: owner %q (was %q)", id, o, first[id])
		}
	}
	// The customer cared for at hour 40 has gone 58 hours without care by
	// now, and is taken back too.
	if f.owner(cared.ID) == f.staff[0].userID {
		t.Fatal("a customer neglected since hour 40 was kept at hour 98")
	}
	if st := f.stats(rule); st.Assigned != 13 {
		t.Fatalf("after two rounds: %d reclaims, want 13", st.Assigned)
	}
}

// A reclaim rule's warehouse is read once per scan period, not on every
// tick: a customer that goes stale just after this period's scan is taken
// back in the next period.
func TestReclaimScansOncePerPeriod(t *testing.T) {
	f := newFunnel(t)
	at := time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC)
	f.s.setClock(at)
	f.rule(map[string]any{"name": "Thu hồi 1h", "type": "reclaim", "reclaim_after": "1h", "then": "round_robin",
		"staff": []map[string]any{{"user_id": f.staff[0].userID}, {"user_id": f.staff[1].userID}}})
	f.s.setClock(at.Add(time.Minute))
	cu := f.admin.createCustomer(map[string]any{"name": "Sắp quá hạn", "warehouse_id": f.wh,
		"pipelines": map[string]string{f.pipeline: f.step}, "owner_id": f.staff[0].userID}) // stale from 03:01
	for _, step := range []struct {
		at    time.Duration
		owner string
	}{
		{60*time.Minute + 30*time.Second, f.staff[0].userID}, // 03:00:30: this period's scan, not stale yet
		{62 * time.Minute, f.staff[0].userID},                // 03:02: stale, but 03:00–03:05 was scanned
		{65 * time.Minute, f.staff[1].userID},                // 03:05: the next period's scan takes it back
	} {
		f.s.setClock(at.Add(step.at))
		f.drain()
		if got := f.owner(cu.ID); got != step.owner {
			t.Fatalf("at %v: owner %q, want %q", at.Add(step.at).Format("15:04:05"), got, step.owner)
		}
	}
}

func TestLeadWebhook(t *testing.T) {
	f := newFunnel(t)
	f.s.setClock(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC))
	if got := f.admin.do("GET", "/v1/lead-sources/"+f.source, nil).ok(200).obj(); got["secret"] != nil {
		t.Fatal("the secret is shown after creation")
	}
	body := map[string]any{"full_name": "Nguyễn Thị Lan", "contact": map[string]any{"phone": 912000111}, "email": "lan@example.vn", "budget": "15000000"}
	first := f.post("/hooks/leads/"+f.source, body, "form-1").ok(202)
	var queued struct {
		LeadID string `json:"lead_id"`
		Status string `json:"status"`
	}
	first.into(&queued)
	if queued.Status != "queued" {
		t.Fatalf("first answer %s, want queued", first.Body)
	}
	// A repeat with the same key gets the first answer, before and after
	// the lead is taken.
	again := f.post("/hooks/leads/"+f.source, body, "form-1").ok(202)
	if string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %s", again.Body)
	}
	lead := f.s.taken(f.admin, first)
	if lead.ID != queued.LeadID || lead.SourceID != f.source || lead.Status != "created" || lead.DuplicateOf != "" || len(lead.Errors) != 0 ||
		!lead.ReceivedAt.Equal(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("lead = %+v", lead)
	}
	cu := f.admin.customer(lead.CustomerID)
	if cu.Name != "Nguyễn Thị Lan" || cu.Phone != "+84912000111" || cu.WarehouseID != f.wh || cu.Pipelines[f.pipeline] != f.step || cu.Fields["budget"] != float64(15000000) {
		t.Fatalf("stored lead = %+v", cu)
	}
	again = f.post("/hooks/leads/"+f.source, body, "form-1").ok(202)
	if string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay after the lead was taken: %s", again.Body)
	}
	// The same person again, in a new request (signed a second later),
	// without a key: a duplicate, kept on the existing customer as an
	// activity.
	f.s.setClock(time.Date(2026, 4, 1, 2, 0, 1, 0, time.UTC))
	dup := f.s.taken(f.admin, f.post("/hooks/leads/"+f.source, body, ""))
	if dup.Status != "duplicate" || dup.DuplicateOf != cu.ID || dup.CustomerID != cu.ID || dup.ID == lead.ID {
		t.Fatalf("duplicate = %+v", dup)
	}
	var acts struct {
		Items []struct{ Name string } `json:"items"`
	}
	f.admin.do("GET", "/v1/customers/"+cu.ID+"/activities", nil).ok(200).into(&acts)
	if len(acts.Items) != 1 {
		t.Fatalf("activities = %+v", acts.Items)
	}
	// Refusals.
	raw := []byte(`{"full_name":"X"}`)
	now := f.s.app.Clock.Now()
	tests := []struct {
		name   string
		reply  *reply
		status int
		code   string
	}{
		{"wrong secret", f.postRaw("/hooks/leads/"+f.source, raw, "whsec_wrong", now, ""), 401, "bad_signature"},
		{"stale", f.postRaw("/hooks/leads/"+f.source, raw, f.secret, now.Add(-6*time.Minute), ""), 401, "stale_signature"},
		{"from the future", f.postRaw("/hooks/leads/"+f.source, raw, f.secret, now.Add(6*time.Minute), ""), 401, "stale_signature"},
		{"unknown source", f.postRaw("/hooks/leads/src_nope", raw, f.secret, now, ""), 401, "bad_signature"},
		{"no signature", f.s.anon().do("POST", "/hooks/leads/"+f.source, raw), 401, "bad_signature"},
		{"not JSON", f.postRaw("/hooks/leads/"+f.source, []byte(`{"full_name":`), f.secret, now, ""), 400, "invalid_json"},
		{"name missing", f.postRaw("/hooks/leads/"+f.source, []byte(`{"email":"x@y.vn"}`), f.secret, now, ""), 422, "validation_failed"},
		{"bad phone", f.postRaw("/hooks/leads/"+f.source, []byte(`{"full_name":"X","contact":{"phone":"12"}}`), f.secret, now, ""), 422, "validation_failed"},
	}
	for _, tc := range tests {
		if p := tc.reply.problem(tc.status); p.Code != tc.code {
			t.Fatalf("%s: code %s, want %s", tc.name, p.Code, tc.code)
		}
	}
	p := f.postRaw("/hooks/leads/"+f.source, []byte(`{"email":"x@y.vn"}`), f.secret, now, "").problem(422)
	hasError(t, p, "name", "missing_in_payload")
	// A rotated secret: the old one works for a day, the new one from now.
	var rot struct {
		Secret string `json:"secret"`
	}
	f.admin.do("POST", "/v1/lead-sources/"+f.source+"/rotate-secret", nil).ok(200).into(&rot)
	f.postRaw("/hooks/leads/"+f.source, []byte(`{"full_name":"Cũ"}`), f.secret, now, "").ok(202)
	f.postRaw("/hooks/leads/"+f.source, []byte(`{"full_name":"Mới"}`), rot.Secret, now, "").ok(202)
	later := now.Add(25 * time.Hour)
	f.s.setClock(later)
	f.postRaw("/hooks/leads/"+f.source, []byte(`{"full_name":"Cũ"}`), f.secret, later, "").problem(401)
	f.postRaw("/hooks/leads/"+f.source, []byte(`{"full_name":"Mới 2"}`), rot.Secret, later, "").ok(202)
	// Call records land in the call log of the customer with the number,
	// or make a new customer of an unknown caller.
	f.secret = rot.Secret
	var acc struct {
		CustomerID string `json:"customer_id"`
	}
	f.post("/hooks/calls/"+f.source, map[string]any{"phone": "0912 000 111", "direction": "inbound", "duration_seconds": 95, "user_email": "nope@x.vn"}, "").ok(202).into(&acc)
	if acc.CustomerID != cu.ID {
		t.Fatalf("call went to %s, want %s", acc.CustomerID, cu.ID)
	}
	var calls struct {
		Items []struct {
			Duration  string `json:"duration"`
			Direction string `json:"direction"`
		} `json:"items"`
	}
	f.admin.do("GET", "/v1/customers/"+cu.ID+"/calls", nil).ok(200).into(&calls)
	if len(calls.Items) != 1 || calls.Items[0].Duration != "1m35s" || calls.Items[0].Direction != "inbound" {
		t.Fatalf("calls = %+v", calls.Items)
	}
	f.post("/hooks/calls/"+f.source, map[string]any{"phone": "0988 777 666"}, "").ok(202).into(&acc)
	if got := f.admin.customer(acc.CustomerID); got.Phone != "+84988777666" || got.WarehouseID != f.wh {
		t.Fatalf("new caller = %+v", got)
	}
	f.admin.do("PATCH", "/v1/lead-sources/"+f.source, map[string]any{"enabled": false}).ok(200)
	f.post("/hooks/leads/"+f.source, map[string]any{"full_name": "Tắt"}, "").problem(401)
}
