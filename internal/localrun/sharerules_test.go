package localrun_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"tend/internal/store/faultstore"
)

// campaignOf makes a campaign in the admin's workspace with customers as
// members of a care status each.
func (s *system) campaignOf(admin *client, care map[string]string) string {
	s.t.Helper()
	id := admin.create("/v1/campaigns", map[string]any{"name": "Hội thảo khách hàng thân thiết"})
	addMembers(admin, id, care)
	return id
}

func addMembers(admin *client, campaignID string, care map[string]string) {
	for id, cs := range care {
		admin.do("POST", "/v1/campaigns/"+campaignID+"/members", map[string]any{"customer_id": id, "care_status": cs}).ok(201)
	}
}

// careStatuses reads the campaign's members' care statuses, page by page.
func careStatuses(admin *client, campaignID string) map[string]string {
	out := map[string]string{}
	cursor := ""
	for {
		var page struct {
			Items []struct {
				CustomerID string `json:"customer_id"`
				CareStatus string `json:"care_status"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		admin.do("GET", "/v1/campaigns/"+campaignID+"/members?limit=100&cursor="+cursor, nil).ok(200).into(&page)
		for _, m := range page.Items {
			out[m.CustomerID] = m.CareStatus
		}
		if page.NextCursor == "" {
			return out
		}
		cursor = page.NextCursor
	}
}

type shareRule struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	AssignedTo string     `json:"assigned_to"`
	Type       string     `json:"type"`
	CampaignID string     `json:"campaign_id"`
	UserIDs    []string   `json:"user_ids"`
	Every      string     `json:"every"`
	Enabled    bool       `json:"enabled"`
	LastRunAt  *time.Time `json:"last_run_at"`
	NextRunAt  *time.Time `json:"next_run_at"`
}

// ruleEntries counts a customer's history entries made by a share rule,
// by action.
func ruleEntries(c *client, customerID, ruleID string) map[string]int {
	var h struct {
		Items []struct {
			Action string `json:"action"`
			Actor  struct {
				Kind, ID, Name string
			} `json:"actor"`
		} `json:"items"`
	}
	c.do("GET", "/v1/customers/"+customerID+"/history?limit=100", nil).ok(200).into(&h)
	out := map[string]int{}
	for _, e := range h.Items {
		if e.Actor.Kind == "share_rule" && e.Actor.ID == ruleID {
			out[e.Action]++
		}
	}
	return out
}

// Seed 003: a share rule shares, on its schedule, every member of its
// campaign whose care status is "multi_assigned" read-only with its users
// and moves the member to "multi_assigned_done"; run again, it changes
// nothing more; a user taken off the rule gets nothing new; history names
// the rule.
func TestShareRuleSharesMultiAssignedMembers(t *testing.T) {
	s := start(t, false)
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, hcm)
	s.setClock(t0)
	admin, _ := s.workspace("Công ty Sự Kiện")
	owner := admin.user("Chị Hoa", "staff")
	lan, minh := admin.user("Lan", "staff"), admin.user("Minh", "staff")
	mk := func(name string) string {
		return admin.createCustomer(map[string]any{"name": name, "owner_id": owner.userID}).ID
	}
	an, binh, chi, other := mk("Nguyễn Văn An"), mk("Trần Thị Bình"), mk("Lê Chí"), mk("Không Trong Chiến Dịch")
	camp := s.campaignOf(admin, map[string]string{an: "multi_assigned", binh: "multi_assigned", chi: ""})

	var rule shareRule
	admin.do("POST", "/v1/share-rules", map[string]any{"name": "Chia sẻ KH hội thảo", "type": "multi_assigned_account",
		"campaign_id": camp, "user_ids": []string{lan.userID, minh.userID}, "every": "15m"}).ok(201).into(&rule)
	if rule.AssignedTo != admin.userID || !rule.Enabled || rule.Every != "15m" || rule.LastRunAt != nil ||
		rule.NextRunAt == nil || !rule.NextRunAt.Equal(t0.Add(15*time.Minute)) {
		t.Fatalf("new rule = %+v", rule)
	}
	drain := func() { s.anon().do("POST", "/dev/drain", nil).ok(200) }
	drain()
	if got := admin.do("GET", "/v1/customers/"+an, nil).ok(200).obj()["shared_with"]; len(got.([]any)) != 0 {
		t.Fatalf("shared before the rule was due: %v", got)
	}

	s.setClock(t0.Add(15 * time.Minute))
	drain()
	drain() // a second tick at the same time: the run is not started twice
	s.setClock(t0.Add(16 * time.Minute))
	drain() // not due again yet
	versions := map[string]any{}
	for _, id := range []string{an, binh} {
		cu := admin.do("GET", "/v1/customers/"+id, nil).ok(200).obj()
		if got := strs(cu["shared_with"]); !slices.Equal(got, sorted(lan.userID, minh.userID)) {
			t.Fatalf("%s shared with %v", cu["name"], got)
		}
		versions[id] = cu["version"]
		if got := ruleEntries(admin, id, rule.ID); got["shared"] != 1 || got["campaign_care_status_changed"] != 1 {
			t.Fatalf("%s: history of the rule %v, want one share and one care status", cu["name"], got)
		}
	}
	care := careStatuses(admin, camp)
	if care[an] != "multi_assigned_done" || care[binh] != "multi_assigned_done" || care[chi] != "" {
		t.Fatalf("care statuses after the run: %v", care)
	}
	for _, id := range []string{chi, other} {
		if got := strs(admin.do("GET", "/v1/customers/"+id, nil).ok(200).obj()["shared_with"]); len(got) != 0 {
			t.Fatalf("a customer not awaiting sharing was shared: %v", got)
		}
	}
	admin.do("GET", "/v1/share-rules/"+rule.ID, nil).ok(200).into(&rule)
	if rule.LastRunAt == nil || !rule.LastRunAt.Equal(t0.Add(15*time.Minute)) || !rule.NextRunAt.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("after the run: last %v, next %v", rule.LastRunAt, rule.NextRunAt)
	}

	// A user the customer is shared with reads it, in lists too, and
	// can't change it.
	lan.do("GET", "/v1/customers/"+an, nil).ok(200)
	if got := ids(lan.list("").Items); !slices.Contains(got, an) || slices.Contains(got, chi) {
		t.Fatalf("Lan's list: %v", got)
	}
	for _, lang := range []string{"vi", "en"} {
		c := *lan
		c.lang = lang
		p := c.do("PATCH", "/v1/customers/"+an, map[string]any{"name": "Sửa"}).problem(403)
		want := map[string]string{"vi": "Khách hàng này chỉ được chia sẻ để xem, bạn không thể chỉnh sửa.",
			"en": "This customer is shared with you read-only; you can't change it."}[lang]
		if p.Code != "shared_read_only" || p.Detail != want {
			t.Fatalf("%s: edit by a shared user: %+v", lang, p)
		}
	}

	// Minh is taken off the rule; a new member awaits sharing.
	admin.do("PATCH", "/v1/share-rules/"+rule.ID, map[string]any{"user_ids": []string{lan.userID}}).ok(200)
	dung := mk("Phạm Dũng")
	addMembers(admin, camp, map[string]string{dung: "multi_assigned"})
	s.setClock(t0.Add(30 * time.Minute))
	drain()
	if got := strs(admin.do("GET", "/v1/customers/"+dung, nil).ok(200).obj()["shared_with"]); !slices.Equal(got, []string{lan.userID}) {
		t.Fatalf("the new member shared with %v, want Lan alone", got)
	}
	minh.do("GET", "/v1/customers/"+dung, nil).problem(404)
	minh.do("GET", "/v1/customers/"+an, nil).ok(200) // the shares made stay
	for _, id := range []string{an, binh} {
		cu := admin.do("GET", "/v1/customers/"+id, nil).ok(200).obj()
		if cu["version"] != versions[id] || ruleEntries(admin, id, rule.ID)["shared"] != 1 {
			t.Fatalf("%s changed by the second run: version %v → %v", cu["name"], versions[id], cu["version"])
		}
	}
	if care := careStatuses(admin, camp); care[dung] != "multi_assigned_done" {
		t.Fatalf("the new member's care status: %q", care[dung])
	}
}

// A run's job that fails between sharing a member and marking it, or after
// marking it, is delivered again: each member is shared once and marked
// once.
func TestShareRuleJobDeliveredAgain(t *testing.T) {
	s := start(t, false)
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, hcm)
	s.setClock(t0)
	admin, _ := s.workspace("Công ty Thử Lại")
	lan := admin.user("Lan", "staff")
	an := admin.createCustomer(map[string]any{"name": "An"}).ID
	binh := admin.createCustomer(map[string]any{"name": "Bình"}).ID
	camp := s.campaignOf(admin, map[string]string{an: "multi_assigned", binh: "multi_assigned"})
	rule := admin.create("/v1/share-rules", map[string]any{"name": "Chia sẻ", "campaign_id": camp, "user_ids": []string{lan.userID}, "every": "5m"})
	// The first care-status write fails unapplied (the job stopped after
	// sharing An), the second is applied but reported failed (the job
	// stopped after marking Bình).
	var mu sync.Mutex
	writes := 0
	s.faults.set(func(w faultstore.Write) faultstore.Fault {
		if _, ok := w.PutsOf("campaign_member"); !ok {
			return faultstore.None
		}
		mu.Lock()
		defer mu.Unlock()
		switch writes++; writes {
		case 1:
			return faultstore.Before
		case 3:
			return faultstore.After
		}
		return faultstore.None
	})
	drain := func() { s.anon().do("POST", "/dev/drain", nil).ok(200) }
	s.setClock(t0.Add(5 * time.Minute))
	for i := range 4 {
		drain()
		s.setClock(t0.Add(5*time.Minute + time.Duration(i+1)*30*time.Second)) // the job's retry comes due
	}
	mu.Lock()
	struck := writes
	mu.Unlock()
	if struck < 3 {
		t.Fatalf("%d care-status writes: the faults never struck", struck)
	}
	care := careStatuses(admin, camp)
	for _, id := range []string{an, binh} {
		cu := admin.do("GET", "/v1/customers/"+id, nil).ok(200).obj()
		if got := strs(cu["shared_with"]); !slices.Equal(got, []string{lan.userID}) || care[id] != "multi_assigned_done" {
			t.Fatalf("%s: shared with %v, care status %q", cu["name"], got, care[id])
		}
		if got := ruleEntries(admin, id, rule); got["shared"] != 1 || got["campaign_care_status_changed"] != 1 {
			t.Fatalf("%s: history of the rule %v, want one share and one care status", cu["name"], got)
		}
	}
}

// Rule bodies are checked, with the path of what is wrong; only admins
// write rules, everyone reads them.
func TestShareRuleChecks(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Kiểm Tra")
	staff := admin.user("Lan", "staff")
	gone := admin.user("Cũ", "staff")
	admin.do("DELETE", "/v1/users/"+gone.userID, nil).ok(200)
	camp := s.campaignOf(admin, nil)
	for _, tc := range []struct {
		body       map[string]any
		path, code string
		vi, en     string
	}{
		{map[string]any{"name": "X", "campaign_id": camp, "user_ids": []string{staff.userID}, "every": "1m"}, "every", "interval_out_of_range",
			"Khoảng thời gian phải từ 5m đến 24h (ví dụ \"15m\", \"1h\").", "The interval must be between 5m and 24h (e.g. \"15m\", \"1h\")."},
		{map[string]any{"name": "X", "campaign_id": "cmp_nope", "user_ids": []string{staff.userID}}, "campaign_id", "unknown_campaign",
			"Không có chiến dịch \"cmp_nope\".", "There is no campaign \"cmp_nope\"."},
		{map[string]any{"name": "X", "campaign_id": camp, "user_ids": []string{staff.userID, gone.userID}}, "user_ids[1]", "user_inactive",
			"Nhân viên này đã ngừng truy cập.", "This user is deactivated."},
		{map[string]any{"name": "X", "campaign_id": camp, "user_ids": []string{"usr_nope"}}, "user_ids[0]", "unknown_user",
			"Không có nhân viên \"usr_nope\".", "There is no user \"usr_nope\"."},
		{map[string]any{"name": "X", "campaign_id": camp, "user_ids": []string{}}, "user_ids", "required", "Bắt buộc nhập.", "Required."},
	} {
		for _, lang := range []string{"vi", "en"} {
			c := *admin
			c.lang = lang
			p := c.do("POST", "/v1/share-rules", tc.body).problem(422)
			if len(p.Errors) != 1 || p.Errors[0].Path != tc.path || p.Errors[0].Code != tc.code ||
				p.Errors[0].Message != map[string]string{"vi": tc.vi, "en": tc.en}[lang] {
				t.Fatalf("%v (%s): %+v", tc.body, lang, p.Errors)
			}
		}
	}
	staff.do("POST", "/v1/share-rules", map[string]any{"name": "X", "campaign_id": camp, "user_ids": []string{staff.userID}}).problem(403)
	id := admin.create("/v1/share-rules", map[string]any{"name": "X", "campaign_id": camp, "user_ids": []string{staff.userID}})
	var list struct{ Items []shareRule }
	staff.do("GET", "/v1/share-rules", nil).ok(200).into(&list)
	if len(list.Items) != 1 || list.Items[0].ID != id || list.Items[0].Every != "15m" {
		t.Fatalf("staff's list: %+v", list.Items)
	}
	var off shareRule
	admin.do("PATCH", "/v1/share-rules/"+id, map[string]any{"enabled": false}).ok(200).into(&off)
	if off.Enabled || off.NextRunAt != nil {
		t.Fatalf("switched off: %+v", off)
	}
	staff.do("DELETE", "/v1/share-rules/"+id, nil).problem(403)
	admin.do("DELETE", "/v1/share-rules/"+id, nil).ok(204)
	admin.do("GET", "/v1/share-rules/"+id, nil).problem(404)
}

func strs(v any) []string {
	out := []string{}
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}
