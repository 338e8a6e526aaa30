package localrun_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// care is a workspace set up for care flows: a staff member owning the
// customers, an email and an SMS template.
type care struct {
	s                *system
	admin, owner     *client
	emailTpl, smsTpl string
}

func newCare(t *testing.T) *care {
	s := start(t, false)
	// Monday 23 November 2026, 07:00 in Hanoi.
	s.setClock(time.Date(2026, 11, 23, 7, 0, 0, 0, hcm))
	admin, _ := s.workspace("Spa Hoa Mai")
	c := &care{s: s, admin: admin, owner: admin.user("Chị Lan", "staff")}
	c.emailTpl = admin.create("/v1/templates/email", map[string]any{"name": "Chúc mừng sinh nhật",
		"subject": "Chúc mừng sinh nhật {{name}}", "body": "Kính gửi {{name}},\nSpa Hoa Mai chúc bạn sinh nhật vui vẻ!\n{{owner_name}}"})
	c.smsTpl = admin.create("/v1/templates/sms", map[string]any{"name": "SMS sinh nhật", "body": "Spa Hoa Mai chuc mung sinh nhat {{name}}!"})
	return c
}

// customer creates a customer owned by the staff member.
func (c *care) customer(name, birthday string, extra map[string]any) string {
	body := map[string]any{"name": name, "owner_id": c.owner.userID}
	if birthday != "" {
		body["birthday"] = birthday
	}
	for k, v := range extra {
		body[k] = v
	}
	return c.admin.createCustomer(body).ID
}

// flow creates and activates a care flow.
func (c *care) flow(body map[string]any) string {
	id := c.admin.create("/v1/care-flows", body)
	c.admin.do("POST", "/v1/care-flows/"+id+"/activate", nil).ok(200)
	return id
}

func (c *care) birthdayFlow(at string, actions ...map[string]any) map[string]any {
	return map[string]any{"module": "customers", "name": "Chúc mừng sinh nhật " + at,
		"when":      map[string]any{"type": "anniversary", "field": "birthday", "offset_days": 0, "at": at, "window": "day"},
		"condition": map[string]any{"all": true}, "actions": actions}
}

func (c *care) sendEmail() map[string]any {
	return map[string]any{"type": "send_email", "template_id": c.emailTpl, "to_fields": []string{"email"}}
}

func (c *care) drain() { c.s.anon().do("POST", "/dev/drain", nil).ok(200) }

type sent struct {
	Attachments []string  `json:"attachments"`
	Channel     string    `json:"channel"`
	To          string    `json:"to"`
	Subject     string    `json:"subject"`
	Body        string    `json:"body"`
	SentAt      time.Time `json:"sent_at"`
	Key         string    `json:"key"`
}

func (c *care) outbox() []sent {
	var out struct {
		Items []sent `json:"items"`
	}
	c.s.anon().do("GET", "/dev/outbox", nil).ok(200).into(&out)
	return out.Items
}

// to lists the recipients of what was sent on a channel, sorted.
func to(msgs []sent, channel string) []string {
	var out []string
	for _, m := range msgs {
		if m.Channel == channel {
			out = append(out, m.To)
		}
	}
	sort.Strings(out)
	return out
}

type taskView struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Type       string `json:"type"`
	AssigneeID string `json:"assignee_id"`
	CustomerID string `json:"customer_id"`
	DueOn      string `json:"due_on"`
	Source     *struct{ Kind, ID string }
}

func (c *care) tasks() []taskView {
	var page struct {
		Items []taskView `json:"items"`
	}
	c.owner.do("GET", "/v1/tasks?limit=500", nil).ok(200).into(&page)
	return page.Items
}

// A birthday flow at 08:00 sends one email and one SMS to every customer
// whose birthday is today, none to those who opted out, and creates a call
// task for the owner; draining again or re-running the tick sends nothing
// more.
func TestCareFlowBirthday(t *testing.T) {
	c := newCare(t)
	an := c.customer("Nguyễn Văn An", "1990-11-23", map[string]any{"email": "an@khach.vn", "phone": "0912000001"})
	binh := c.customer("Trần Thị Bình", "1985-11-23", map[string]any{"email": "binh@khach.vn", "phone": "0912000002",
		"email_opt_out": true, "sms_opt_out": true})
	dung := c.customer("Lê Dũng", "2000-11-23", map[string]any{"email": "dung@khach.vn", "phone": "0912000004", "sms_opt_out": true})
	c.customer("Phạm Cường", "1990-11-24", map[string]any{"email": "cuong@khach.vn", "phone": "0912000003"})
	c.customer("Không Có Ngày Sinh", "", map[string]any{"email": "none@khach.vn", "phone": "0912000005"})
	email := c.sendEmail()
	email["attach_pdf"] = true
	flow := c.flow(c.birthdayFlow("08:00", email,
		map[string]any{"type": "send_sms", "template_id": c.smsTpl, "to_fields": []string{"phone"}},
		map[string]any{"type": "create_task", "title": "Gọi chúc mừng #name", "due_in_days": 1, "task_type": "call", "assignee": "owner"}))

	c.drain() // 07:00: not yet
	if got := c.outbox(); len(got) != 0 {
		t.Fatalf("sent before 08:00: %+v", got)
	}
	c.s.setClock(time.Date(2026, 11, 23, 8, 0, 0, 0, hcm))
	c.drain()
	msgs := c.outbox()
	if got, want := to(msgs, "email"), []string{"an@khach.vn", "dung@khach.vn"}; !slices.Equal(got, want) {
		t.Fatalf("emails to %v, want %v", got, want)
	}
	if got, want := to(msgs, "sms"), []string{"+84912000001"}; !slices.Equal(got, want) {
		t.Fatalf("SMS to %v, want %v", got, want)
	}
	for _, m := range msgs {
		if m.Channel == "email" && m.To == "an@khach.vn" && (m.Subject != "Chúc mừng sinh nhật Nguyễn Văn An" || m.Body !=
			"Kính gửi Nguyễn Văn An,\nSpa Hoa Mai chúc bạn sinh nhật vui vẻ!\nChị Lan") {
			t.Fatalf("email not merged: %+v", m)
		}
		if m.Channel == "email" && (len(m.Attachments) != 1 || !strings.HasPrefix(m.Attachments[0], "KH") || !strings.HasSuffix(m.Attachments[0], ".pdf")) {
			t.Fatalf("email without the customer's record: %+v", m)
		}
		if m.Channel == "sms" && m.Body != "Spa Hoa Mai chuc mung sinh nhat Nguyễn Văn An!" {
			t.Fatalf("SMS not merged: %+v", m)
		}
	}
	tasks := c.tasks()
	var about []string
	for _, tk := range tasks {
		if tk.Type != "call" || tk.AssigneeID != c.owner.userID || tk.DueOn != "2026-11-24" || tk.Source == nil || tk.Source.ID != flow {
			t.Fatalf("task %+v", tk)
		}
		about = append(about, tk.CustomerID)
		if tk.CustomerID == an && tk.Title != "Gọi chúc mừng Nguyễn Văn An" {
			t.Fatalf("task title %q", tk.Title)
		}
	}
	sort.Strings(about)
	want := []string{an, binh, dung}
	sort.Strings(want)
	if !slices.Equal(about, want) {
		t.Fatalf("tasks about %v, want the three birthdays %v", about, want)
	}
	var inbox struct {
		Items []struct{ Kind string } `json:"items"`
	}
	c.owner.do("GET", "/v1/notifications", nil).ok(200).into(&inbox)
	if n := countKind(inbox.Items, "task_assigned"); n != 3 {
		t.Fatalf("owner told of %d tasks, want 3", n)
	}

	// Again: a second drain, a tick later the same day.
	c.drain()
	c.s.setClock(time.Date(2026, 11, 23, 8, 5, 0, 0, hcm))
	c.drain()
	if got := c.outbox(); len(got) != len(msgs) {
		t.Fatalf("%d messages after re-running, want still %d", len(got), len(msgs))
	}
	if got := c.tasks(); len(got) != 3 {
		t.Fatalf("%d tasks after re-running, want 3", len(got))
	}
	var runs struct {
		Items []struct {
			Status           string
			Evaluated, Acted int
		} `json:"items"`
	}
	c.admin.do("GET", "/v1/care-flows/"+flow+"/runs", nil).ok(200).into(&runs)
	if len(runs.Items) != 1 || runs.Items[0].Status != "done" || runs.Items[0].Acted != 3 || runs.Items[0].Evaluated != 5 {
		t.Fatalf("runs: %+v", runs.Items)
	}
	var delivered struct {
		Items []struct{ Status, To string } `json:"items"`
	}
	c.admin.do("GET", "/v1/messages?status=sent", nil).ok(200).into(&delivered)
	if len(delivered.Items) != 3 {
		t.Fatalf("delivery records: %+v", delivered.Items)
	}
}

func countKind(items []struct{ Kind string }, kind string) int {
	n := 0
	for _, it := range items {
		if it.Kind == kind {
			n++
		}
	}
	return n
}

// Offset −3 in the week window: on Friday 27 November the flow greets the
// customers whose birthday falls in the week starting three days later
// (Monday 30 November to Sunday 6 December), each once however many days
// the week stays in view.
func TestCareFlowWeekWindowBefore(t *testing.T) {
	c := newCare(t)
	c.s.setClock(time.Date(2026, 11, 27, 7, 0, 0, 0, hcm))
	birthdays := map[string]string{"nov29": "1991-11-29", "nov30": "1991-11-30", "dec03": "1980-12-03", "dec06": "1975-12-06",
		"dec07": "1990-12-07", "nov27": "1999-11-27"}
	for name, b := range birthdays {
		c.customer(name, b, map[string]any{"email": name + "@khach.vn"})
	}
	c.flow(map[string]any{"module": "customers", "name": "Trước tuần sinh nhật",
		"when":      map[string]any{"type": "anniversary", "field": "birthday", "offset_days": -3, "at": "08:00", "window": "week"},
		"condition": map[string]any{"all": true}, "actions": []map[string]any{c.sendEmail()}})
	c.s.setClock(time.Date(2026, 11, 27, 8, 0, 0, 0, hcm))
	c.drain()
	want := []string{"dec03@khach.vn", "dec06@khach.vn", "nov30@khach.vn"}
	if got := to(c.outbox(), "email"); !slices.Equal(got, want) {
		t.Fatalf("Friday: emails to %v, want %v", got, want)
	}
	// Saturday the same week is still in view: only a customer added
	// since, with a birthday in it, is greeted.
	c.customer("dec02", "1988-12-02", map[string]any{"email": "dec02@khach.vn"})
	c.s.setClock(time.Date(2026, 11, 28, 8, 0, 0, 0, hcm))
	c.drain()
	want = []string{"dec02@khach.vn", "dec03@khach.vn", "dec06@khach.vn", "nov30@khach.vn"}
	if got := to(c.outbox(), "email"); !slices.Equal(got, want) {
		t.Fatalf("Saturday: emails to %v, want %v", got, want)
	}
}

// A message due in the quiet hours (22:30, the default quiet time being
// 21:00–08:00) goes out at 08:00 the next morning.
func TestCareFlowQuietHours(t *testing.T) {
	c := newCare(t)
	c.customer("Khách Đêm", "1990-11-23", map[string]any{"email": "dem@khach.vn"})
	c.flow(c.birthdayFlow("22:30", c.sendEmail()))
	c.s.setClock(time.Date(2026, 11, 23, 22, 30, 0, 0, hcm))
	c.drain()
	if got := c.outbox(); len(got) != 0 {
		t.Fatalf("sent in the quiet hours: %+v", got)
	}
	var queued struct {
		Items []struct {
			Status, Deferred string
			DueAt            time.Time `json:"due_at"`
		} `json:"items"`
	}
	c.admin.do("GET", "/v1/messages", nil).ok(200).into(&queued)
	morning := time.Date(2026, 11, 24, 8, 0, 0, 0, hcm)
	if len(queued.Items) != 1 || queued.Items[0].Status != "queued" || queued.Items[0].Deferred != "quiet_hours" || !queued.Items[0].DueAt.Equal(morning) {
		t.Fatalf("delivery record: %+v", queued.Items)
	}
	c.s.setClock(time.Date(2026, 11, 24, 7, 59, 0, 0, hcm))
	c.drain()
	if got := c.outbox(); len(got) != 0 {
		t.Fatalf("sent before 08:00: %+v", got)
	}
	c.s.setClock(morning)
	c.drain()
	got := c.outbox()
	if len(got) != 1 || got[0].To != "dem@khach.vn" || !got[0].SentAt.Equal(morning) {
		t.Fatalf("outbox at 08:00: %+v", got)
	}
}

// At most 10 flows are active per module: the 11th activation is refused;
// an active flow can't be edited.
func TestCareFlowLimits(t *testing.T) {
	c := newCare(t)
	var ids []string
	for i := range 11 {
		ids = append(ids, c.admin.create("/v1/care-flows", c.birthdayFlow(fmt.Sprintf("08:%02d", i), c.sendEmail())))
	}
	for _, id := range ids[:10] {
		c.admin.do("POST", "/v1/care-flows/"+id+"/activate", nil).ok(200)
	}
	p := c.admin.do("POST", "/v1/care-flows/"+ids[10]+"/activate", nil).problem(409)
	if p.Code != "care_flow_limit" {
		t.Fatalf("11th activation: %+v", p)
	}
	p = c.admin.do("PATCH", "/v1/care-flows/"+ids[0], map[string]any{"name": "Đổi tên"}).problem(409)
	if p.Code != "care_flow_active" {
		t.Fatalf("edit of an active flow: %+v", p)
	}
	// Another module has its own ten.
	orders := c.admin.create("/v1/care-flows", map[string]any{"module": "orders", "name": "Sau mua hàng",
		"when":      map[string]any{"type": "anniversary", "field": "ordered_at", "offset_days": 30, "at": "09:00"},
		"condition": map[string]any{"all": true}, "actions": []map[string]any{c.sendEmail()}})
	c.admin.do("POST", "/v1/care-flows/"+orders+"/activate", nil).ok(200)
	// Room made, the 11th goes on; an inactive flow can be edited.
	c.admin.do("POST", "/v1/care-flows/"+ids[0]+"/deactivate", nil).ok(200)
	c.admin.do("PATCH", "/v1/care-flows/"+ids[0], map[string]any{"name": "Đổi tên"}).ok(200)
	c.admin.do("POST", "/v1/care-flows/"+ids[10]+"/activate", nil).ok(200)
	var list struct {
		Items []struct {
			ID       string
			Active   bool
			Priority int
		} `json:"items"`
	}
	c.admin.do("GET", "/v1/care-flows?module=customers", nil).ok(200).into(&list)
	active := 0
	for i, f := range list.Items {
		if f.Active {
			active++
		}
		if i > 0 && f.Priority < list.Items[i-1].Priority {
			t.Fatalf("list not by priority: %+v", list.Items)
		}
	}
	if len(list.Items) != 11 || active != 10 {
		t.Fatalf("%d flows, %d active: %+v", len(list.Items), active, list.Items)
	}
}

// A flow that already ran today, edited, acts as edited only from
// tomorrow.
func TestCareFlowEditAfterRunAppliesTomorrow(t *testing.T) {
	c := newCare(t)
	c.customer("Hôm Nay", "1990-11-23", map[string]any{"email": "homnay@khach.vn"})
	c.customer("Ngày Mai", "1990-11-24", map[string]any{"email": "ngaymai@khach.vn"})
	other := c.admin.create("/v1/templates/email", map[string]any{"name": "Mẫu mới", "subject": "Mẫu mới cho {{name}}", "body": "Xin chào"})
	flow := c.flow(c.birthdayFlow("08:00", c.sendEmail()))
	c.s.setClock(time.Date(2026, 11, 23, 8, 0, 0, 0, hcm))
	c.drain()
	c.s.setClock(time.Date(2026, 11, 23, 10, 0, 0, 0, hcm))
	c.admin.do("POST", "/v1/care-flows/"+flow+"/deactivate", nil).ok(200)
	edited := c.admin.do("PATCH", "/v1/care-flows/"+flow, map[string]any{
		"when":    map[string]any{"type": "anniversary", "field": "birthday", "at": "09:00"},
		"actions": []map[string]any{{"type": "send_email", "template_id": other, "to_fields": []string{"email"}}}}).ok(200).obj()
	if edited["effective_from"] != "2026-11-24" {
		t.Fatalf("effective_from = %v, want 2026-11-24", edited["effective_from"])
	}
	c.admin.do("POST", "/v1/care-flows/"+flow+"/activate", nil).ok(200)
	c.drain() // 10:00, after the new 09:00: today's run is done, nothing more today
	if got := c.outbox(); len(got) != 1 || got[0].Subject != "Chúc mừng sinh nhật Hôm Nay" {
		t.Fatalf("today: %+v", got)
	}
	c.s.setClock(time.Date(2026, 11, 24, 8, 30, 0, 0, hcm))
	c.drain() // tomorrow before the new time: nothing yet
	if got := c.outbox(); len(got) != 1 {
		t.Fatalf("tomorrow 08:30: %+v", got)
	}
	c.s.setClock(time.Date(2026, 11, 24, 9, 0, 0, 0, hcm))
	c.drain()
	got := c.outbox()
	if len(got) != 2 || got[1].To != "ngaymai@khach.vn" || got[1].Subject != "Mẫu mới cho Ngày Mai" {
		t.Fatalf("tomorrow 09:00: %+v", got)
	}
}

// A clone is an inactive copy, identical but for its identity and its
// name, which says it is a copy.
func TestCareFlowClone(t *testing.T) {
	c := newCare(t)
	email := c.sendEmail()
	email["attach_pdf"] = true
	flow := c.flow(c.birthdayFlow("08:00", email,
		map[string]any{"type": "create_task", "title": "Gọi #name", "assignee": "owner", "task_type": "call", "due_in_days": 2}))
	orig := c.admin.do("GET", "/v1/care-flows/"+flow, nil).ok(200).obj()
	clone := c.admin.do("POST", "/v1/care-flows/"+flow+"/clone", nil).ok(201).obj()
	if clone["active"] != false || clone["id"] == orig["id"] || clone["version"] != float64(1) {
		t.Fatalf("clone: %v", clone)
	}
	if clone["name"] != orig["name"].(string)+" (bản sao)" {
		t.Fatalf("clone's name = %v, want %v (bản sao)", clone["name"], orig["name"])
	}
	for _, k := range []string{"module", "description", "when", "condition", "actions"} {
		if fmt.Sprint(clone[k]) != fmt.Sprint(orig[k]) {
			t.Fatalf("clone's %s = %v, want %v", k, clone[k], orig[k])
		}
	}
	if again := c.admin.do("GET", "/v1/care-flows/"+clone["id"].(string), nil).ok(200).obj(); again["active"] != false {
		t.Fatalf("stored clone: %v", again)
	}
}

// 1,000 birthday messages, each handed to the notifier three times (two
// deliveries racing each other, then the queue's own), make exactly 1,000
// sends.
func TestNotifierSendsEachMessageOnce(t *testing.T) {
	c := newCare(t)
	const n = 1000
	var wg sync.WaitGroup
	ids := make(chan int, n)
	for i := range n {
		ids <- i
	}
	close(ids)
	for range 4 {
		wg.Go(func() {
			for i := range ids {
				c.admin.createCustomer(map[string]any{"name": fmt.Sprintf("Khách %04d", i), "birthday": "1990-11-23",
					"email": fmt.Sprintf("k%04d@khach.vn", i)})
			}
		})
	}
	wg.Wait()
	c.flow(c.birthdayFlow("08:00", c.sendEmail()))
	c.s.setClock(time.Date(2026, 11, 23, 8, 0, 0, 0, hcm))
	ctx := t.Context()
	app := c.s.app
	// The run writes the delivery records and queues one message each.
	if _, err := app.CareFlows.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Jobs.Drain(ctx, app.CareFlows.HandleJob); err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []struct {
			ID       string `json:"id"`
			TenantID string `json:"tenant_id"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	var bodies [][]byte
	for cursor := ""; ; {
		c.admin.do("GET", "/v1/messages?limit=500&cursor="+cursor, nil).ok(200).into(&page)
		for _, m := range page.Items {
			bodies = append(bodies, []byte(fmt.Sprintf(`{"tenant":%q,"id":%q}`, m.TenantID, m.ID)))
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(bodies) != n {
		t.Fatalf("%d delivery records, want %d", len(bodies), n)
	}
	// Two deliveries of each message at the same moment.
	work := make(chan []byte)
	errs := make(chan error, 2*n)
	for range 8 {
		wg.Go(func() {
			for body := range work {
				start := make(chan struct{})
				var pair sync.WaitGroup
				for range 2 {
					pair.Go(func() {
						<-start
						errs <- app.Notify.HandleMessage(ctx, body)
					})
				}
				close(start)
				pair.Wait()
			}
		})
	}
	for _, b := range bodies {
		work <- b
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	c.drain() // and the queue's own delivery of each
	msgs := c.outbox()
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.To]++
	}
	if len(msgs) != n || len(seen) != n {
		t.Fatalf("%d sends to %d addresses, want %d each once", len(msgs), len(seen), n)
	}
	var open struct {
		Items []any `json:"items"`
	}
	c.admin.do("GET", "/v1/messages?status=queued", nil).ok(200).into(&open)
	if len(open.Items) != 0 {
		t.Fatalf("%d messages still queued", len(open.Items))
	}
}

// An orders flow 30 days after each order adds a care card for the
// order's performer and emails the customer about the order.
func TestCareFlowOrdersCareCard(t *testing.T) {
	c := newCare(t)
	tpl := c.admin.create("/v1/templates/email", map[string]any{"name": "Sau mua", "subject": "Đơn {{order_code}} của bạn thế nào?",
		"body": "Cảm ơn {{name}} đã mua đơn {{order_code}} ({{order_amount}} đ)."})
	cu := c.customer("Khách Mua Hàng", "", map[string]any{"email": "mua@khach.vn"})
	old := c.admin.create("/v1/orders", map[string]any{"customer_id": cu, "code": "DH001", "amount": 1500000, "status": "completed",
		"performer_id": c.owner.userID, "ordered_at": time.Date(2026, 10, 24, 10, 0, 0, 0, hcm)})
	c.admin.create("/v1/orders", map[string]any{"customer_id": cu, "code": "DH002", "amount": 200000, "status": "completed",
		"performer_id": c.owner.userID, "ordered_at": time.Date(2026, 11, 20, 10, 0, 0, 0, hcm)})
	flow := c.flow(map[string]any{"module": "orders", "name": "Chăm sóc sau 30 ngày",
		"when":      map[string]any{"type": "date", "field": "ordered_at", "offset_days": 30, "at": "09:00"},
		"condition": map[string]any{"all": true},
		"actions": []map[string]any{
			{"type": "add_care_card", "owner": "performer", "notify": true, "care_in_days": 2, "fields": map[string]any{"ghi_chu": "Hỏi thăm sau mua"}},
			{"type": "send_email", "template_id": tpl, "to_fields": []string{"email"}}}})
	c.s.setClock(time.Date(2026, 11, 23, 9, 0, 0, 0, hcm))
	c.drain()
	got := c.outbox()
	if len(got) != 1 || got[0].Subject != "Đơn DH001 của bạn thế nào?" || got[0].Body != "Cảm ơn Khách Mua Hàng đã mua đơn DH001 (1.500.000 đ)." {
		t.Fatalf("outbox: %+v", got)
	}
	var page struct {
		Items []struct {
			Type        string `json:"type"`
			OrderID     string `json:"order_id"`
			AssigneeID  string `json:"assignee_id"`
			DueOn       string `json:"due_on"`
			Description string `json:"description"`
			Source      struct{ ID string }
		} `json:"items"`
	}
	c.owner.do("GET", "/v1/tasks", nil).ok(200).into(&page)
	if len(page.Items) != 1 {
		t.Fatalf("tasks: %+v", page.Items)
	}
	card := page.Items[0]
	if card.Type != "care" || card.AssigneeID != c.owner.userID || card.DueOn != "2026-11-25" || card.Source.ID != flow ||
		card.OrderID != old || card.Description != "ghi_chu: Hỏi thăm sau mua" {
		t.Fatalf("care card: %+v (order %s)", card, old)
	}
}

// Hand-overs: to a user, or through a distribution rule's rotation, for
// the customers that meet the flow's condition; the new owner is told.
func TestCareFlowHandOver(t *testing.T) {
	c := newCare(t)
	next := c.admin.user("Anh Minh", "staff")
	pool := c.admin.user("Chị Hà", "staff")
	wh := c.admin.create("/v1/warehouses", map[string]any{"name": "Kho chuyển"})
	rule := c.admin.create("/v1/distribution-rules", map[string]any{"name": "Chia lại", "type": "round_robin", "warehouse_id": wh,
		"staff": []map[string]any{{"user_id": pool.userID}}})
	vip := c.customer("Khách VIP", "", map[string]any{"tags": []string{"vip"}})
	moving := c.customer("Khách Chuyển", "", map[string]any{"tags": []string{"chuyen"}})
	stays := c.customer("Khách Ở Lại", "", nil)
	schedule := map[string]any{"type": "schedule", "every": "day", "at": "09:00"}
	c.flow(map[string]any{"module": "customers", "name": "Giao VIP", "when": schedule,
		"condition": map[string]any{"groups": [][]map[string]any{{{"field": "tags", "op": "has_any", "value": []string{"vip"}}}}},
		"actions": []map[string]any{{"type": "hand_over", "user_id": next.userID},
			{"type": "update_fields", "fields": map[string]any{"description": "Khách quan trọng"}}}})
	c.flow(map[string]any{"module": "customers", "name": "Chia lại", "when": schedule,
		"condition": map[string]any{"groups": [][]map[string]any{{{"field": "tags", "op": "has_any", "value": []string{"chuyen"}}}}},
		"actions":   []map[string]any{{"type": "hand_over", "distribution_rule_id": rule}}})
	c.s.setClock(time.Date(2026, 11, 23, 9, 0, 0, 0, hcm))
	c.drain()
	owner := func(id string) (string, string) {
		cu := c.admin.do("GET", "/v1/customers/"+id, nil).ok(200).obj()
		return cu["owner_id"].(string), fmt.Sprint(cu["description"])
	}
	if o, d := owner(vip); o != next.userID || d != "Khách quan trọng" {
		t.Fatalf("VIP: owner %s, description %q", o, d)
	}
	if o, _ := owner(moving); o != pool.userID {
		t.Fatalf("moving: owner %s, want %s", o, pool.userID)
	}
	if o, _ := owner(stays); o != c.owner.userID {
		t.Fatalf("the others changed hands: owner %s", o)
	}
	for _, u := range []*client{next, pool} {
		var inbox struct {
			Items []struct{ Kind string } `json:"items"`
		}
		u.do("GET", "/v1/notifications", nil).ok(200).into(&inbox)
		if countKind(inbox.Items, "customer_assigned") != 1 {
			t.Fatalf("%s was not told: %+v", u.userID, inbox.Items)
		}
	}
	// The next day, the flows act again (a schedule's occurrence is the
	// day) but the customers already are where they should be.
	c.s.setClock(time.Date(2026, 11, 24, 9, 0, 0, 0, hcm))
	c.drain()
	if o, _ := owner(moving); o != pool.userID {
		t.Fatalf("the second day moved the customer again: %s", o)
	}
}

// Rules take the care-flow actions too: a welcome email and a call task
// for every new customer, once per customer however often the change is
// handled; a rule naming a template that doesn't exist is refused.
func TestRuleSendsEmailAndCreatesTask(t *testing.T) {
	c := newCare(t)
	welcome := c.admin.create("/v1/templates/email", map[string]any{"name": "Chào mừng", "subject": "Chào mừng {{name}}",
		"body": "Cảm ơn bạn đã quan tâm. {{owner_name}} sẽ liên hệ."})
	rule := map[string]any{"name": "Chào khách mới", "trigger": map[string]any{"type": "created"},
		"actions": []map[string]any{
			{"type": "send_email", "template_id": welcome, "to_fields": []string{"email"}},
			{"type": "create_task", "title": "Gọi khách mới #name", "assignee": "owner", "task_type": "call"},
			{"type": "set_field", "field": "description", "value": "Đã chào"}}}
	c.admin.create("/v1/automations", rule)
	c.s.setClock(time.Date(2026, 11, 23, 10, 0, 0, 0, hcm)) // outside the quiet hours
	cu := c.customer("Khách Mới", "", map[string]any{"email": "moi@khach.vn"})
	c.drain()
	c.admin.do("PATCH", "/v1/customers/"+cu, map[string]any{"phone": "0912000009"}).ok(200)
	c.drain()
	if got := c.outbox(); len(got) != 1 || got[0].To != "moi@khach.vn" || got[0].Subject != "Chào mừng Khách Mới" {
		t.Fatalf("outbox: %+v", got)
	}
	tasks := c.tasks()
	if len(tasks) != 1 || tasks[0].Title != "Gọi khách mới Khách Mới" || tasks[0].CustomerID != cu {
		t.Fatalf("tasks: %+v", tasks)
	}
	if d := c.admin.do("GET", "/v1/customers/"+cu, nil).ok(200).obj()["description"]; d != "Đã chào" {
		t.Fatalf("description %v", d)
	}
	rule["actions"] = []map[string]any{{"type": "send_sms", "template_id": "tpl_nope", "to_fields": []string{"phone"}}}
	p := c.admin.do("POST", "/v1/automations", rule).problem(422)
	hasError(t, p, "actions[0].template_id", "not_found")
}

// An appointment's owner and maker are reminded of it, remind_before
// ahead, once; a new time brings a new reminder.
func TestAppointmentReminders(t *testing.T) {
	c := newCare(t)
	c.s.setClock(time.Date(2026, 11, 23, 9, 0, 0, 0, hcm))
	cu := c.customer("Khách Hẹn", "", nil)
	appt := c.owner.create("/v1/customers/"+cu+"/appointments", map[string]any{"at": time.Date(2026, 11, 23, 10, 0, 0, 0, hcm),
		"title": "Tư vấn gói spa", "remind_before": "30m"})
	var inbox struct {
		Items []struct{ Kind, Title string } `json:"items"`
	}
	reminders := func() int {
		c.owner.do("GET", "/v1/notifications", nil).ok(200).into(&inbox)
		n := 0
		for _, it := range inbox.Items {
			if it.Kind == "appointment_reminder" {
				n++
			}
		}
		return n
	}
	c.drain()
	if n := reminders(); n != 0 {
		t.Fatalf("%d reminders at 09:00", n)
	}
	c.s.setClock(time.Date(2026, 11, 23, 9, 30, 0, 0, hcm))
	c.drain()
	c.drain()
	if n := reminders(); n != 1 {
		t.Fatalf("%d reminders at 09:30, want 1", n)
	}
	c.owner.do("PATCH", "/v1/customers/"+cu+"/appointments/"+appt, map[string]any{"at": time.Date(2026, 11, 23, 15, 0, 0, 0, hcm)}).ok(200)
	c.drain()
	if n := reminders(); n != 1 {
		t.Fatalf("%d reminders after moving it, want still 1", n)
	}
	if inbox.Items[0].Title != "Sắp đến lịch hẹn: Tư vấn gói spa" {
		t.Fatalf("reminder titled %q", inbox.Items[0].Title)
	}
	// A workspace that speaks English is reminded in English.
	c.admin.do("PUT", "/v1/settings/workspace", map[string]any{"language": "en"}).ok(200)
	c.s.setClock(time.Date(2026, 11, 23, 14, 30, 0, 0, hcm))
	c.drain()
	if n := reminders(); n != 2 {
		t.Fatalf("%d reminders at 14:30, want 2", n)
	}
	if inbox.Items[0].Title != "Appointment coming up: Tư vấn gói spa" {
		t.Fatalf("reminder titled %q", inbox.Items[0].Title)
	}
}
