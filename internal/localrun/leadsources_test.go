package localrun_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tend/internal/fbgraph/fbgraphtest"
	"tend/internal/localrun"
)

// sourceOf is a lead source as answered when created.
type sourceOf struct {
	ID         string   `json:"id"`
	Kind       string   `json:"kind"`
	Secret     string   `json:"secret"`
	FormPath   string   `json:"form_path"`
	HookPath   string   `json:"hook_path"`
	SecretsSet []string `json:"secrets_set"`
}

// delivery is one line of a source's delivery log.
type delivery struct {
	ID         string            `json:"id"`
	Outcome    string            `json:"outcome"`
	Test       bool              `json:"test"`
	CustomerID string            `json:"customer_id"`
	Error      string            `json:"error"`
	ExternalID string            `json:"external_id"`
	Attempts   int               `json:"attempts"`
	Meta       map[string]string `json:"meta"`
}

type deliveryLog struct {
	Items    []delivery       `json:"items"`
	Counters map[string]int64 `json:"counters"`
}

// kindSource adds a source of a kind to the funnel's warehouse and step,
// with a round-robin rule giving its leads to the staff.
func (f *funnel) kindSource(kind string, extra map[string]any) sourceOf {
	body := map[string]any{"name": "Nguồn " + kind, "kind": kind, "warehouse_id": f.wh, "pipeline_id": f.pipeline, "step_id": f.step}
	for k, v := range extra {
		body[k] = v
	}
	var src sourceOf
	f.admin.do("POST", "/v1/lead-sources", body).ok(201).into(&src)
	return src
}

func (f *funnel) roundRobin() string {
	staff := []map[string]any{}
	for _, c := range f.staff {
		staff = append(staff, map[string]any{"user_id": c.userID})
	}
	return f.rule(map[string]any{"name": "Xoay vòng", "type": "round_robin", "delay": "0s", "staff": staff})
}

func (f *funnel) deliveries(source string) deliveryLog {
	var log deliveryLog
	f.admin.do("GET", "/v1/lead-sources/"+source+"/deliveries", nil).ok(200).into(&log)
	return log
}

func sample(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", "providers", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// A landing page's form-encoded post with Vietnamese field names becomes
// a customer with the right fields, given out by the rule; the same
// contact posted again within ten minutes is one lead; a filled honeypot,
// a wrong token and a body that is no form make none.
func TestLandingPageForm(t *testing.T) {
	f := newFunnel(t)
	f.roundRobin()
	src := f.kindSource("form_url", map[string]any{"settings": map[string]any{"honeypot": "website"}})
	if src.FormPath == "" || !strings.HasPrefix(src.FormPath, "/hooks/f/"+src.ID+".") || src.HookPath != "" {
		t.Fatalf("form source = %+v, want its form path", src)
	}
	form := sample(t, "landing-page-form.txt")
	post := func(path, contentType, body string) *reply {
		return f.s.anon().with("Content-Type", contentType).do("POST", path, body)
	}
	var held struct {
		DeliveryID string `json:"delivery_id"`
		Status     string `json:"status"`
	}
	post(src.FormPath, "application/x-www-form-urlencoded", form).ok(202).into(&held)
	if held.DeliveryID == "" || held.Status != "pending" {
		t.Fatalf("held = %+v", held)
	}
	f.drain()
	log := f.deliveries(src.ID)
	if len(log.Items) != 1 || log.Items[0].Outcome != "accepted" || log.Items[0].CustomerID == "" || log.Counters["accepted"] != 1 || log.Counters["pending"] != 0 {
		t.Fatalf("log = %+v", log)
	}
	cu := f.admin.customer(log.Items[0].CustomerID)
	if cu.Name != "Lê Thị Hoa" || cu.Phone != "+84903123456" || cu.Email != "hoa.le@example.com" || cu.WarehouseID != f.wh || cu.Pipelines[f.pipeline] != f.step {
		t.Errorf("customer = %+v", cu)
	}
	if cu.OwnerID == "" {
		t.Errorf("the lead was not distributed: %+v", cu)
	}
	// Twice within ten minutes: the first lead's delivery, no second customer.
	var again struct {
		DeliveryID string `json:"delivery_id"`
	}
	f.s.setClock(f.s.app.Clock.Now().Add(5 * time.Minute))
	post(src.FormPath, "application/x-www-form-urlencoded", form).ok(202).into(&again)
	f.drain()
	if again.DeliveryID != held.DeliveryID || len(f.deliveries(src.ID).Items) != 1 {
		t.Errorf("a repeat within ten minutes was held again: %s, log %+v", again.DeliveryID, f.deliveries(src.ID))
	}
	// The honeypot filled: answered as taken, nothing held.
	spam := strings.Replace(form, "website=", "website=http%3A%2F%2Fspam.example", 1)
	spam = strings.Replace(spam, "0903+123+456", "0903+999+111", 1)
	post(src.FormPath, "application/x-www-form-urlencoded", spam).ok(202)
	// A wrong token, a body of no form.
	post("/hooks/f/"+src.ID+".wrong", "application/x-www-form-urlencoded", form).problem(404)
	post(src.FormPath, "text/csv", "a,b").problem(415)
	f.drain()
	if got := f.deliveries(src.ID); len(got.Items) != 1 || got.Counters["accepted"] != 1 {
		t.Errorf("spam or bad posts were held: %+v", got)
	}
}

// Posts over the source's per-address limit are refused with 429 and the
// seconds to wait; a browser's post to a source with a thank-you page is
// sent there.
func TestFormLimitsAndRedirect(t *testing.T) {
	f := newFunnel(t)
	src := f.kindSource("form_url", map[string]any{"settings": map[string]any{"per_ip_per_minute": 2, "redirect_to": "https://example.vn/cam-on"}})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(phone string) *http.Response {
		req, _ := http.NewRequestWithContext(t.Context(), "POST", f.s.srv.URL+src.FormPath, strings.NewReader("ho_ten=Khach&sdt="+phone))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i, phone := range []string{"0912000001", "0912000002"} {
		if resp := send(phone); resp.StatusCode != 303 || resp.Header.Get("Location") != "https://example.vn/cam-on" {
			t.Fatalf("post %d: %d to %q, want 303 to the thank-you page", i, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp := send("0912000003"); resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("third post in a minute: %d, Retry-After %q; want 429 with it", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	f.s.setClock(f.s.app.Clock.Now().Add(time.Minute))
	if resp := send("0912000003"); resp.StatusCode != 303 {
		t.Fatalf("a minute on: %d, want 303", resp.StatusCode)
	}
}

// A Google Ads lead with the source's key becomes a customer, given out
// by the rule; a wrong key is refused; a test lead is logged apart and
// makes no customer; the same lead_id twice is one lead.
func TestGoogleAdsLead(t *testing.T) {
	f := newFunnel(t)
	f.roundRobin()
	src := f.kindSource("google_ads", nil)
	if src.Secret == "" || src.HookPath != "/hooks/leads/"+src.ID {
		t.Fatalf("google source = %+v", src)
	}
	lead := strings.Replace(sample(t, "google-ads-lead.json"), "tend-gads-3c1f9e", src.Secret, 1)
	post := func(body string) *reply { return f.s.anon().do("POST", src.HookPath, body) }
	post(strings.Replace(lead, src.Secret, "not-the-key", 1)).problem(401)
	post(lead).ok(200)
	post(lead).ok(200)
	test := strings.Replace(sample(t, "google-ads-test-lead.json"), "tend-gads-3c1f9e", src.Secret, 1)
	post(test).ok(200)
	f.drain()
	log := f.deliveries(src.ID)
	if log.Counters["accepted"] != 1 || log.Counters["test"] != 1 || len(log.Items) != 2 {
		t.Fatalf("log = %+v, want one lead and one test lead", log)
	}
	for _, d := range log.Items {
		switch {
		case d.Test && (d.Outcome != "test" || d.CustomerID != ""):
			t.Errorf("test lead = %+v, want kept apart", d)
		case !d.Test:
			cu := f.admin.customer(d.CustomerID)
			if cu.Name != "Phạm Quốc Bảo" || cu.Phone != "+84903123456" || cu.Email != "bao.pham@example.com" || cu.OwnerID == "" ||
				d.ExternalID != "Cj0KCQiA-leadid-3f9a2b7c" || d.Meta["campaign_id"] != "21987654321" {
				t.Errorf("lead %+v made %+v", d, cu)
			}
		}
	}
}

// zaloMac is Zalo's signature of an event.
func zaloMac(appID, body, timestamp, secret string) string {
	sum := sha256.Sum256([]byte(appID + body + timestamp + secret))
	return "mac=" + hex.EncodeToString(sum[:])
}

// A Zalo user_submit_info event with the right mac creates the customer,
// given out by the rule; the same user's later submission updates that
// customer; a wrong mac is answered 200, as Zalo expects, and makes
// nothing.
func TestZaloUserSubmitInfo(t *testing.T) {
	f := newFunnel(t)
	f.roundRobin()
	const appID, secret = "3608465248940903967", "oa-secret-key-for-test"
	src := f.kindSource("zalo_oa", map[string]any{"settings": map[string]any{"app_id": appID}, "secrets": map[string]string{"oa_secret_key": secret}})
	if len(src.SecretsSet) != 1 || src.SecretsSet[0] != "oa_secret_key" || src.Secret != "" {
		t.Fatalf("zalo source = %+v", src)
	}
	event := sample(t, "zalo-user-submit-info.json")
	post := func(body, mac string) *reply {
		return f.s.anon().with("X-ZEvent-Signature", mac).do("POST", src.HookPath, body)
	}
	if got := post(event, zaloMac(appID, event, "1772420142123", "wrong")).ok(200).obj(); got["status"] != "refused" {
		t.Errorf("wrong mac answered %v", got)
	}
	post(event, zaloMac(appID, event, "1772420142123", secret)).ok(200)
	f.drain()
	log := f.deliveries(src.ID)
	if len(log.Items) != 1 || log.Items[0].Outcome != "accepted" {
		t.Fatalf("log = %+v", log)
	}
	cu := f.admin.customer(log.Items[0].CustomerID)
	if cu.Name != "Trần Văn Minh" || cu.Phone != "+84987654321" || cu.OwnerID == "" {
		t.Errorf("customer = %+v", cu)
	}
	later := strings.NewReplacer(`"timestamp":"1772420142123"`, `"timestamp":"1772420199000"`, `"phone":"84987654321"`, `"phone":"0912345678"`).Replace(event)
	post(later, zaloMac(appID, later, "1772420199000", secret)).ok(200)
	f.drain()
	log = f.deliveries(src.ID)
	if len(log.Items) != 2 || log.Items[0].Outcome != "updated" || log.Items[0].CustomerID != cu.ID {
		t.Fatalf("the later submission: %+v, want the same customer updated", log.Items)
	}
	if got := f.admin.customer(cu.ID); got.Phone != "+84912345678" {
		t.Errorf("after the update: %+v", got)
	}
	// The known user's later submission is a returning customer's lead.
	if got := f.sourceFigures("Nguồn zalo_oa"); got.Leads != 1 || got.Returning != 1 {
		t.Errorf("sources report for the Zalo source: %+v, want 1 new and 1 returning", got)
	}
}

// sourceFigures is today's row of the sources report for a source name.
func (f *funnel) sourceFigures(source string) (out struct {
	Leads, Duplicates, Returning int64
}) {
	today := f.s.app.Clock.Now().Format("2006-01-02")
	var rep struct {
		Rows []struct {
			Source     string `json:"source"`
			Leads      int64  `json:"leads"`
			Duplicates int64  `json:"duplicates"`
			Returning  int64  `json:"returning"`
		} `json:"rows"`
	}
	f.admin.do("GET", "/v1/reports/sources?from="+today+"&to="+today, nil).ok(200).into(&rep)
	for _, r := range rep.Rows {
		if r.Source == source {
			out.Leads += r.Leads
			out.Duplicates += r.Duplicates
			out.Returning += r.Returning
		}
	}
	return out
}

// A test lead goes through the real path and is logged as a test; the
// log is the admins'; a source's secrets are never answered back.
func TestSendTestLeadAndLogAccess(t *testing.T) {
	f := newFunnel(t)
	src := f.kindSource("facebook", map[string]any{"secrets": map[string]string{"app_secret": "fb-app-secret", "page_access_token": "EAAB-page-token"}})
	f.admin.do("POST", "/v1/lead-sources/"+src.ID+"/test", nil).ok(202)
	f.admin.do("POST", "/v1/lead-sources/"+src.ID+"/test", map[string]any{"fields": map[string]string{"Họ và tên": ""}}).ok(202)
	f.drain()
	log := f.deliveries(src.ID)
	if log.Counters["test"] != 1 || log.Counters["rejected"] != 1 || log.Counters["accepted"] != 0 {
		t.Fatalf("log = %+v, want a test lead and a rejected one", log)
	}
	f.staff[0].do("GET", "/v1/lead-sources/"+src.ID+"/deliveries", nil).problem(403)
	f.staff[0].do("POST", "/v1/lead-sources/"+src.ID+"/test", nil).problem(403)
	got := f.admin.do("GET", "/v1/lead-sources/"+src.ID, nil).ok(200)
	if strings.Contains(string(got.Body), "EAAB-page-token") || strings.Contains(string(got.Body), "fb-app-secret") {
		t.Errorf("a source answered its secrets: %s", got.Body)
	}
	db, err := os.ReadFile(filepath.Join(f.s.dir, "tend.db"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(db), "EAAB-page-token") {
		t.Error("the page token is stored in the clear")
	}
}

// facebookSigned is Facebook's X-Hub-Signature-256 of a body.
func facebookSigned(appSecret, body string) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Facebook Lead Ads: the verification GET, a signed notification whose
// lead is read from a (fake) Graph API and given out by the rule, the same
// notification twice giving one customer, a bad signature refused; a lead
// whose fetch fails (500, a timeout) waits and is taken once the API
// answers, never lost.
func TestFacebookLeadAds(t *testing.T) {
	graph := fbgraphtest.New()
	defer graph.Close()
	s := startWith(t, t.TempDir(), func(cfg *localrun.Config) {
		cfg.FacebookGraphURL, cfg.FacebookGraphTimeout = graph.URL, 200*time.Millisecond
	})
	f := newFunnelOn(t, s)
	f.roundRobin()
	const appSecret, token = "fb-app-secret", "EAAB-page-token"
	src := f.kindSource("facebook", map[string]any{"secrets": map[string]string{"app_secret": appSecret, "page_access_token": token}})

	challenge := "/hooks/leads/" + src.ID + "?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
	if got := f.s.anon().do("GET", challenge+src.Secret, nil).ok(200); string(got.Body) != "1158201444" {
		t.Errorf("challenge answered %q", got.Body)
	}
	f.s.anon().do("GET", challenge+"wrong", nil).problem(403)

	graph.AddAnswer(token, "1234567890123456", []byte(sample(t, "facebook-graph-lead.json")))
	note := sample(t, "facebook-leadgen-notification.json")
	post := func(body, sig string) *reply {
		return f.s.anon().with("X-Hub-Signature-256", sig).do("POST", src.HookPath, body)
	}
	post(note, facebookSigned("wrong", note)).problem(401)
	post(note, facebookSigned(appSecret, note)).ok(200)
	post(note, facebookSigned(appSecret, note)).ok(200)
	f.drain()
	log := f.deliveries(src.ID)
	if len(log.Items) != 1 || log.Items[0].Outcome != "accepted" || log.Items[0].ExternalID != "1234567890123456" {
		t.Fatalf("log = %+v, want the lead once", log)
	}
	cu := f.admin.customer(log.Items[0].CustomerID)
	if cu.Name != "Nguyễn Thị Lan" || cu.Phone != "+84912345678" || cu.Email != "lan.nguyen@example.com" || cu.OwnerID == "" {
		t.Errorf("customer = %+v, want the Graph lead's fields, given out", cu)
	}
	if log.Items[0].Meta["form_id"] == "" {
		t.Errorf("meta = %v, want the form id kept", log.Items[0].Meta)
	}

	// The API fails (500, then a timeout): the lead waits, then is taken.
	other := strings.NewReplacer("1234567890123456", "1234567890123457", "Nguyễn Thị Lan", "Đỗ Văn Hùng", "+84912345678", "+84987000111",
		"lan.nguyen@example.com", "hung.do@example.com").Replace(sample(t, "facebook-graph-lead.json"))
	graph.AddAnswer(token, "1234567890123457", []byte(other))
	second := strings.ReplaceAll(note, "1234567890123456", "1234567890123457")
	// Failing until cleared: the runner's clock runs on, so a slow drain
	// may reach the message's first retry (a second later) within itself.
	graph.FailNext(1000, 500)
	post(second, facebookSigned(appSecret, second)).ok(200)
	f.drain()
	pending := f.deliveries(src.ID).Items[0]
	if pending.Outcome != "pending" || pending.Attempts == 0 || pending.Error != "provider_unavailable" {
		t.Fatalf("after a 500: %+v, want it pending with the attempt recorded", pending)
	}
	graph.ClearFailures()
	calls := graph.Calls()
	graph.HangNext(3)
	got := f.deliveries(src.ID)
	for i := 0; i < 3 && got.Items[0].Outcome == "pending"; i++ {
		f.s.setClock(f.s.app.Clock.Now().Add(20 * time.Minute))
		f.drain()
		got = f.deliveries(src.ID)
	}
	if graph.Calls() < calls+4 {
		t.Errorf("%d calls after the 500s, want the 3 that hung and the one answered", graph.Calls()-calls)
	}
	if got.Items[0].Outcome != "accepted" || got.Items[0].Error != "" || got.Counters["accepted"] != 2 || got.Counters["pending"] != 0 {
		t.Fatalf("once the API answers: %+v", got)
	}
}
