package main

import (
	"bytes"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/sheet"
)

// tourStep is what one call of the README's tour must do: the line that
// makes it (a piece of it), the status it answers (0: any 2xx) and the
// effect the README announces, checked on the answer.
type tourStep struct {
	line   string
	status int
	check  func(t *testing.T, r *tourRun, body []byte)
}

// tourSteps follow the README's tour call by call.
var tourSteps = []tourStep{
	// Tokens and the demo workspace.
	{line: `TOKEN=$(curl -s -X POST $TEND/dev/token`, check: func(t *testing.T, r *tourRun, body []byte) {
		if decode[struct{ Token string }](t, body).Token == "" {
			t.Fatal("no token")
		}
	}},
	{line: `curl -s $TEND/v1/me -H "$AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		me := decode[struct {
			Role      string
			Workspace struct{ Name string }
		}](t, body)
		if me.Role != "admin" || me.Workspace.Name != "Công ty Demo Tend" {
			t.Fatalf("me = %+v, want the admin of the demo workspace", me)
		}
	}},
	{line: `curl -s $TEND/v1/users -H "$AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		want := map[string]string{"Quản trị viên": "admin", "Trần Thị Lan": "team_leader", "Nguyễn Văn Minh": "staff", "Lê Thị Hoa": "staff", "Phạm Quốc Huy": "staff"}
		got := map[string]string{}
		for _, u := range decode[tourPage[tourUser]](t, body).Items {
			got[u.Name] = u.Role
		}
		for name, role := range want {
			if got[name] != role {
				t.Errorf("user %s has role %q, want %q", name, got[name], role)
			}
		}
	}},
	{line: `curl -s $TEND/v1/pipelines -H "$AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		if salesPipeline(t, body).ID == "" {
			t.Fatal("no Bán hàng pipeline")
		}
	}},
	{line: `curl -s $TEND/v1/fields -H "$AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		fields := decode[tourPage[struct {
			Key     string
			Options []string
		}]](t, body).Items
		i := slices.IndexFunc(fields, func(f struct {
			Key     string
			Options []string
		}) bool {
			return f.Key == "customer_type"
		})
		if i < 0 || !slices.Contains(fields[i].Options, "VIP") || !slices.Contains(fields[i].Options, "Tiềm năng") {
			t.Fatal("no customer_type field with Tiềm năng and VIP")
		}
	}},
	{line: `"$TEND/v1/customers?q=nguyen"`, check: func(t *testing.T, r *tourRun, body []byte) {
		mustList(t, decode[tourPage[tourCustomer]](t, body).Items, "Nguyễn Văn An")
	}},

	// A new customer, for Lê Thị Hoa.
	{line: `HOA=$(curl -s $TEND/v1/users`, check: func(t *testing.T, r *tourRun, body []byte) {
		if got := userNamed(t, body, "Lê Thị Hoa"); got != r.v(t, "HOA") {
			t.Fatalf("$HOA = %q, want Lê Thị Hoa's id %q", r.vars["HOA"], got)
		}
	}},
	{line: `CUSTOMER=$(curl -s -X POST $TEND/v1/customers`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		c := decode[tourCustomer](t, body)
		if c.ID != r.v(t, "CUSTOMER") || c.OwnerID != r.v(t, "HOA") {
			t.Fatalf("created %s owned by %q; $CUSTOMER = %q, want it owned by Lê Thị Hoa", c.ID, c.OwnerID, r.vars["CUSTOMER"])
		}
	}},
	{line: `curl -s $TEND/v1/customers/$CUSTOMER -H "$AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		c := decode[tourCustomer](t, body)
		if c.Name != "Phạm Thị Thu" || c.Phone != "+84398765432" || c.Email != "thu.pham@example.vn" || c.Fields["customer_type"] != "Tiềm năng" {
			t.Fatalf("customer = %+v, want Phạm Thị Thu, +84398765432 (E.164), Tiềm năng", c)
		}
	}},

	// Edit, pipeline, note, meeting, history.
	{line: `curl -s -X PATCH $TEND/v1/customers/$CUSTOMER`, check: func(t *testing.T, r *tourRun, body []byte) {
		c := decode[tourCustomer](t, body)
		if !slices.Equal(c.Tags, []string{"Hà Nội"}) || c.Fields["company_size"] != 12.0 || c.Fields["customer_type"] != "Tiềm năng" {
			t.Fatalf("edited customer = %+v, want tag Hà Nội, company size 12, still Tiềm năng", c)
		}
	}},
	{line: `PIPELINE=$(curl -s $TEND/v1/pipelines`, check: func(t *testing.T, r *tourRun, body []byte) {
		if p := salesPipeline(t, body); p.ID != r.v(t, "PIPELINE") {
			t.Fatalf("$PIPELINE = %q, want Bán hàng %q", r.vars["PIPELINE"], p.ID)
		}
	}},
	{line: `STEP=$(curl -s $TEND/v1/pipelines/$PIPELINE`, check: func(t *testing.T, r *tourRun, body []byte) {
		p := decode[tourPipeline](t, body)
		if len(p.Steps) < 2 || p.Steps[1].ID != r.v(t, "STEP") || p.Steps[1].Name != "Đang tư vấn" {
			t.Fatalf("$STEP = %q, want the second step, Đang tư vấn, of %+v", r.vars["STEP"], p.Steps)
		}
	}},
	{line: `$TEND/v1/customers/$CUSTOMER/step`, check: func(t *testing.T, r *tourRun, body []byte) {
		if c := decode[tourCustomer](t, body); c.Pipelines[r.v(t, "PIPELINE")] != r.v(t, "STEP") {
			t.Fatalf("pipelines = %v, want the customer at $STEP", c.Pipelines)
		}
	}},
	{line: `$TEND/v1/customers/$CUSTOMER/notes`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		if n := decode[struct{ Body string }](t, body); n.Body != "Khách hẹn gọi lại sau 17h" {
			t.Fatalf("note = %+v", n)
		}
	}},
	{line: `$TEND/v1/customers/$CUSTOMER/appointments`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		a := decode[struct {
			At     time.Time
			Status string
		}](t, body)
		if !a.At.Equal(time.Date(2030, 1, 15, 3, 0, 0, 0, time.UTC)) || a.Status != "scheduled" {
			t.Fatalf("appointment = %+v", a)
		}
	}},
	{line: `$TEND/v1/customers/$CUSTOMER/history`, check: func(t *testing.T, r *tourRun, body []byte) {
		var actions []string
		changed := map[string][2]any{}
		for _, h := range decode[tourPage[tourHistory]](t, body).Items {
			actions = append(actions, h.Action)
			if h.Actor.Name != "Quản trị viên" {
				t.Errorf("%s by %q, want by Quản trị viên", h.Action, h.Actor.Name)
			}
			for _, c := range h.Changes {
				changed[c.Field] = [2]any{c.Before, c.After}
			}
		}
		if want := []string{"appointment_added", "note_added", "step_changed", "updated", "created"}; !slices.Equal(actions, want) {
			t.Fatalf("history = %v, want %v", actions, want)
		}
		if c := changed["fields.company_size"]; c[0] != nil || c[1] != 12.0 {
			t.Errorf("company size changed %v, want nothing → 12", c)
		}
		if c := changed["pipelines."+r.v(t, "PIPELINE")]; c[1] != r.v(t, "STEP") {
			t.Errorf("pipeline step changed %v, want → $STEP", c)
		}
	}},

	// Lists.
	{line: `"$TEND/v1/customers?q=pham%20thi"`, check: func(t *testing.T, r *tourRun, body []byte) {
		mustList(t, decode[tourPage[tourCustomer]](t, body).Items, "Phạm Thị Thu")
	}},
	{line: `--data-urlencode 'filter=`, check: func(t *testing.T, r *tourRun, body []byte) {
		items := decode[tourPage[tourCustomer]](t, body).Items
		mustList(t, items, "Phạm Thị Thu", "Nguyễn Văn An")
		for _, c := range items {
			if c.Fields["customer_type"] != "Tiềm năng" {
				t.Errorf("the filter lists %s, of type %v", c.Name, c.Fields["customer_type"])
			}
		}
	}},
	{line: `"$TEND/v1/customers?sort=name&limit=2"`, check: func(t *testing.T, r *tourRun, body []byte) {
		page := decode[tourPage[tourCustomer]](t, body)
		if len(page.Items) != 2 || page.NextCursor == "" {
			t.Fatalf("%d customers, next cursor %q: want a page of 2 and more to come", len(page.Items), page.NextCursor)
		}
		if a, b := domain.Fold(page.Items[0].Name), domain.Fold(page.Items[1].Name); a > b {
			t.Fatalf("%s before %s: not sorted by name", page.Items[0].Name, page.Items[1].Name)
		}
	}},
	{line: `$TEND/v1/customers/$CUSTOMER/pin`, check: func(t *testing.T, r *tourRun, body []byte) {
		c := decode[tourCustomer](t, body)
		if c.PinnedAt == nil || c.PinnedUntil == nil || c.PinnedUntil.Sub(*c.PinnedAt) != 72*time.Hour {
			t.Fatalf("pinned %v until %v, want for 3 days", c.PinnedAt, c.PinnedUntil)
		}
	}},

	// List settings, a shared filter and an export.
	{line: `$TEND/v1/settings/list -H "$AUTH" -d '{"columns"`, check: func(t *testing.T, r *tourRun, body []byte) {
		st := decode[struct {
			Columns []string
			Sort    string
			Default bool
		}](t, body)
		if !slices.Equal(st.Columns, []string{"name", "phone", "email", "customer_type"}) || st.Sort != "name" || st.Default {
			t.Fatalf("settings = %+v", st)
		}
	}},
	{line: `$TEND/v1/saved-filters -H "$AUTH" -d '{"name": "Khách tiềm năng"`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		f := decode[struct {
			ID     string
			Shared bool
		}](t, body)
		if f.ID == "" || !f.Shared {
			t.Fatalf("saved filter = %+v, want a shared one", f)
		}
	}},
	{line: `$TEND/v1/customers/export -H "$AUTH" -d format=csv`, check: func(t *testing.T, r *tourRun, body []byte) {
		text, ok := strings.CutPrefix(string(body), "\ufeff")
		lines := strings.Split(strings.TrimSpace(text), "\r\n")
		if !ok || lines[0] != "Tên khách hàng,Số điện thoại,Email,Loại khách hàng" {
			t.Fatalf("export starts %q, want a BOM and the columns' Vietnamese labels", lines[0])
		}
		// Pinned Phạm Thị Thu first, then by name as the settings say;
		// only "Tiềm năng" customers.
		if len(lines) != 3 || lines[1] != "Phạm Thị Thu,0398765432,thu.pham@example.vn,Tiềm năng" || !strings.HasPrefix(lines[2], "Nguyễn Văn An,0912345678,") {
			t.Fatalf("export = %q, want the pinned Phạm Thị Thu, then Nguyễn Văn An", lines)
		}
		for _, l := range lines[1:] {
			if !strings.HasSuffix(l, ",Tiềm năng") {
				t.Fatalf("exported %q, which is not Tiềm năng", l)
			}
		}
	}},

	// Duplicates, with the owner named.
	{line: `$TEND/v1/settings/duplicates`, check: func(t *testing.T, r *tourRun, body []byte) {
		got := decode[struct{ Criteria []string }](t, body).Criteria
		slices.Sort(got)
		if !slices.Equal(got, []string{"email", "phone"}) {
			t.Fatalf("criteria = %v, want email and phone", got)
		}
	}},
	{line: `-d '{"name": "Thu", "phone": "+84398765432"}'`, status: 409, check: func(t *testing.T, r *tourRun, body []byte) {
		mustProblem(t, body, "duplicate_customer", "phone", "Số điện thoại đã tồn tại trong khách hàng Phạm Thị Thu thuộc chủ sở hữu Lê Thị Hoa")
	}},
	{line: `-H "Accept-Language: en" -d '{"name": "Thu", "email": "THU.PHAM@example.vn"}'`, status: 409, check: func(t *testing.T, r *tourRun, body []byte) {
		mustProblem(t, body, "duplicate_customer", "email", "Email already exists in customer Phạm Thị Thu owned by Lê Thị Hoa")
	}},

	// A staff member's view.
	{line: `STAFF=$(curl -s $TEND/v1/users`, check: func(t *testing.T, r *tourRun, body []byte) {
		if got := userNamed(t, body, "Nguyễn Văn Minh"); got != r.v(t, "STAFF") {
			t.Fatalf("$STAFF = %q, want Nguyễn Văn Minh's id %q", r.vars["STAFF"], got)
		}
	}},
	{line: `STAFF_AUTH="Authorization: Bearer $(curl -s -X POST $TEND/dev/token`, check: func(t *testing.T, r *tourRun, body []byte) {
		if decode[struct{ Token string }](t, body).Token == "" || r.v(t, "STAFF_AUTH") == "Authorization: Bearer " {
			t.Fatal("no token for Nguyễn Văn Minh")
		}
	}},
	{line: `curl -s $TEND/v1/customers -H "$STAFF_AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		items := decode[tourPage[tourCustomer]](t, body).Items
		if len(items) != 2 {
			t.Fatalf("Nguyễn Văn Minh lists %d customers, want his two", len(items))
		}
		for _, c := range items {
			if c.OwnerID != r.v(t, "STAFF") {
				t.Errorf("Nguyễn Văn Minh lists %s, owned by %s", c.Name, c.OwnerID)
			}
		}
	}},
	{line: `"$TEND/v1/lookup?q=pham%20thi%20thu" -H "$STAFF_AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		items := decode[tourPage[struct {
			ID      string
			Name    string
			Visible bool
			Owner   *struct{ ID, Name string }
		}]](t, body).Items
		if len(items) != 1 || items[0].ID != r.v(t, "CUSTOMER") || items[0].Visible || items[0].Owner == nil ||
			items[0].Owner.ID != r.v(t, "HOA") || items[0].Owner.Name != "Lê Thị Hoa" {
			t.Fatalf("lookup = %+v, want Phạm Thị Thu, not visible, owned by Lê Thị Hoa", items)
		}
	}},
	{line: `curl -s $TEND/v1/customers/$CUSTOMER -H "$STAFF_AUTH"`, status: 404, check: func(t *testing.T, r *tourRun, body []byte) {
		mustProblem(t, body, "not_found", "", "Không tìm thấy khách hàng.")
	}},

	// Idempotency.
	{line: `-H "Idempotency-Key: lead-123"`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		if c := decode[tourCustomer](t, body); c.Name != "Võ Minh Khang" {
			t.Fatalf("created %+v", c)
		}
	}},
	{line: `-H "Idempotency-Key: lead-123"`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		var page tourPage[tourCustomer]
		r.get(t, "/v1/customers?q=vo%20minh%20khang", &page)
		if len(page.Items) != 1 || page.Items[0].ID != decode[tourCustomer](t, body).ID {
			t.Fatalf("after the retry: %d customers Võ Minh Khang; the retry answered %s", len(page.Items), body)
		}
	}},

	// The VIP rule, and why she is VIP.
	{line: `$TEND/v1/automations -H "$AUTH" -d '{"name": "Khách VIP"`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		if rule := decode[struct{ Enabled bool }](t, body); !rule.Enabled {
			t.Fatal("the rule is not enabled")
		}
	}},
	{line: `$TEND/v1/orders`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		o := decode[struct {
			CustomerID string `json:"customer_id"`
			Status     string
		}](t, body)
		if o.CustomerID != r.v(t, "CUSTOMER") || o.Status != "completed" {
			t.Fatalf("order = %+v", o)
		}
	}},
	{line: `curl -s -X POST $TEND/dev/drain`, check: mustDrain},
	{line: `curl -s $TEND/v1/customers/$CUSTOMER -H "$AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		if c := decode[tourCustomer](t, body); c.Fields["customer_type"] != "VIP" || c.Revenue != 3500000 {
			t.Fatalf("customer type %v, revenue %v: want VIP after 3,500,000 of orders", c.Fields["customer_type"], c.Revenue)
		}
	}},
	{line: `$TEND/v1/customers/$CUSTOMER/automation-log`, check: func(t *testing.T, r *tourRun, body []byte) {
		log := decode[tourPage[tourOutcome]](t, body).Items
		if len(log) != 1 {
			t.Fatalf("automation log has %d entries, want the one that made her VIP", len(log))
		}
		o := log[0]
		if o.RuleName != "Khách VIP" || o.Matched == nil || o.Matched.Group != 0 || len(o.Matched.Results) != 1 ||
			len(o.Matched.Results[0]) != 1 || o.Matched.Results[0][0].Field != "revenue" || !o.Matched.Results[0][0].Held {
			t.Fatalf("log entry = %+v, want rule Khách VIP matched on revenue", o)
		}
		if len(o.Changes) != 1 || o.Changes[0].Field != "fields.customer_type" || o.Changes[0].Before != "Tiềm năng" || o.Changes[0].After != "VIP" {
			t.Fatalf("log changes = %+v, want customer type Tiềm năng → VIP", o.Changes)
		}
	}},

	// The preview of a daily rule.
	{line: `$TEND/v1/automations/preview`, check: func(t *testing.T, r *tourRun, body []byte) {
		p := decode[struct {
			Matched int
			Sample  []struct {
				CustomerID string `json:"customer_id"`
				Changes    []tourChange
			}
		}](t, body)
		if p.Matched == 0 || len(p.Sample) == 0 || len(p.Sample) > p.Matched {
			t.Fatalf("preview matched %d with %d samples, want some", p.Matched, len(p.Sample))
		}
		for _, s := range p.Sample {
			if s.CustomerID == r.v(t, "CUSTOMER") {
				t.Error("the preview matches Phạm Thị Thu, cared for today")
			}
			var c tourCustomer
			r.get(t, "/v1/customers/"+s.CustomerID, &c)
			if c.LastCareAt != nil {
				t.Errorf("the preview matches %s, cared for at %v", c.Name, c.LastCareAt)
			}
			if !slices.ContainsFunc(s.Changes, func(c tourChange) bool { return c.Field == "pinned_until" && c.After != nil }) {
				t.Errorf("the preview would not pin %s: %+v", c.Name, s.Changes)
			}
		}
	}},

	// Leads through a signed webhook, distributed.
	{line: `WAREHOUSE=$(curl -s $TEND/v1/warehouses`, check: func(t *testing.T, r *tourRun, body []byte) {
		items := decode[tourPage[struct{ ID, Name string }]](t, body).Items
		if len(items) == 0 || items[0].ID != r.v(t, "WAREHOUSE") {
			t.Fatalf("$WAREHOUSE = %q, want the first of %+v", r.vars["WAREHOUSE"], items)
		}
	}},
	{line: `STAFF_IDS=$(curl -s $TEND/v1/users`, check: func(t *testing.T, r *tourRun, body []byte) {
		var want []string
		for _, u := range decode[tourPage[tourUser]](t, body).Items {
			if u.Role == "staff" {
				want = append(want, u.ID)
			}
		}
		if got := strings.Fields(r.v(t, "STAFF_IDS")); len(want) != 3 || !slices.Equal(got, want) {
			t.Fatalf("$STAFF_IDS = %v, want the three staff %v", got, want)
		}
	}},
	{line: `$TEND/v1/distribution-rules`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		rule := decode[struct {
			Type  string
			Staff []struct {
				UserID string `json:"user_id"`
				Weight int
			}
		}](t, body)
		var got []string
		for _, s := range rule.Staff {
			got = append(got, s.UserID)
			if s.Weight != 2 {
				t.Errorf("%s has weight %d, want 2", s.UserID, s.Weight)
			}
		}
		if rule.Type != "weighted" || !slices.Equal(got, strings.Fields(r.v(t, "STAFF_IDS"))) {
			t.Fatalf("rule = %+v, want weighted over $STAFF_IDS", rule)
		}
	}},
	{line: `SOURCE=$(curl -s -X POST $TEND/v1/lead-sources`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		s := decode[struct{ ID, Secret string }](t, body)
		if s.ID != r.v(t, "SOURCE_ID") || s.Secret != r.v(t, "SECRET") {
			t.Fatalf("$SOURCE_ID = %q, $SECRET = %q; the lead source is %+v", r.vars["SOURCE_ID"], r.vars["SECRET"], s)
		}
	}},
	{line: `TS=$(curl -s $TEND/dev/clock`, check: func(t *testing.T, r *tourRun, body []byte) {
		clock := decode[struct {
			Now  time.Time
			Unix int64
		}](t, body)
		if ts := r.v(t, "TS"); ts != strings.TrimSpace(ts) || clock.Unix != clock.Now.Unix() || ts != itoa(clock.Unix) {
			t.Fatalf("$TS = %q, want the runner's clock %v in Unix seconds", ts, clock.Now)
		}
		if clock.Now.Before(tourStart) || clock.Now.After(tourStart.Add(time.Hour)) {
			t.Fatalf("the runner's clock is %v, want the tour's %v", clock.Now, tourStart)
		}
	}},
	{line: `-H "X-Tend-Signature: v1=$SIG"`, status: 202, check: func(t *testing.T, r *tourRun, body []byte) {
		lead := decode[struct {
			LeadID string `json:"lead_id"`
			Status string `json:"status"`
		}](t, body)
		if lead.LeadID == "" || lead.LeadID != r.v(t, "LEAD_ID") || lead.Status != "queued" {
			t.Fatalf("the signed lead answered %s ($LEAD_ID %q), want it queued", body, r.vars["LEAD_ID"])
		}
	}},
	{line: `-H "X-Tend-Signature: v1=bad"`, status: 401, check: func(t *testing.T, r *tourRun, body []byte) {
		mustProblem(t, body, "bad_signature", "", "Chữ ký của yêu cầu không hợp lệ.")
	}},
	{line: `curl -s -X POST $TEND/dev/drain`, check: func(t *testing.T, r *tourRun, body []byte) {
		decode[struct{ Processed int }](t, body)
	}},
	{line: `curl -s $TEND/v1/leads/$LEAD_ID`, check: func(t *testing.T, r *tourRun, body []byte) {
		lead := decode[struct {
			ID         string `json:"id"`
			Status     string `json:"status"`
			CustomerID string `json:"customer_id"`
		}](t, body)
		if lead.ID != r.v(t, "LEAD_ID") || lead.Status != "created" || lead.CustomerID == "" {
			t.Fatalf("the signed lead is %s, want it created", body)
		}
		var c tourCustomer
		r.get(t, "/v1/customers/"+lead.CustomerID, &c)
		if c.Name != "Đỗ Minh Quân" {
			t.Fatalf("the lead's customer = %+v", c)
		}
	}},
	{line: `"$TEND/v1/customers?q=quan"`, check: func(t *testing.T, r *tourRun, body []byte) {
		items := decode[tourPage[tourCustomer]](t, body).Items
		if len(items) != 1 {
			t.Fatalf("%d customers for quan, want the lead", len(items))
		}
		c := items[0]
		if c.Name != "Đỗ Minh Quân" || c.Phone != "+84977123456" || c.Email != "quan.do@example.vn" || c.Source != "Landing page" ||
			c.WarehouseID != r.v(t, "WAREHOUSE") || !slices.Contains(strings.Fields(r.v(t, "STAFF_IDS")), c.OwnerID) {
			t.Fatalf("lead = %+v, want Đỗ Minh Quân in $WAREHOUSE, from Landing page, given to one of $STAFF_IDS", c)
		}
	}},

	// A landing page's form.
	{line: `FORM=$(curl -s -X POST $TEND/v1/lead-sources`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		src := decode[struct {
			ID       string `json:"id"`
			Kind     string `json:"kind"`
			FormPath string `json:"form_path"`
		}](t, body)
		if src.Kind != "form_url" || src.ID != r.v(t, "FORM_ID") || src.FormPath != r.v(t, "FORM_PATH") || !strings.HasPrefix(src.FormPath, "/hooks/f/"+src.ID+".") {
			t.Fatalf("form source %+v: FORM_PATH %q, FORM_ID %q", src, r.vars["FORM_PATH"], r.vars["FORM_ID"])
		}
	}},
	{line: `curl -s -X POST $TEND$FORM_PATH`, status: 202, check: func(t *testing.T, r *tourRun, body []byte) {
		if decode[struct{ Status string }](t, body).Status != "pending" {
			t.Fatalf("the form's post answered %s, want it held", body)
		}
	}},
	{line: `curl -s -X POST $TEND/dev/drain`, check: mustDrain},
	{line: `deliveries -H "$AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		log := decode[struct {
			Items []struct {
				Outcome    string `json:"outcome"`
				CustomerID string `json:"customer_id"`
			}
		}](t, body)
		if len(log.Items) != 1 || log.Items[0].Outcome != "accepted" || log.Items[0].CustomerID == "" {
			t.Fatalf("delivery log %s, want the form's lead accepted", body)
		}
		var c tourCustomer
		r.get(t, "/v1/customers/"+log.Items[0].CustomerID, &c)
		if c.Name != "Phan Thu Trang" || c.Phone != "+84938222333" || c.WarehouseID != r.v(t, "WAREHOUSE") {
			t.Fatalf("the form's customer = %+v", c)
		}
	}},

	// A campaign: the warehouse's customers are registered, Quân presses 2.
	{line: `CAMPAIGN=$(curl -s -X POST $TEND/v1/campaigns`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		c := decode[struct {
			ID, Secret string
			ROI        *float64
		}](t, body)
		if c.ID != r.v(t, "CAMPAIGN_ID") || c.Secret != r.v(t, "CAMPAIGN_SECRET") || c.ROI == nil || *c.ROI != 1.5 {
			t.Fatalf("$CAMPAIGN_ID = %q, $CAMPAIGN_SECRET = %q; the campaign is %s, want an ROI of 1.5", r.vars["CAMPAIGN_ID"], r.vars["CAMPAIGN_SECRET"], body)
		}
	}},
	{line: `/v1/campaigns/$CAMPAIGN_ID/members -H "$AUTH" -d`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		added := decode[struct {
			Added []struct{ Name, Status string }
		}](t, body).Added
		var names []string
		for _, m := range added {
			names = append(names, m.Name)
			if m.Status != "registered" {
				t.Errorf("%s joined the campaign as %q, want registered", m.Name, m.Status)
			}
		}
		var want []string
		for _, c := range tourCustomers(t, r) {
			if c.WarehouseID == r.v(t, "WAREHOUSE") {
				want = append(want, c.Name)
			}
		}
		slices.Sort(names)
		slices.Sort(want)
		if len(want) < 2 || !slices.Equal(names, want) {
			t.Fatalf("members added: %v, want the warehouse's customers %v", names, want)
		}
	}},
	{line: `PRESS_TS=$(curl -s $TEND/dev/clock`, check: func(t *testing.T, r *tourRun, body []byte) {
		if ts := r.v(t, "PRESS_TS"); ts != itoa(decode[struct{ Unix int64 }](t, body).Unix) {
			t.Fatalf("$PRESS_TS = %q, want the runner's clock in Unix seconds", ts)
		}
	}},
	{line: `/hooks/campaigns/$CAMPAIGN_ID/responses`, check: func(t *testing.T, r *tourRun, body []byte) {
		a := decode[struct {
			CustomerID string `json:"customer_id"`
			Status     string
		}](t, body)
		var c tourCustomer
		r.get(t, "/v1/customers/"+a.CustomerID, &c)
		if a.Status != "joined" || c.Name != "Đỗ Minh Quân" {
			t.Fatalf("the key press answered %s (customer %s), want Đỗ Minh Quân joined", body, c.Name)
		}
	}},
	{line: `/v1/campaigns/$CAMPAIGN_ID/stats`, check: func(t *testing.T, r *tourRun, body []byte) {
		st := decode[struct {
			Registered int64 `json:"registered_total"`
			Confirmed  int64 `json:"confirmed_total"`
			Joined     int64 `json:"joined_total"`
			Cancelled  int64 `json:"cancelled_total"`
		}](t, body)
		if n := warehouseCount(t, r); st.Registered != n || st.Confirmed != 1 || st.Joined != 1 || st.Cancelled != 0 {
			t.Fatalf("stats %s, want %d registered, 1 confirmed (the joined one), 1 joined, none cancelled", body, n)
		}
	}},
	{line: `/v1/campaigns/$CAMPAIGN_ID/export?format=html&status=joined`, check: func(t *testing.T, r *tourRun, body []byte) {
		page := string(body)
		if !strings.Contains(page, "Hội thảo khách hàng thân thiết") || !strings.Contains(page, "Đỗ Minh Quân") || strings.Contains(page, "Phan Thu Trang") {
			t.Fatalf("the joined members' page does not list Đỗ Minh Quân alone under the campaign:\n%s", page)
		}
	}},
	{line: `$TEND/v1/reports/campaigns?from=2026-12-01&to=2026-12-31&format=xlsx`, check: func(t *testing.T, r *tourRun, body []byte) {
		rd, err := sheet.Open(bytes.NewReader(body), int64(len(body)), sheet.DefaultLimits)
		if err != nil {
			t.Fatalf("the campaigns report's file: %v", err)
		}
		defer rd.Close()
		h := rd.Header()
		col := func(title string) int {
			i := slices.Index(h, title)
			if i < 0 {
				t.Fatalf("campaigns report header %q has no %q", h, title)
			}
			return i
		}
		name, registered, joined := col("Chiến dịch"), col("Đăng kí"), col("Tham gia")
		row, err := rd.Next()
		if err != nil {
			t.Fatalf("the campaigns report has no row: %v", err)
		}
		n := warehouseCount(t, r)
		if row.Cells[name] != "Hội thảo khách hàng thân thiết" || row.Cells[registered] != itoa(n) || row.Cells[joined] != "1" {
			t.Fatalf("campaigns report row %q, want the campaign with %d registered and 1 joined", row.Cells, n)
		}
	}},

	// The birthday care flow.
	{line: `TPL=$(curl -s -X POST $TEND/v1/templates/email`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		if decode[struct{ ID string }](t, body).ID != r.v(t, "TPL") {
			t.Fatalf("$TPL = %q, want the template's id", r.vars["TPL"])
		}
	}},
	{line: `-d "{\"name\": \"Hoàng Thu Trang\"`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		c := decode[tourCustomer](t, body)
		if c.OwnerID != r.v(t, "OWNER") || c.Birthday == nil || *c.Birthday != "1992-01-15" {
			t.Fatalf("customer = %+v, want born 1992-01-15, owned by $OWNER", c)
		}
	}},
	{line: `FLOW=$(curl -s -X POST $TEND/v1/care-flows`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		if f := decode[struct {
			ID     string
			Active bool
		}](t, body); f.ID != r.v(t, "FLOW") || f.Active {
			t.Fatalf("flow = %+v, $FLOW = %q: want it created inactive", f, r.vars["FLOW"])
		}
	}},
	{line: `$TEND/v1/care-flows/$FLOW/activate`, check: func(t *testing.T, r *tourRun, body []byte) {
		if !decode[struct{ Active bool }](t, body).Active {
			t.Fatal("the flow is not active")
		}
	}},
	{line: `$TEND/dev/clock -d '{"now": "2030-01-15T01:00:00Z"}'`, check: func(t *testing.T, r *tourRun, body []byte) {
		if now := decode[struct{ Now time.Time }](t, body).Now; !now.Equal(birthdayMorning) {
			t.Fatalf("clock = %v, want %v", now, birthdayMorning)
		}
	}},
	{line: `curl -s -X POST $TEND/dev/drain`, check: mustDrain},
	{line: `curl -s $TEND/dev/outbox`, check: func(t *testing.T, r *tourRun, body []byte) {
		var owner tourUser
		r.get(t, "/v1/users/"+r.v(t, "OWNER"), &owner)
		out := decode[tourPage[struct {
			Channel, To, Subject, Body string
			SentAt                     time.Time `json:"sent_at"`
		}]](t, body).Items
		if len(out) != 1 {
			t.Fatalf("outbox has %d messages, want the birthday email", len(out))
		}
		m := out[0]
		if m.Channel != "email" || m.To != "trang@example.vn" || m.Subject != "Chúc mừng sinh nhật Hoàng Thu Trang" ||
			m.Body != "Kính gửi Hoàng Thu Trang, chúc bạn một năm nhiều niềm vui! "+owner.Name || !m.SentAt.Equal(birthdayMorning) {
			t.Fatalf("outbox = %+v, want the birthday email to Hoàng Thu Trang signed %s at 08:00 Hanoi time", m, owner.Name)
		}
	}},
	{line: `curl -s $TEND/v1/messages -H "$AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		msgs := decode[tourPage[struct {
			To, Status string
			Source     struct{ Kind, ID string }
		}]](t, body).Items
		if len(msgs) != 1 || msgs[0].To != "trang@example.vn" || msgs[0].Status != "sent" || msgs[0].Source.Kind != "care_flow" || msgs[0].Source.ID != r.v(t, "FLOW") {
			t.Fatalf("delivery records = %+v, want the birthday email, sent, from $FLOW", msgs)
		}
	}},
	{line: `"$TEND/v1/tasks?assignee_id=$OWNER"`, check: func(t *testing.T, r *tourRun, body []byte) {
		tasks := decode[tourPage[struct {
			Title, Type, Status string
			AssigneeID          string `json:"assignee_id"`
			DueOn               string `json:"due_on"`
		}]](t, body).Items
		if len(tasks) != 1 || tasks[0].Title != "Gọi chúc mừng Hoàng Thu Trang" || tasks[0].Type != "call" || tasks[0].Status != "open" ||
			tasks[0].AssigneeID != r.v(t, "OWNER") || tasks[0].DueOn != "2030-01-16" {
			t.Fatalf("tasks = %+v, want the call to Hoàng Thu Trang for $OWNER, due the next day", tasks)
		}
	}},
	{line: `$TEND/dev/clock -d '{"reset": true}'`, check: mustBeRealTime},

	// Colleagues' birthdays and the inbox's read state.
	{line: `$TEND/v1/users/$HOA -H "$AUTH" -d '{"birthday": "1990-03-08"}'`, check: func(t *testing.T, r *tourRun, body []byte) {
		if b := decode[struct{ Birthday string }](t, body).Birthday; b != "1990-03-08" {
			t.Fatalf("Hoa's birthday = %q", b)
		}
	}},
	{line: `'{"birthday_notices": "workspace"}'`, check: func(t *testing.T, r *tourRun, body []byte) {
		if a := decode[struct {
			BirthdayNotices string `json:"birthday_notices"`
		}](t, body).BirthdayNotices; a != "workspace" {
			t.Fatalf("birthday_notices = %q", a)
		}
	}},
	{line: `$TEND/dev/clock -d '{"now": "2030-03-01T02:00:00Z"}'`, check: func(t *testing.T, r *tourRun, body []byte) {
		if now := decode[struct{ Now time.Time }](t, body).Now; !now.Equal(time.Date(2030, 3, 1, 2, 0, 0, 0, time.UTC)) {
			t.Fatalf("clock = %v", now)
		}
	}},
	{line: `curl -s -X POST $TEND/dev/drain`, check: mustDrain},
	{line: `$TEND/v1/reminders/birthdays`, check: func(t *testing.T, r *tourRun, body []byte) {
		items := decode[struct {
			Items []struct {
				UserID    string `json:"user_id"`
				Name      string
				DaysUntil int `json:"days_until"`
			}
		}](t, body).Items
		if len(items) != 1 || items[0].UserID != r.v(t, "HOA") || items[0].Name != "Lê Thị Hoa" || items[0].DaysUntil != 7 {
			t.Fatalf("birthdays = %+v, want Lê Thị Hoa's in 7 days", items)
		}
	}},
	{line: `NOTE=$(curl -s "$TEND/v1/notifications?unread=true&limit=1"`, check: func(t *testing.T, r *tourRun, body []byte) {
		items := decode[tourPage[struct {
			ID, Kind, Title string
			Subject         struct{ Type, ID string }
		}]](t, body).Items
		if len(items) != 1 || items[0].ID != r.v(t, "NOTE") || items[0].Kind != "staff_birthday" ||
			items[0].Subject.Type != "user" || items[0].Subject.ID != r.v(t, "HOA") || items[0].Title != "Tháng này có sinh nhật của Lê Thị Hoa (08/03)" {
			t.Fatalf("newest unread = %+v, $NOTE = %q: want the notice of Hoa's birthday", items, r.vars["NOTE"])
		}
	}},
	{line: `$TEND/v1/notifications/$NOTE/read`, check: func(t *testing.T, r *tourRun, body []byte) {
		if n := decode[struct {
			ID     string
			ReadAt *time.Time `json:"read_at"`
		}](t, body); n.ID != r.v(t, "NOTE") || n.ReadAt == nil {
			t.Fatalf("read = %+v", n)
		}
	}},
	{line: `$TEND/v1/notifications/read-all`, check: func(t *testing.T, r *tourRun, body []byte) {
		if n := decode[struct {
			Unread int `json:"unread_notifications"`
		}](t, body); n.Unread != 0 {
			t.Fatalf("read-all = %+v, want nothing left unread", n)
		}
	}},
	{line: `curl -s $TEND/v1/me -H "$AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		if n := decode[struct {
			Unread int `json:"unread_notifications"`
		}](t, body); n.Unread != 0 {
			t.Fatalf("me = %+v, want 0 unread", n)
		}
	}},
	{line: `$TEND/dev/clock -d '{"reset": true}'`, check: mustBeRealTime},

	// An import: the template, a file in the user's own layout, the job.
	{line: `$TEND/v1/imports/template.xlsx`, check: func(t *testing.T, r *tourRun, body []byte) {
		rd, err := sheet.Open(bytes.NewReader(body), int64(len(body)), sheet.DefaultLimits)
		if err != nil {
			t.Fatalf("the template: %v", err)
		}
		defer rd.Close()
		if h := rd.Header(); len(h) < 3 || h[0] != "Tên khách hàng (*)" || !slices.Contains(h, "Loại khách hàng") {
			t.Fatalf("template header %q, want the fields' labels, the required marked", h)
		}
	}},
	{line: `IMPORT=$(curl -s -X POST $TEND/v1/imports`, status: 202, check: func(t *testing.T, r *tourRun, body []byte) {
		if j := decode[struct{ ID, Status string }](t, body); j.ID != r.v(t, "IMPORT") || j.Status != "queued" {
			t.Fatalf("import %+v; $IMPORT = %q", j, r.vars["IMPORT"])
		}
	}},
	{line: `curl -s -X POST $TEND/dev/drain`, check: mustDrain},
	{line: `curl -s $TEND/v1/imports/$IMPORT -H "$AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		j := decode[struct {
			Status                   string
			Total, Imported, Refused int
			Errors                   []struct {
				Row           int
				Path, Message string
			}
		}](t, body)
		if j.Status != "done" || j.Total != 3 || j.Imported != 2 || j.Refused != 1 || len(j.Errors) != 1 || j.Errors[0].Row != 3 ||
			j.Errors[0].Path != "birthday" || j.Errors[0].Message != `"31/02/1990" không phải là ngày (ghi dd/mm/yyyy, ví dụ 20/12/1990).` {
			t.Fatalf("import = %+v, want 2 imported and row 3 refused for its date", j)
		}
		var page tourPage[tourCustomer]
		r.get(t, "/v1/customers?q=dang%20thu%20ha", &page)
		if len(page.Items) != 1 || page.Items[0].Phone != "+84365550101" || page.Items[0].Fields["customer_type"] != "VIP" {
			t.Fatalf("imported %+v, want Đặng Thu Hà at +84365550101 (renumbered), VIP", page.Items)
		}
	}},

	// A project: a task due outside its phase is refused, one inside is
	// claimed, commented on with a mention, resolved; its history.
	{line: `PROJECT=$(curl -s -X POST $TEND/v1/projects`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		p := decode[struct {
			ID        string
			MemberIDs []string `json:"member_ids"`
			Statuses  []struct{ Name string }
			Phases    []struct{ ID string }
		}](t, body)
		if p.ID != r.v(t, "PROJECT") || len(p.Phases) != 2 || len(p.Statuses) != 4 || p.Statuses[0].Name != "Mới" ||
			len(p.MemberIDs) != 1 || p.MemberIDs[0] != r.v(t, "HOA") {
			t.Fatalf("project %s; $PROJECT = %q: want two phases, the default statuses and Hoa as a member", body, r.vars["PROJECT"])
		}
	}},
	{line: `PHASE=$(curl -s $TEND/v1/projects/$PROJECT`, check: func(t *testing.T, r *tourRun, body []byte) {
		if !strings.Contains(string(body), `"phases":[{"id":"`+r.v(t, "PHASE")+`","name":"Chuẩn bị"`) {
			t.Fatalf("$PHASE = %q is not the first phase of %s", r.vars["PHASE"], body)
		}
	}},
	{line: `\"due_on\": \"2030-04-03\"}"`, status: 422, check: func(t *testing.T, r *tourRun, body []byte) {
		p := decode[struct {
			Errors []struct{ Path, Code, Message string }
		}](t, body)
		if len(p.Errors) != 1 || p.Errors[0].Path != "due_on" || p.Errors[0].Code != "due_outside_phase" ||
			p.Errors[0].Message != "Hạn hoàn thành phải nằm trong giai đoạn, từ 2030-03-01 đến 2030-03-31." {
			t.Fatalf("errors %+v, want the due date outside its phase, with both dates", p.Errors)
		}
	}},
	{line: `TASK=$(curl -s -X POST $TEND/v1/projects/$PROJECT/tasks`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		tk := decode[struct {
			ID, Status string
			AssigneeID string `json:"assignee_id"`
		}](t, body)
		if tk.ID != r.v(t, "TASK") || tk.AssigneeID != "" || tk.Status != "open" {
			t.Fatalf("task %+v; $TASK = %q: want it open and nobody's", tk, r.vars["TASK"])
		}
	}},
	{line: `$TEND/v1/tasks/$TASK/claim`, check: func(t *testing.T, r *tourRun, body []byte) {
		var me struct{ ID string }
		r.get(t, "/v1/me", &me)
		if a := decode[struct {
			AssigneeID string `json:"assignee_id"`
		}](t, body).AssigneeID; a == "" || a != me.ID {
			t.Fatalf("claimed task's assignee %q, want the caller %q", a, me.ID)
		}
	}},
	{line: `$TEND/v1/tasks/$TASK/comments`, status: 201, check: func(t *testing.T, r *tourRun, body []byte) {
		c := decode[struct {
			Body       string
			MentionIDs []string `json:"mention_ids"`
		}](t, body)
		if c.Body != "Chị Hoa duyệt mẫu giúp em" || len(c.MentionIDs) != 1 || c.MentionIDs[0] != r.v(t, "HOA") {
			t.Fatalf("comment %+v, want Hoa mentioned", c)
		}
	}},
	{line: `-X PATCH $TEND/v1/tasks/$TASK`, check: func(t *testing.T, r *tourRun, body []byte) {
		if tk := decode[struct {
			Status   string
			Progress int
		}](t, body); tk.Status != "resolved" || tk.Progress != 100 {
			t.Fatalf("task %+v, want resolved at 100%%", tk)
		}
	}},
	{line: `$TEND/v1/tasks/$TASK/history`, check: func(t *testing.T, r *tourRun, body []byte) {
		var got []string
		for _, e := range decode[tourPage[struct{ Action string }]](t, body).Items {
			got = append(got, e.Action)
		}
		if want := []string{"add", "claim", "comment", "status_change", "edit"}; !slices.Equal(got, want) {
			t.Fatalf("history %v, want %v", got, want)
		}
	}},

	// Reports: what the counters say now equals what the customers are
	// (the periods' figures depend on the day the tour runs: the runner's
	// clock went back to the real time).
	{line: `curl -s $TEND/v1/reports/owners -H "$AUTH"`, check: func(t *testing.T, r *tourRun, body []byte) {
		rep := decode[struct {
			Rows []struct {
				UserID string `json:"user_id"`
				Owned  int    `json:"owned"`
			}
			Totals struct{ Owned int }
		}](t, body)
		owned := map[string]int{}
		total := 0
		for _, c := range tourCustomers(t, r) {
			if c.OwnerID != "" {
				owned[c.OwnerID]++
				total++
			}
		}
		var users tourPage[tourUser]
		r.get(t, "/v1/users", &users)
		if len(rep.Rows) != len(users.Items) || rep.Totals.Owned != total || total == 0 {
			t.Fatalf("owners report %+v, want a row for each of the %d users and %d customers owned", rep, len(users.Items), total)
		}
		for _, row := range rep.Rows {
			if row.Owned != owned[row.UserID] {
				t.Errorf("%s owns %d customers, the report says %d", row.UserID, owned[row.UserID], row.Owned)
			}
		}
	}},
	{line: `$TEND/v1/reports/funnel?pipeline_id=$PIPELINE&format=xlsx`, check: func(t *testing.T, r *tourRun, body []byte) {
		rd, err := sheet.Open(bytes.NewReader(body), int64(len(body)), sheet.DefaultLimits)
		if err != nil {
			t.Fatalf("the funnel's file: %v", err)
		}
		defer rd.Close()
		if h := rd.Header(); len(h) < 3 || h[1] != "Bước" || h[2] != "Khách hàng hiện tại" {
			t.Fatalf("funnel header %q", h)
		}
		pipeline := r.v(t, "PIPELINE")
		atStep := map[string]int{}
		for _, c := range tourCustomers(t, r) {
			if st := c.Pipelines[pipeline]; st != "" {
				atStep[st]++
			}
		}
		var pl tourPipeline
		r.get(t, "/v1/pipelines/"+pipeline, &pl)
		for _, st := range pl.Steps {
			row, err := rd.Next()
			if err != nil {
				t.Fatalf("the funnel ends before step %s: %v", st.Name, err)
			}
			if row.Cells[0] != st.ID || row.Cells[1] != st.Name || row.Cells[2] != strconv.Itoa(atStep[st.ID]) {
				t.Errorf("funnel row %q, want step %s with %d customers now", row.Cells, st.Name, atStep[st.ID])
			}
		}
	}},
}

// birthdayMorning is 08:00 on 15 January 2030 in Hanoi.
var birthdayMorning = time.Date(2030, 1, 15, 1, 0, 0, 0, time.UTC)

// tourCustomers are every customer of the tour's workspace, as the admin
// sees them.
func tourCustomers(t *testing.T, r *tourRun) []tourCustomer {
	var all []tourCustomer
	cursor := ""
	for {
		var page tourPage[tourCustomer]
		r.get(t, "/v1/customers?limit=100&cursor="+url.QueryEscape(cursor), &page)
		all = append(all, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			return all
		}
	}
}

type tourPage[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

type tourUser struct{ ID, Name, Role string }

type tourPipeline struct {
	ID, Name string
	Steps    []struct{ ID, Name string }
}

type tourCustomer struct {
	ID, Name, Phone, Email, Source string
	OwnerID                        string            `json:"owner_id"`
	WarehouseID                    string            `json:"warehouse_id"`
	Fields                         map[string]any    `json:"fields"`
	Pipelines                      map[string]string `json:"pipelines"`
	Tags                           []string          `json:"tags"`
	Revenue                        float64           `json:"revenue"`
	Birthday                       *string           `json:"birthday"`
	PinnedAt                       *time.Time        `json:"pinned_at"`
	PinnedUntil                    *time.Time        `json:"pinned_until"`
	LastCareAt                     *time.Time        `json:"last_care_at"`
}

type tourChange struct {
	Field         string
	Before, After any
}

type tourHistory struct {
	Action  string
	Actor   struct{ Name string }
	Changes []tourChange
}

type tourOutcome struct {
	RuleName string `json:"rule_name"`
	Matched  *struct {
		Group   int
		Results [][]struct {
			Field string
			Held  bool
		}
	}
	Changes []tourChange
}

func salesPipeline(t *testing.T, body []byte) tourPipeline {
	t.Helper()
	items := decode[tourPage[tourPipeline]](t, body).Items
	if len(items) == 0 || items[0].Name != "Bán hàng" {
		t.Fatalf("pipelines = %+v, want Bán hàng first", items)
	}
	return items[0]
}

// warehouseCount is how many customers the tour's warehouse holds now.
func warehouseCount(t *testing.T, r *tourRun) int64 {
	var n int64
	for _, c := range tourCustomers(t, r) {
		if c.WarehouseID == r.v(t, "WAREHOUSE") {
			n++
		}
	}
	return n
}

func userNamed(t *testing.T, body []byte, name string) string {
	t.Helper()
	for _, u := range decode[tourPage[tourUser]](t, body).Items {
		if u.Name == name {
			return u.ID
		}
	}
	t.Fatalf("no user %s", name)
	return ""
}

func mustList(t *testing.T, items []tourCustomer, names ...string) {
	t.Helper()
	for _, name := range names {
		if !slices.ContainsFunc(items, func(c tourCustomer) bool { return c.Name == name }) {
			t.Errorf("the list has no %s", name)
		}
	}
}

// mustProblem checks a problem answer: its code, its message and, when
// path is set, the element it names with the same message.
func mustProblem(t *testing.T, body []byte, code, path, detail string) {
	t.Helper()
	p := decode[struct {
		Code, Detail string
		Errors       []struct{ Path, Code, Message string }
	}](t, body)
	if p.Code != code || p.Detail != detail {
		t.Fatalf("problem %s: %q, want %s: %q", p.Code, p.Detail, code, detail)
	}
	if path != "" && (len(p.Errors) != 1 || p.Errors[0].Path != path || p.Errors[0].Code != code || p.Errors[0].Message != detail) {
		t.Fatalf("errors = %+v, want %s at %s: %q", p.Errors, code, path, detail)
	}
}

// mustBeRealTime checks the runner's clock is back on the real time (a
// reset of /dev/clock), the one place the tour reads the wall clock.
func mustBeRealTime(t *testing.T, r *tourRun, body []byte) {
	if now := decode[struct{ Now time.Time }](t, body).Now; now.Sub(time.Now()).Abs() > time.Minute {
		t.Fatalf("clock = %v after the reset, want the real time", now)
	}
}

func mustDrain(t *testing.T, r *tourRun, body []byte) {
	t.Helper()
	if n := decode[struct{ Processed int }](t, body).Processed; n == 0 {
		t.Fatal("the drain did nothing")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
