package localrun_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"tend/internal/leads"
)

// campaignRun is a campaign with a signed lead source that registers its
// leads in it.
type campaignRun struct {
	s                *system
	admin            *client
	tenant           string
	id, secret       string
	source, srcToken string
}

func newCampaignRun(t *testing.T) *campaignRun { return newCampaignRunOn(t, start(t, false)) }

// newCampaignRunOn makes the campaign on a runner of the test's own.
func newCampaignRunOn(t *testing.T, s *system) *campaignRun {
	admin, tenant := s.workspace("Hội thảo")
	r := &campaignRun{s: s, admin: admin, tenant: tenant}
	var camp struct {
		ID     string   `json:"id"`
		Secret string   `json:"secret"`
		ROI    *float64 `json:"roi"`
	}
	admin.do("POST", "/v1/campaigns", map[string]any{"name": "Hội thảo khách hàng 2026", "starts_on": "2026-06-01", "ends_on": "2026-06-30",
		"budget": 50_000_000, "expected_revenue": 200_000_000, "cost": 40_000_000, "revenue": 100_000_000,
		"key_map": map[string]string{"1": "confirmed", "2": "joined", "9": "cancelled"}}).ok(201).into(&camp)
	if camp.Secret == "" || camp.ROI == nil || *camp.ROI != 1.5 {
		t.Fatalf("create answer: %+v", camp)
	}
	r.id, r.secret = camp.ID, camp.Secret
	var src struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	admin.do("POST", "/v1/lead-sources", map[string]any{"name": "Form đăng kí hội thảo", "campaign_id": r.id,
		"mapping": map[string]string{"name": "$.ho_ten", "phone": "$.sdt"}}).ok(201).into(&src)
	r.source, r.srcToken = src.ID, src.Secret
	return r
}

// signed posts raw to a webhook, signed with secret now.
func (r *campaignRun) signed(path string, raw []byte, secret string) *reply {
	ts := strconv.FormatInt(r.s.app.Clock.Now().Unix(), 10)
	return r.s.anon().with("X-Tend-Timestamp", ts).with("X-Tend-Signature", leads.Sign(secret, ts, raw)).do("POST", path, raw)
}

func (r *campaignRun) press(phone, key string) *reply {
	raw, _ := json.Marshal(map[string]string{"phone": phone, "key": key})
	return r.signed("/hooks/campaigns/"+r.id+"/responses", raw, r.secret)
}

type campaignStats struct {
	Registered int64 `json:"registered_total"`
	Confirmed  int64 `json:"confirmed_total"`
	Joined     int64 `json:"joined_total"`
	Cancelled  int64 `json:"cancelled_total"`
}

func (r *campaignRun) stats() campaignStats {
	var st campaignStats
	r.admin.do("GET", "/v1/campaigns/"+r.id+"/stats", nil).ok(200).into(&st)
	return st
}

// The seed's walk: five register through a signed form, two are confirmed
// by hand, one joins by a key press, one cancels: the counts are 5/3/1/1.
// Joined → confirmed is refused with the seed's statuses named, in vi and
// en; every change is in the customer's history with who made it.
func TestCampaignSeedWalk(t *testing.T) {
	r := newCampaignRun(t)
	phones := make([]string, 5)
	ids := make([]string, 5)
	for i := range phones {
		phones[i] = fmt.Sprintf("09120000%02d", i)
		raw, _ := json.Marshal(map[string]string{"ho_ten": fmt.Sprintf("Khách %d", i), "sdt": phones[i]})
		lead := r.s.taken(r.admin, r.signed("/hooks/leads/"+r.source, raw, r.srcToken))
		if lead.Status != "created" {
			t.Fatalf("lead %d: %+v", i, lead)
		}
		ids[i] = lead.CustomerID
	}
	var members struct {
		Items []struct {
			CustomerID string  `json:"customer_id"`
			Status     string  `json:"status"`
			Phone      string  `json:"phone"`
			JoinedAt   *string `json:"joined_at"`
		} `json:"items"`
	}
	r.admin.do("GET", "/v1/campaigns/"+r.id+"/members?status=registered", nil).ok(200).into(&members)
	if len(members.Items) != 5 || r.stats() != (campaignStats{5, 0, 0, 0}) {
		t.Fatalf("after the form: %+v %+v", members.Items, r.stats())
	}
	for _, id := range ids[:2] {
		r.admin.do("PATCH", "/v1/campaigns/"+r.id+"/members/"+id, map[string]any{"status": "confirmed"}).ok(200)
	}
	var ans struct {
		CustomerID string `json:"customer_id"`
		Status     string `json:"status"`
	}
	r.press("+84"+phones[2][1:], "2").ok(200).into(&ans)
	if ans.CustomerID != ids[2] || ans.Status != "joined" {
		t.Fatalf("key press answer: %+v", ans)
	}
	r.admin.do("PATCH", "/v1/campaigns/"+r.id+"/members/"+ids[3], map[string]any{"status": "cancelled"}).ok(200)
	if got := r.stats(); got != (campaignStats{5, 3, 1, 1}) {
		t.Fatalf("counts %+v, want 5/3/1/1", got)
	}

	for lang, want := range map[string]string{
		"vi": "Không thể chuyển khách hàng trong chiến dịch từ trạng thái “Tham gia” sang “Xác nhận”.",
		"en": `A campaign member can't go from "Joined" to "Confirmed".`,
	} {
		c := *r.admin
		c.lang = lang
		p := c.do("PATCH", "/v1/campaigns/"+r.id+"/members/"+ids[2], map[string]any{"status": "confirmed"}).problem(409)
		if p.Code != "invalid_transition" || p.Detail != want {
			t.Fatalf("%s: %s %q, want %q", lang, p.Code, p.Detail, want)
		}
	}
	r.admin.do("GET", "/v1/campaigns/"+r.id+"/members?status=joined", nil).ok(200).into(&members)
	if len(members.Items) != 1 || members.Items[0].CustomerID != ids[2] || members.Items[0].JoinedAt == nil {
		t.Fatalf("joined members: %+v", members.Items)
	}

	var hist historyPage
	r.admin.do("GET", "/v1/customers/"+ids[2]+"/history", nil).ok(200).into(&hist)
	found := false
	for _, e := range hist.Items {
		if e.Action == "campaign_status_changed" && e.Actor.Kind == "webhook" && e.Actor.ID == r.id &&
			len(e.Changes) == 1 && e.Changes[0].Before == "registered" && e.Changes[0].After == "joined" {
			found = true
		}
	}
	if !found {
		t.Fatalf("the key press is not in the customer's history: %+v", hist.Items)
	}

	var report struct {
		Rows []struct {
			CampaignID string   `json:"campaign_id"`
			Conversion *float64 `json:"conversion"`
			Joined     int64    `json:"joined_total"`
			ROI        *float64 `json:"roi"`
		} `json:"rows"`
	}
	r.admin.do("GET", "/v1/reports/campaigns?from=2026-06-01&to=2026-06-30", nil).ok(200).into(&report)
	if len(report.Rows) != 1 || report.Rows[0].Conversion == nil || *report.Rows[0].Conversion != 0.2 || *report.Rows[0].ROI != 1.5 {
		t.Fatalf("report: %+v", report.Rows)
	}

	// Everyone reads; only the owner and admins write.
	staff := r.admin.user("Nhân viên", "staff")
	staff.do("GET", "/v1/campaigns/"+r.id, nil).ok(200)
	staff.do("PATCH", "/v1/campaigns/"+r.id, map[string]any{"name": "Của tôi"}).problem(403)
	staff.do("POST", "/v1/campaigns/"+r.id+"/members", map[string]any{"customer_ids": []string{}}).problem(403)
}

// A key press posted twice changes nothing the second time and gets the
// first answer; a press asking for a move the seed forbids is recorded in
// the customer's history and refused, and so is its replay; an unknown
// phone is not found.
func TestCampaignKeyPressReplay(t *testing.T) {
	r := newCampaignRun(t)
	cu := r.admin.createCustomer(map[string]any{"name": "Chị Lan", "phone": "0987654321"})
	r.admin.do("POST", "/v1/campaigns/"+r.id+"/members", map[string]any{"customer_id": cu.ID}).ok(201)

	ts := strconv.FormatInt(r.s.app.Clock.Now().Unix(), 10)
	send := func(raw string) *reply {
		return r.s.anon().with("X-Tend-Timestamp", ts).with("X-Tend-Signature", leads.Sign(r.secret, ts, []byte(raw))).
			do("POST", "/hooks/campaigns/"+r.id+"/responses", []byte(raw))
	}
	first := send(`{"phone":"0987654321","key":"2"}`).ok(200)
	again := send(`{"phone":"0987654321","key":"2"}`).ok(200)
	if string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %s (%q) after %s", again.Body, again.Header.Get("Idempotent-Replayed"), first.Body)
	}
	if got := r.stats(); got != (campaignStats{1, 1, 1, 0}) {
		t.Fatalf("counts after a replay: %+v", got)
	}

	for range 2 {
		if p := send(`{"phone":"0987654321","key":"1"}`).problem(409); p.Code != "invalid_transition" {
			t.Fatalf("joined → confirmed by key: %+v", p)
		}
	}
	var hist struct {
		Items []struct {
			Action string `json:"action"`
		} `json:"items"`
	}
	r.admin.do("GET", "/v1/customers/"+cu.ID+"/history", nil).ok(200).into(&hist)
	refused := 0
	for _, e := range hist.Items {
		if e.Action == "campaign_response_refused" {
			refused++
		}
	}
	if refused != 1 {
		t.Fatalf("refused key presses in history: %d, want 1: %+v", refused, hist.Items)
	}
	if got := r.stats(); got != (campaignStats{1, 1, 1, 0}) {
		t.Fatalf("counts after a refused press: %+v", got)
	}
	r.press("0911111111", "1").problem(404)
	r.press("0987654321", "5").problem(422)
}

// Mass update: customers go into the campaign with a care status; members
// get it.
func TestCampaignBulk(t *testing.T) {
	r := newCampaignRun(t)
	a := r.admin.createCustomer(map[string]any{"name": "Anh A"})
	b := r.admin.createCustomer(map[string]any{"name": "Anh B"})
	r.admin.do("POST", "/v1/campaigns/"+r.id+"/members", map[string]any{"customer_id": a.ID}).ok(201)
	var out struct {
		Added   int `json:"added"`
		Updated int `json:"updated"`
	}
	r.admin.do("POST", "/v1/customers/bulk/campaign", map[string]any{"ids": []string{a.ID, b.ID}, "campaign_id": r.id,
		"care_status": "multi_assigned"}).ok(200).into(&out)
	if out.Added != 1 || out.Updated != 1 {
		t.Fatalf("bulk: %+v", out)
	}
	var members struct {
		Items []struct {
			CareStatus string `json:"care_status"`
		} `json:"items"`
	}
	r.admin.do("GET", "/v1/campaigns/"+r.id+"/members", nil).ok(200).into(&members)
	if len(members.Items) != 2 || members.Items[0].CareStatus != "multi_assigned" || members.Items[1].CareStatus != "multi_assigned" {
		t.Fatalf("members: %+v", members.Items)
	}
}

// Sending to a campaign queues one message per member with the statuses
// through the outbox, skipping members who opted out or have no address;
// its progress is readable; the same request again (its Idempotency-Key)
// sends nothing more.
func TestCampaignSend(t *testing.T) {
	r := newCampaignRun(t)
	tpl := r.admin.create("/v1/templates/email", map[string]any{"name": "Mời hội thảo", "subject": "Thư mời", "body": "Chào {{name}}, hẹn gặp tại hội thảo."})
	add := func(body map[string]any, status string) {
		cu := r.admin.createCustomer(body)
		r.admin.do("POST", "/v1/campaigns/"+r.id+"/members", map[string]any{"customer_id": cu.ID, "status": status}).ok(201)
	}
	add(map[string]any{"name": "Chị Mai", "email": "mai@khach.vn"}, "registered")
	add(map[string]any{"name": "Anh Tú", "email": "tu@khach.vn", "email_opt_out": true}, "registered")
	add(map[string]any{"name": "Cô Hà"}, "confirmed")
	add(map[string]any{"name": "Anh Huy", "email": "huy@khach.vn"}, "cancelled")

	req := map[string]any{"channel": "email", "template_id": tpl, "statuses": []string{"registered", "confirmed"}}
	var snd struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	first := r.admin.with("Idempotency-Key", "gui-moi-1").do("POST", "/v1/campaigns/"+r.id+"/send", req).ok(202)
	first.into(&snd)
	r.s.anon().do("POST", "/dev/drain", nil).ok(200)
	type progress struct {
		Status  string `json:"status"`
		Members int    `json:"members"`
		Queued  int    `json:"queued"`
		Skipped int    `json:"skipped"`
	}
	var got progress
	r.admin.do("GET", first.Header.Get("Location"), nil).ok(200).into(&got)
	if got != (progress{"done", 3, 1, 2}) {
		t.Fatalf("progress: %+v", got)
	}
	outbox := func() []string {
		var out struct {
			Items []struct {
				To   string `json:"to"`
				Body string `json:"body"`
			} `json:"items"`
		}
		r.s.anon().do("GET", "/dev/outbox", nil).ok(200).into(&out)
		var to []string
		for _, m := range out.Items {
			to = append(to, m.To+": "+m.Body)
		}
		return to
	}
	want := "mai@khach.vn: Chào Chị Mai, hẹn gặp tại hội thảo."
	if sent := outbox(); len(sent) != 1 || sent[0] != want {
		t.Fatalf("sent %q, want [%q]", sent, want)
	}
	// The job run again (its queue message delivered twice) queues nothing
	// more.
	job, _ := json.Marshal(map[string]string{"kind": "campaign_send", "tenant": r.tenant, "campaign_id": r.id, "id": snd.ID})
	if err := r.s.app.Ticker.HandleJob(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	r.s.anon().do("POST", "/dev/drain", nil).ok(200)
	r.admin.do("GET", first.Header.Get("Location"), nil).ok(200).into(&got)
	if sent := outbox(); len(sent) != 1 || got != (progress{"done", 3, 1, 2}) {
		t.Fatalf("after the job ran again: sent %q, progress %+v", sent, got)
	}
	again := r.admin.with("Idempotency-Key", "gui-moi-1").do("POST", "/v1/campaigns/"+r.id+"/send", req).ok(202)
	r.s.anon().do("POST", "/dev/drain", nil).ok(200)
	if string(again.Body) != string(first.Body) || len(outbox()) != 1 {
		t.Fatalf("the repeat sent more: %s, %q", again.Body, outbox())
	}
}

// A landing-page form (form_url source) naming the campaign registers its
// lead when the intake queue takes it; the same form posted again keeps
// one member.
func TestCampaignFormRegisters(t *testing.T) {
	r := newCampaignRun(t)
	var src struct {
		ID       string `json:"id"`
		FormPath string `json:"form_path"`
	}
	r.admin.do("POST", "/v1/lead-sources", map[string]any{"name": "Trang đăng kí", "kind": "form_url", "campaign_id": r.id}).ok(201).into(&src)
	form := "ho_ten=L%C3%AA+Th%E1%BB%8B+Hoa&so_dien_thoai=0903123456"
	for range 2 {
		r.s.anon().with("Content-Type", "application/x-www-form-urlencoded").do("POST", src.FormPath, form).ok(202)
		r.s.anon().do("POST", "/dev/drain", nil).ok(200)
	}
	var members struct {
		Items []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"items"`
	}
	r.admin.do("GET", "/v1/campaigns/"+r.id+"/members", nil).ok(200).into(&members)
	if len(members.Items) != 1 || members.Items[0].Name != "Lê Thị Hoa" || members.Items[0].Status != "registered" || r.stats().Registered != 1 {
		t.Fatalf("members: %+v", members.Items)
	}
}

// Campaign CRUD: ROI follows cost and revenue (null with no cost); a staff
// member creates campaigns they own and may change them, not others'; a
// deleted campaign is gone.
func TestCampaignCRUD(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Chiến dịch")
	staff := admin.user("Chị Thu", "staff")
	var camp struct {
		ID      string   `json:"id"`
		OwnerID string   `json:"owner_id"`
		ROI     *float64 `json:"roi"`
		Version int64    `json:"version"`
		Secret  string   `json:"secret"`
	}
	staff.do("POST", "/v1/campaigns", map[string]any{"name": "Khai trương", "revenue": 5_000_000}).ok(201).into(&camp)
	if camp.OwnerID != staff.userID || camp.ROI != nil || camp.Secret == "" {
		t.Fatalf("created: %+v", camp)
	}
	staff.do("POST", "/v1/campaigns", map[string]any{"name": "Của người khác", "owner_id": admin.userID}).problem(403)
	changed := staff.do("PATCH", "/v1/campaigns/"+camp.ID, map[string]any{"cost": 2_000_000, "version": camp.Version}).ok(200).obj()
	if changed["roi"] != 1.5 || changed["secret"] != nil {
		t.Fatalf("after the cost: %+v", changed)
	}
	var list struct {
		Items []struct {
			ID         string `json:"id"`
			Registered int64  `json:"registered_total"`
		} `json:"items"`
	}
	admin.do("GET", "/v1/campaigns", nil).ok(200).into(&list)
	if len(list.Items) != 1 || list.Items[0].ID != camp.ID {
		t.Fatalf("list: %+v", list.Items)
	}
	other := admin.user("Anh Nam", "staff")
	other.do("DELETE", "/v1/campaigns/"+camp.ID, nil).problem(403)
	staff.do("DELETE", "/v1/campaigns/"+camp.ID, nil).ok(204)
	admin.do("GET", "/v1/campaigns/"+camp.ID, nil).problem(404)
}
