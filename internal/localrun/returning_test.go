package localrun_test

import (
	"strings"
	"testing"
	"time"
)

// returningSetup is a funnel with a signed source named "Form Facebook"
// mapping name, phone, email and office address, and a customer of its
// warehouse owned by the first staff member.
type returningSetup struct {
	*funnel
	src, secret string
	cust        customer
}

func newReturning(t *testing.T, extra map[string]any) *returningSetup {
	f := newFunnel(t)
	body := map[string]any{"name": "Form Facebook", "warehouse_id": f.wh, "pipeline_id": f.pipeline, "step_id": f.step,
		"mapping": map[string]string{"name": "$.full_name", "phone": "$.phone", "email": "$.email", "office_address": "$.address"}}
	for k, v := range extra {
		body[k] = v
	}
	var src struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	f.admin.do("POST", "/v1/lead-sources", body).ok(201).into(&src)
	cu := f.admin.createCustomer(map[string]any{"name": "Nguyễn Văn A", "phone": "0912345678", "office_address": "12 Lê Lợi, Quận 1",
		"warehouse_id": f.wh, "owner_id": f.staff[0].userID})
	return &returningSetup{funnel: f, src: src.ID, secret: src.Secret, cust: cu}
}

// lead posts the customer's lead to the source and queues its intake
// message once more before the drain, as SQS may deliver it twice.
func (rs *returningSetup) lead(body map[string]any) {
	t := rs.s.t
	f := &funnel{s: rs.s, secret: rs.secret}
	f.post("/hooks/leads/"+rs.src, body, "").ok(202)
	ctx := t.Context()
	bodies, err := rs.s.app.IntakeQueue.Waiting(ctx)
	if err != nil || len(bodies) != 1 {
		t.Fatalf("intake queue: %d messages, %v", len(bodies), err)
	}
	if err := rs.s.app.IntakeQueue.Send(ctx, bodies[0], 0); err != nil {
		t.Fatal(err)
	}
	rs.drain()
}

type historyEntry struct {
	Action string `json:"action"`
	Actor  struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"actor"`
	Changes []struct {
		Field  string `json:"field"`
		Before any    `json:"before"`
		After  any    `json:"after"`
	} `json:"changes"`
}

func (rs *returningSetup) history() []historyEntry {
	var h struct {
		Items []historyEntry `json:"items"`
	}
	rs.admin.do("GET", "/v1/customers/"+rs.cust.ID+"/history?limit=100", nil).ok(200).into(&h)
	return h.Items
}

// entry is the customer's one history entry of an action.
func (rs *returningSetup) entry(action string) historyEntry {
	t := rs.s.t
	t.Helper()
	var found []historyEntry
	for _, e := range rs.history() {
		if e.Action == action {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("history entries %q: %+v, want one", action, found)
	}
	return found[0]
}

func (e historyEntry) change(field string) (before, after any, ok bool) {
	for _, ch := range e.Changes {
		if ch.Field == field {
			return ch.Before, ch.After, true
		}
	}
	return nil, nil, false
}

func (rs *returningSetup) notes() []string {
	var n struct {
		Items []struct {
			Body string `json:"body"`
		} `json:"items"`
	}
	rs.admin.do("GET", "/v1/customers/"+rs.cust.ID+"/notes", nil).ok(200).into(&n)
	var out []string
	for _, it := range n.Items {
		out = append(out, it.Body)
	}
	return out
}

// mailsTo are the emails sent to an address with a subject.
func (rs *returningSetup) mailsTo(to, subject string) []sent {
	var out struct {
		Items []sent `json:"items"`
	}
	rs.s.anon().do("GET", "/dev/outbox", nil).ok(200).into(&out)
	var got []sent
	for _, m := range out.Items {
		if m.Channel == "email" && m.To == to && m.Subject == subject {
			got = append(got, m)
		}
	}
	return got
}

func (rs *returningSetup) emailOf(u *client) string {
	var user struct {
		Email string `json:"email"`
	}
	rs.admin.do("GET", "/v1/users/"+u.userID, nil).ok(200).into(&user)
	return user.Email
}

// A lead matching a known customer, its intake message delivered twice:
// the owner gets one email, in the workspace's language, with the lead's
// details; the email the customer lacked is merged and listed in the
// history; the differing address goes to a note and the record keeps its
// own; the sources report counts the lead as returning, not as new.
func TestReturningCustomerLead(t *testing.T) {
	for _, tc := range []struct {
		lang, subject, noteHead string
	}{
		{"vi", "Khách hàng cũ Nguyễn Văn A vừa để lại thông tin qua Form Facebook",
			"Khách hàng cũ để lại thông tin khác với hồ sơ qua Form Facebook:\n- Địa chỉ văn phòng: 99 Hai Bà Trưng, Quận 3 (đang lưu: 12 Lê Lợi, Quận 1)"},
		{"en", "Returning customer Nguyễn Văn A just left their details through Form Facebook",
			"The returning customer left details that differ from their record through Form Facebook:\n- Địa chỉ văn phòng: 99 Hai Bà Trưng, Quận 3 (on record: 12 Lê Lợi, Quận 1)"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			rs := newReturning(t, nil)
			rs.admin.do("PUT", "/v1/settings/workspace", map[string]any{"language": tc.lang}).ok(200)
			rs.lead(map[string]any{"full_name": "Nguyễn Văn A", "phone": "0912 345 678", "email": "a.nguyen@example.vn", "address": "99 Hai Bà Trưng, Quận 3"})

			log := rs.deliveries(rs.src)
			if len(log.Items) != 1 || log.Items[0].Outcome != "duplicate" || log.Items[0].CustomerID != rs.cust.ID {
				t.Fatalf("delivery log = %+v", log)
			}
			var cu struct {
				customer
				OfficeAddress string `json:"office_address"`
			}
			rs.admin.do("GET", "/v1/customers/"+rs.cust.ID, nil).ok(200).into(&cu)
			if cu.Email != "a.nguyen@example.vn" || cu.OfficeAddress != "12 Lê Lợi, Quận 1" || cu.OwnerID != rs.staff[0].userID || cu.Phone != "+84912345678" {
				t.Errorf("customer = %+v, want the email merged, the address and owner kept", cu)
			}
			e := rs.entry("returning_lead")
			if e.Actor.Kind != "webhook" || e.Actor.Name != "Form Facebook" {
				t.Errorf("returning entry's actor = %+v", e.Actor)
			}
			if before, after, ok := e.change("email"); !ok || (before != nil && before != "") || after != "a.nguyen@example.vn" {
				t.Errorf("returning entry's email change = %v → %v (%v); changes %+v", before, after, ok, e.Changes)
			}
			if _, _, ok := e.change("office_address"); ok {
				t.Errorf("the address was overwritten: %+v", e.Changes)
			}
			if notes := rs.notes(); len(notes) != 1 || notes[0] != tc.noteHead {
				t.Errorf("notes = %q, want %q", notes, tc.noteHead)
			}
			mails := rs.mailsTo(rs.emailOf(rs.staff[0]), tc.subject)
			if len(mails) != 1 {
				t.Fatalf("owner's emails %q: %+v, want one", tc.subject, mails)
			}
			for _, want := range []string{tc.subject, "- Tên khách hàng: Nguyễn Văn A", "a.nguyen@example.vn", "99 Hai Bà Trưng, Quận 3", "+84912345678"} {
				if !strings.Contains(mails[0].Body, want) {
					t.Errorf("email body lacks %q:\n%s", want, mails[0].Body)
				}
			}
			if got := rs.sourceFigures("Form Facebook"); got.Returning != 1 || got.Leads != 0 || got.Duplicates != 1 {
				t.Errorf("Form Facebook's figures = %+v, want 1 returning, 0 new", got)
			}
		})
	}
}

// A returning customer whose owner is deactivated or away goes through the
// distribution rule of the source's warehouse and step as a new lead does:
// the returning entry names the former owner (owner_id from them to none,
// and a note), the rule's entry gives it to an available staff member,
// and the former owner gets no email.
func TestReturningCustomerOwnerGone(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change map[string]any
	}{
		{"deactivated", map[string]any{"active": false}},
		{"away", map[string]any{"away": true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := newReturning(t, nil)
			rs.roundRobin()
			formerEmail := rs.emailOf(rs.staff[0])
			rs.admin.do("PATCH", "/v1/users/"+rs.staff[0].userID, tc.change).ok(200)
			rs.lead(map[string]any{"full_name": "Nguyễn Văn A", "phone": "0912345678"})

			e := rs.entry("returning_lead")
			if before, after, ok := e.change("owner_id"); !ok || before != rs.staff[0].userID || (after != nil && after != "") {
				t.Errorf("returning entry's owner change = %v → %v (%v)", before, after, ok)
			}
			d := rs.entry("distributed")
			_, to, _ := d.change("owner_id")
			if d.Actor.Kind != "distribution" || to == nil || to == rs.staff[0].userID {
				t.Errorf("distribution entry = %+v, want the rule giving it to another staff member", d)
			}
			if owner := rs.owner(rs.cust.ID); owner != to || owner == rs.staff[0].userID {
				t.Errorf("owner = %s, want %v", owner, to)
			}
			wantNote := "Chủ sở hữu cũ Nhân viên An không còn nhận khách (ngừng hoạt động hoặc vắng mặt): khách hàng được chia lại như lead mới."
			if notes := rs.notes(); len(notes) != 1 || notes[0] != wantNote {
				t.Errorf("notes = %q, want %q", notes, wantNote)
			}
			if got := rs.mailsTo(formerEmail, "Khách hàng cũ Nguyễn Văn A vừa để lại thông tin qua Form Facebook"); len(got) != 0 {
				t.Errorf("the former owner was emailed: %+v", got)
			}
		})
	}
}

// returning_to_step (default off) puts a returning customer back at the
// source's step; it needs the source to have one.
func TestReturningToStep(t *testing.T) {
	rs := newReturning(t, nil)
	var pl struct {
		Steps []struct {
			ID string `json:"id"`
		} `json:"steps"`
	}
	rs.admin.do("GET", "/v1/pipelines/"+rs.pipeline, nil).ok(200).into(&pl)
	later := pl.Steps[1].ID
	var src struct {
		ReturningToStep bool `json:"returning_to_step"`
	}
	rs.admin.do("GET", "/v1/lead-sources/"+rs.src, nil).ok(200).into(&src)
	if src.ReturningToStep {
		t.Fatalf("returning_to_step is on by default")
	}
	for lang, want := range map[string]string{
		"vi": "Đưa khách hàng cũ về bước của nguồn cần nguồn có quy trình và bước.",
		"en": "Putting returning customers back at the source's step needs the source to have a pipeline and step.",
	} {
		c := *rs.admin
		c.lang = lang
		bad := c.do("POST", "/v1/lead-sources", map[string]any{"name": "Không bước", "warehouse_id": rs.wh, "returning_to_step": true,
			"mapping": map[string]string{"name": "$.full_name"}}).problem(422)
		hasError(t, bad, "returning_to_step", "returning_needs_step")
		if len(bad.Errors) != 1 || bad.Errors[0].Message != want {
			t.Errorf("%s: errors %+v, want the message %q", lang, bad.Errors, want)
		}
	}
	rs.admin.do("POST", "/v1/lead-sources", map[string]any{"name": "Sai kiểu", "returning_to_step": "yes",
		"mapping": map[string]string{"name": "$.full_name"}}).problem(422)

	for _, tc := range []struct {
		on   bool
		want string
	}{{false, later}, {true, rs.step}} {
		rs.s.setClock(rs.s.app.Clock.Now().Add(time.Hour)) // past the window in which a repeat is one lead
		rs.admin.do("PATCH", "/v1/customers/"+rs.cust.ID, map[string]any{"pipelines": map[string]string{rs.pipeline: later}}).ok(200)
		rs.admin.do("PATCH", "/v1/lead-sources/"+rs.src, map[string]any{"returning_to_step": tc.on}).ok(200)
		rs.lead(map[string]any{"full_name": "Nguyễn Văn A", "phone": "0912345678"})
		if got := rs.admin.customer(rs.cust.ID).Pipelines[rs.pipeline]; got != tc.want {
			t.Errorf("returning_to_step %v: step %s, want %s", tc.on, got, tc.want)
		}
	}
}
