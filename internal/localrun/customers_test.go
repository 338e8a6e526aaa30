package localrun_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// setup gives a workspace with a pipeline, a warehouse and custom fields.
type setup struct {
	s                    *system
	admin                *client
	pipeline, won, fresh string
	warehouse            string
}

func newSetup(t *testing.T) *setup {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Thử")
	st := &setup{s: s, admin: admin}
	var pl struct {
		ID    string `json:"id"`
		Steps []struct {
			ID, Name string
		} `json:"steps"`
	}
	admin.do("POST", "/v1/pipelines", map[string]any{"name": "Bán hàng", "steps": []map[string]string{{"name": "Mới"}, {"name": "Chốt đơn"}}}).ok(201).into(&pl)
	st.pipeline, st.fresh, st.won = pl.ID, pl.Steps[0].ID, pl.Steps[1].ID
	st.warehouse = admin.create("/v1/warehouses", map[string]any{"name": "Facebook Ads"})
	admin.create("/v1/fields", map[string]any{"key": "customer_type", "label": "Loại khách hàng", "type": "select", "options": []string{"Thường", "VIP"}})
	admin.create("/v1/fields", map[string]any{"key": "budget", "label": "Ngân sách", "type": "money"})
	return st
}

func TestCustomerLifecycleAndHistory(t *testing.T) {
	st := newSetup(t)
	admin := st.admin
	cu := admin.createCustomer(map[string]any{
		"name": "  Nguyễn Văn A ", "phone": "0912 345 678", "email": "A@Example.VN", "tax_code": "0101234567",
		"birthday": "1990-06-15", "tags": []string{"Khách quen", "khách QUEN", "Hà Nội"},
		"fields": map[string]any{"customer_type": "Thường", "budget": 5000000}, "pipelines": map[string]string{st.pipeline: st.fresh},
	})
	if cu.Code != "KH000001" || cu.Name != "Nguyễn Văn A" || cu.Phone != "+84912345678" || cu.Email != "a@example.vn" {
		t.Fatalf("created %+v", cu)
	}
	if len(cu.Tags) != 2 {
		t.Fatalf("tags = %v, want the repeated tag once", cu.Tags)
	}
	second := admin.createCustomer(map[string]any{"name": "Trần B"})
	if second.Code != "KH000002" {
		t.Fatalf("second code = %s", second.Code)
	}

	// PATCH changes only what it names; null clears.
	var up customer
	admin.do("PATCH", "/v1/customers/"+cu.ID, map[string]any{"fields": map[string]any{"customer_type": "VIP", "budget": nil}, "email": nil}).ok(200).into(&up)
	if up.Fields["customer_type"] != "VIP" || up.Fields["budget"] != nil || up.Email != "" || up.Phone != "+84912345678" || up.Version != 2 {
		t.Fatalf("after patch %+v", up)
	}
	// A patch that changes nothing writes nothing.
	admin.do("PATCH", "/v1/customers/"+cu.ID, map[string]any{"name": "Nguyễn Văn A"}).ok(200).into(&up)
	if up.Version != 2 {
		t.Fatalf("a no-op patch moved the version to %d", up.Version)
	}
	// An old version is refused.
	if p := admin.do("PATCH", "/v1/customers/"+cu.ID, map[string]any{"name": "X", "version": 1}).problem(409); p.Code != "version_conflict" {
		t.Fatalf("stale version: %s", p.Code)
	}
	admin.do("POST", "/v1/customers/"+cu.ID+"/step", map[string]string{"pipeline_id": st.pipeline, "step_id": st.won}).ok(200)

	var hist historyPage
	admin.do("GET", "/v1/customers/"+cu.ID+"/history", nil).ok(200).into(&hist)
	actions := []string{}
	for _, h := range hist.Items {
		actions = append(actions, h.Action)
		if h.Actor.Kind != "user" || h.Actor.ID != admin.userID || h.Actor.Name == "" {
			t.Fatalf("history actor = %+v", h.Actor)
		}
	}
	if fmt.Sprint(actions) != "[step_changed updated created]" {
		t.Fatalf("history actions (newest first) = %v", actions)
	}
	changed := map[string][2]any{}
	for _, c := range hist.Items[1].Changes {
		changed[c.Field] = [2]any{c.Before, c.After}
	}
	if changed["fields.customer_type"] != [2]any{"Thường", "VIP"} || changed["email"] != [2]any{"a@example.vn", nil} {
		t.Fatalf("update changes = %v", changed)
	}
	if c := hist.Items[0].Changes; !slices.ContainsFunc(c, func(x struct {
		Field  string `json:"field"`
		Before any    `json:"before"`
		After  any    `json:"after"`
	}) bool {
		return x.Field == "pipelines."+st.pipeline && x.Before == st.fresh && x.After == st.won
	}) {
		t.Fatalf("step change not in history: %+v", c)
	}

	// Delete → trash → restore.
	admin.do("DELETE", "/v1/customers/"+cu.ID, nil).ok(204)
	if got := admin.list(""); slices.Contains(ids(got.Items), cu.ID) {
		t.Fatal("a deleted customer is still listed")
	}
	if got := admin.list("?deleted=true"); !slices.Contains(ids(got.Items), cu.ID) {
		t.Fatal("a deleted customer is not in the trash")
	}
	admin.do("PATCH", "/v1/customers/"+cu.ID, map[string]any{"name": "x"}).problem(404)
	admin.do("POST", "/v1/customers/"+cu.ID+"/restore", nil).ok(200)
	if got := admin.list(""); !slices.Contains(ids(got.Items), cu.ID) {
		t.Fatal("a restored customer is not listed")
	}
	admin.do("POST", "/v1/customers/"+cu.ID+"/restore", nil).problem(409)
}

func TestCareUpdatesDerivedFields(t *testing.T) {
	st := newSetup(t)
	at := time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)
	st.s.setClock(at)
	cu := st.admin.createCustomer(map[string]any{"name": "Khách chăm sóc"})
	if cu.LastCareAt != nil {
		t.Fatal("a new customer has been cared for")
	}
	st.admin.do("POST", "/v1/customers/"+cu.ID+"/notes", map[string]string{"body": "Gọi lại sau Tết"}).ok(201)
	st.admin.do("GET", "/v1/customers/"+cu.ID, nil).ok(200).into(&cu)
	if cu.LastCareAt == nil || !cu.LastCareAt.Equal(at) {
		t.Fatalf("last_care_at after a note = %v, want %v", cu.LastCareAt, at)
	}
	st.s.setClock(at.Add(time.Hour))
	st.admin.do("POST", "/v1/customers/"+cu.ID+"/activities", map[string]any{"name": "Gặp mặt", "type": "meeting", "at": at.Add(30 * time.Minute)}).ok(201)
	st.admin.do("POST", "/v1/customers/"+cu.ID+"/calls", map[string]any{"direction": "outbound", "duration": "2m30s", "result": "Nghe máy"}).ok(201)
	st.admin.do("GET", "/v1/customers/"+cu.ID, nil).ok(200).into(&cu)
	if !cu.LastCareAt.Equal(at.Add(time.Hour)) {
		t.Fatalf("last_care_at after a call = %v", cu.LastCareAt)
	}
	for _, sub := range []string{"notes", "activities", "calls"} {
		var page struct {
			Items []map[string]any `json:"items"`
		}
		st.admin.do("GET", "/v1/customers/"+cu.ID+"/"+sub, nil).ok(200).into(&page)
		if len(page.Items) != 1 {
			t.Fatalf("%s: %d items, want 1", sub, len(page.Items))
		}
	}

	// Appointments keep next_appointment_at: the earliest scheduled one.
	var a1, a2 struct {
		ID string `json:"id"`
	}
	st.admin.do("POST", "/v1/customers/"+cu.ID+"/appointments", map[string]any{"at": at.Add(48 * time.Hour), "title": "Ký hợp đồng", "remind_before": "30m"}).ok(201).into(&a1)
	st.admin.do("POST", "/v1/customers/"+cu.ID+"/appointments", map[string]any{"at": at.Add(5 * time.Hour), "title": "Demo sản phẩm"}).ok(201).into(&a2)
	st.admin.do("GET", "/v1/customers/"+cu.ID, nil).ok(200).into(&cu)
	if cu.NextAppt == nil || !cu.NextAppt.Equal(at.Add(5*time.Hour)) {
		t.Fatalf("next_appointment_at = %v, want the earlier one", cu.NextAppt)
	}
	st.admin.do("PATCH", "/v1/customers/"+cu.ID+"/appointments/"+a2.ID, map[string]any{"status": "done"}).ok(200)
	st.admin.do("GET", "/v1/customers/"+cu.ID, nil).ok(200).into(&cu)
	if cu.NextAppt == nil || !cu.NextAppt.Equal(at.Add(48*time.Hour)) {
		t.Fatalf("next_appointment_at after the first is done = %v", cu.NextAppt)
	}
	st.admin.do("DELETE", "/v1/customers/"+cu.ID+"/appointments/"+a1.ID, nil).ok(204)
	st.admin.do("GET", "/v1/customers/"+cu.ID, nil).ok(200).into(&cu)
	if cu.NextAppt != nil {
		t.Fatalf("next_appointment_at with none left = %v", cu.NextAppt)
	}
	var appts struct {
		Items []struct {
			Status string `json:"status"`
		} `json:"items"`
	}
	st.admin.do("GET", "/v1/customers/"+cu.ID+"/appointments", nil).ok(200).into(&appts)
	if len(appts.Items) != 1 || appts.Items[0].Status != "done" {
		t.Fatalf("appointments = %+v", appts.Items)
	}
}

func TestListSearchFilterSortAndPages(t *testing.T) {
	st := newSetup(t)
	admin := st.admin
	base := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	names := []string{"Nguyễn Văn Ánh", "nguyen van binh", "Trần Thị Cúc", "Lê Đức Dũng", "Đặng Thu Hà"}
	var made []customer
	for i, n := range names {
		st.s.setClock(base.Add(time.Duration(i) * time.Minute))
		body := map[string]any{"name": n, "phone": fmt.Sprintf("09123450%02d", i), "fields": map[string]any{"budget": (i + 1) * 1_000_000}}
		if i%2 == 0 {
			body["fields"].(map[string]any)["customer_type"] = "VIP"
		}
		made = append(made, admin.createCustomer(body))
	}
	tests := []struct {
		query string
		want  []int // indexes into made, in order
	}{
		{"", []int{4, 3, 2, 1, 0}},
		{"?sort=created_at", []int{0, 1, 2, 3, 4}},
		{"?q=" + url.QueryEscape("nguyễn văn"), []int{1, 0}},
		{"?q=NGUYEN", []int{1, 0}},
		{"?q=dang", []int{4}},
		{"?q=duc", []int{3}},
		{"?q=" + url.QueryEscape("0912 345 002"), []int{2}},
		{"?q=KH000004", []int{3}},
		{"?sort=name", []int{4, 3, 0, 1, 2}},
		{"?sort=-name", []int{2, 1, 0, 3, 4}},
		{"?filter=" + url.QueryEscape(`[[{"field":"customer_type","op":"eq","value":"VIP"}]]`), []int{4, 2, 0}},
		{"?filter=" + url.QueryEscape(`[[{"field":"budget","op":"gte","value":3000000},{"field":"customer_type","op":"empty"}],[{"field":"name","op":"starts_with","value":"tran"}]]`), []int{3, 2}},
		{"?filter=" + url.QueryEscape(`[[{"field":"name","op":"contains","value":"van"}]]`) + "&q=binh", []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got := ids(admin.list(tc.query).Items)
			var want []string
			for _, i := range tc.want {
				want = append(want, made[i].ID)
			}
			if strings.Contains(tc.query, "q=") {
				// Matches of q come in the search index's order (by the
				// word matched, then id), not by creation.
				slices.Sort(got)
				slices.Sort(want)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}

	// Pinned customers come first, in every order, until their pin lapses.
	st.s.setClock(base.Add(time.Hour))
	admin.do("POST", "/v1/customers/"+made[1].ID+"/pin", map[string]any{"days": 1}).ok(200)
	admin.do("POST", "/v1/customers/"+made[3].ID+"/pin", map[string]any{}).ok(200)
	if got := ids(admin.list("?sort=name").Items); fmt.Sprint(got[:2]) != fmt.Sprint([]string{made[3].ID, made[1].ID}) || len(got) != 5 {
		t.Fatalf("pinned first (by name) = %v", got)
	}
	st.s.setClock(base.Add(26 * time.Hour))
	if got := ids(admin.list("").Items); got[0] != made[3].ID || slices.Index(got, made[1].ID) != 3 {
		t.Fatalf("after one pin lapsed = %v", got)
	}
	admin.do("DELETE", "/v1/customers/"+made[3].ID+"/pin", nil).ok(200)
	if got := ids(admin.list("").Items); got[0] != made[4].ID {
		t.Fatalf("after unpinning = %v", got)
	}
}

// Paging through a list with a cursor sees every customer once, in order.
func TestListPaging(t *testing.T) {
	st := newSetup(t)
	base := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	const n = 130
	want := make([]string, n)
	for i := range n {
		st.s.setClock(base.Add(time.Duration(i) * time.Second))
		want[n-1-i] = st.admin.createCustomer(map[string]any{"name": fmt.Sprintf("Khách %03d", i)}).ID
	}
	st.admin.do("POST", "/v1/customers/"+want[70]+"/pin", map[string]any{}).ok(200)
	pinnedFirst := append([]string{want[70]}, slices.Delete(slices.Clone(want), 70, 71)...)
	for _, sort := range []string{"", "name"} {
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("paging never ended")
			}
			q := "?limit=40&sort=" + sort
			if cursor != "" {
				q += "&cursor=" + url.QueryEscape(cursor)
			}
			p := st.admin.list(q)
			if len(p.Items) > 40 {
				t.Fatalf("page of %d items", len(p.Items))
			}
			got = append(got, ids(p.Items)...)
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		expect := pinnedFirst
		if sort == "name" {
			expect = append([]string{want[70]}, slices.Delete(slices.Clone(want), 70, 71)...)
			slices.Reverse(expect[1:])
		}
		if fmt.Sprint(got) != fmt.Sprint(expect) {
			t.Fatalf("sort %q: paged list differs (%d items):\ngot  %v\nwant %v", sort, len(got), got, expect)
		}
	}
	st.admin.do("GET", "/v1/customers?cursor=garbage", nil).problem(422)
	st.admin.do("GET", "/v1/customers?limit=0", nil).problem(422)
	st.admin.do("GET", "/v1/customers?limit=501", nil).problem(422)
}

func TestIdempotentWrites(t *testing.T) {
	st := newSetup(t)
	c := st.admin.with("Idempotency-Key", "create-1")
	first := c.do("POST", "/v1/customers", map[string]any{"name": "Một lần thôi"}).ok(201)
	again := c.do("POST", "/v1/customers", map[string]any{"name": "Một lần thôi"}).ok(201)
	if string(first.Body) != string(again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay differs:\n%s\n%s", first.Body, again.Body)
	}
	if again.Header.Get("Location") != first.Header.Get("Location") {
		t.Fatal("replay lost the Location header")
	}
	if got := st.admin.list("?q=" + url.QueryEscape("một lần")); len(got.Items) != 1 {
		t.Fatalf("%d customers after a replayed create, want 1", len(got.Items))
	}
	if p := c.do("POST", "/v1/customers", map[string]any{"name": "Khác"}).problem(422); p.Code != "idempotency_key_reused" {
		t.Fatalf("reused key: %s", p.Code)
	}
	// A refused request is remembered too: the retry gets the same refusal.
	bad := st.admin.with("Idempotency-Key", "bad-1")
	bad.do("POST", "/v1/customers", map[string]any{"name": ""}).problem(422)
	bad.do("POST", "/v1/customers", map[string]any{"name": ""}).problem(422)
	// Keys are per user: another user's same key is another request.
	other := st.admin.user("Người khác", "admin").with("Idempotency-Key", "create-1")
	other.do("POST", "/v1/customers", map[string]any{"name": "Một lần thôi"}).ok(201)
}

// A bulk step change moves what the caller may change and reports the
// rest, customer by customer.
func TestBulkStepChange(t *testing.T) {
	st := newSetup(t)
	staff := st.admin.user("Nhân viên", "staff")
	mine := staff.createCustomer(map[string]any{"name": "Của nhân viên"})
	shared := st.admin.createCustomer(map[string]any{"name": "Được chia sẻ"})
	st.admin.do("PUT", "/v1/customers/"+shared.ID+"/shares", map[string]any{"user_ids": []string{staff.userID}}).ok(200)
	other := st.admin.createCustomer(map[string]any{"name": "Của người khác"})
	var res struct {
		Updated []string `json:"updated"`
		Failed  []struct {
			ID, Code, Message string
		} `json:"failed"`
	}
	staff.with("Accept-Language", "en").do("POST", "/v1/customers/bulk/step", map[string]any{
		"ids": []string{mine.ID, shared.ID, other.ID, "cus_missing", mine.ID}, "pipeline_id": st.pipeline, "step_id": st.won,
	}).ok(200).into(&res)
	if fmt.Sprint(res.Updated) != fmt.Sprint([]string{mine.ID}) || len(res.Failed) != 3 {
		t.Fatalf("result = %+v", res)
	}
	codes := map[string]string{}
	for _, f := range res.Failed {
		codes[f.ID] = f.Code
		if f.Message == "" {
			t.Fatalf("failure without a message: %+v", f)
		}
	}
	if codes[shared.ID] != "shared_read_only" || codes[other.ID] != "not_found" || codes["cus_missing"] != "not_found" {
		t.Fatalf("failure codes = %v", codes)
	}
	staff.do("GET", "/v1/customers/"+mine.ID, nil).ok(200).into(&mine)
	if mine.Pipelines[st.pipeline] != st.won || mine.LastCareAt == nil {
		t.Fatalf("moved customer = %+v", mine)
	}
}
