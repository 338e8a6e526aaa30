package notify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/notify"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

var hanoi, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

// queue records what is queued, with its delay.
type queue struct {
	mu     sync.Mutex
	bodies [][]byte
	delays []time.Duration
}

func (q *queue) Send(_ context.Context, body []byte, delay time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.bodies, q.delays = append(q.bodies, body), append(q.delays, delay)
	return nil
}

func (q *queue) len() int { q.mu.Lock(); defer q.mu.Unlock(); return len(q.bodies) }

// provider stands in for SES and SNS: it fails as told, and counts.
type provider struct {
	mu    sync.Mutex
	fail  error
	email []domain.Email
	sms   []domain.SMS
}

func (p *provider) SendEmail(_ context.Context, e domain.Email) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return "", p.fail
	}
	p.email = append(p.email, e)
	return fmt.Sprintf("ses-%d", len(p.email)), nil
}

func (p *provider) SendSMS(_ context.Context, m domain.SMS) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return "", p.fail
	}
	p.sms = append(p.sms, m)
	return fmt.Sprintf("sns-%d", len(p.sms)), nil
}

type world struct {
	t           *testing.T
	tw          *tendtest.World
	svc         *notify.Service
	clock       *tendtest.Clock
	queue, dead *queue
	provider    *provider
	caller      *workspace.Caller
}

func newWorld(t *testing.T) *world {
	t.Helper()
	clock := tendtest.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, hanoi))
	tw := tendtest.MustOpen(t, tendtest.Options{Name: "Notify", Clock: clock})
	w := &world{t: t, tw: tw, clock: clock, queue: &queue{}, dead: &queue{}, provider: &provider{}, caller: tw.Admin()}
	w.svc = notify.New(notify.Ports{Store: tw.DB, Clock: clock, Orgs: tw.Workspaces, Customers: tw.Customers, Queue: w.queue, Dead: w.dead, Mailer: w.provider, Texter: w.provider},
		notify.Options{From: "cskh@tend.vn"}, nil)
	return w
}

// put writes a draft as a care flow would and dispatches it.
func (w *world) put(d notify.Draft) *notify.Message {
	w.t.Helper()
	m, op := w.svc.Prepare(w.caller.Org, d)
	if err := w.tw.DB.Put(w.t.Context(), op.Item, op.Cond); err != nil {
		w.t.Fatal(err)
	}
	if err := w.svc.Dispatch(w.t.Context(), []*notify.Message{m}); err != nil {
		w.t.Fatal(err)
	}
	return m
}

func (w *world) handle(m *notify.Message) {
	w.t.Helper()
	body := fmt.Sprintf(`{"tenant":%q,"id":%q}`, m.Tenant, m.ID)
	if err := w.svc.HandleMessage(w.t.Context(), []byte(body)); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) record(id string) *notify.Message {
	w.t.Helper()
	page, err := w.svc.List(w.t.Context(), w.caller, notify.Filter{Limit: 500})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, m := range page.Items {
		if m.ID == id {
			return m
		}
	}
	w.t.Fatalf("no delivery record %s", id)
	return nil
}

func sms(to, key string, ad bool) notify.Draft {
	return notify.Draft{Channel: notify.ChannelSMS, To: to, Body: "Khuyến mãi cuối tuần", Advertising: ad, Key: key}
}

// A provider failing for a passing reason: the message is retried with a
// growing backoff and, after the last attempt, fails and is dead-lettered.
func TestTransientFailuresBackOffThenDeadLetter(t *testing.T) {
	w := newWorld(t)
	w.provider.fail = errors.New("throttled")
	m := w.put(notify.Draft{Channel: notify.ChannelEmail, To: "k@n.vn", Subject: "S", Body: "B", Key: "k1"})
	wantWaits := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for attempt, wait := range wantWaits {
		w.handle(m)
		r := w.record(m.ID)
		if r.Status != notify.StatusQueued || r.Deferred != "retry" || r.Attempts != attempt+1 || !r.DueAt.Equal(w.clock.Now().Add(wait)) {
			t.Fatalf("attempt %d: %+v, want queued again in %v", attempt+1, r, wait)
		}
		if got := w.queue.delays[len(w.queue.delays)-1]; got != wait {
			t.Fatalf("attempt %d: requeued with delay %v, want %v", attempt+1, got, wait)
		}
		w.handle(m) // early: nothing happens
		if got := w.record(m.ID).Attempts; got != attempt+1 {
			t.Fatalf("an early delivery made an attempt (%d)", got)
		}
		w.clock.Set(r.DueAt)
	}
	w.handle(m)
	if r := w.record(m.ID); r.Status != notify.StatusFailed || r.Attempts != 5 || r.LastError != "throttled" {
		t.Fatalf("after the last attempt: %+v", r)
	}
	if w.dead.len() != 1 {
		t.Fatalf("%d dead letters, want 1", w.dead.len())
	}
	w.handle(m) // a late copy changes nothing
	if w.dead.len() != 1 {
		t.Fatalf("a late copy was dead-lettered again")
	}
}

// A refusal for good (a bounce) fails the message at once, with the
// reason on its delivery record, and does not go to the dead-letter queue:
// its alarm is for failures someone must look at.
func TestRejectedFailsAtOnce(t *testing.T) {
	w := newWorld(t)
	w.provider.fail = fmt.Errorf("%w: MessageRejected", domain.ErrRejected)
	m := w.put(notify.Draft{Channel: notify.ChannelEmail, To: "k@n.vn", Subject: "S", Body: "B", Key: "k1"})
	w.handle(m)
	if r := w.record(m.ID); r.Status != notify.StatusFailed || r.Attempts != 1 || !strings.Contains(r.LastError, "MessageRejected") || w.dead.len() != 0 {
		t.Fatalf("%+v, %d dead letters", r, w.dead.len())
	}
}

// A customer who opts out after the message was written gets nothing.
func TestOptOutBeforeSending(t *testing.T) {
	w := newWorld(t)
	in, _ := customer.ParseInput([]byte(`{"name":"Khách","email":"k@n.vn"}`))
	cu, err := w.tw.Customers.CreateCustomer(t.Context(), w.caller, in)
	if err != nil {
		t.Fatal(err)
	}
	m := w.put(notify.Draft{Channel: notify.ChannelEmail, To: "k@n.vn", Subject: "S", Body: "B", Key: "k1", CustomerID: cu.ID, Customer: true})
	in, _ = customer.ParseInput([]byte(`{"email_opt_out":true}`))
	if _, err := w.tw.Customers.UpdateCustomer(t.Context(), w.caller, cu.ID, in); err != nil {
		t.Fatal(err)
	}
	w.handle(m)
	if r := w.record(m.ID); r.Status != notify.StatusSkipped || len(w.provider.email) != 0 {
		t.Fatalf("%+v, %d sent", r, len(w.provider.email))
	}
}

// The same key is one message, however often it is written.
func TestSameKeyOneMessage(t *testing.T) {
	w := newWorld(t)
	d := notify.Draft{Channel: notify.ChannelEmail, To: "k@n.vn", Subject: "S", Body: "B", Key: "flow:cus:2026-11-23:0:k@n.vn"}
	w.put(d)
	_, op := w.svc.Prepare(w.caller.Org, d)
	if err := w.tw.DB.Put(t.Context(), op.Item, op.Cond); err == nil {
		t.Fatal("a second message with the same key was written")
	}
}

// Advertising SMS follow Decree 91: not before 07:00 or from 22:00, and at
// most three to a number in 24 hours; the rest wait, they are not lost.
func TestDecree91(t *testing.T) {
	w := newWorld(t)
	// 06:30: an advertising SMS waits for 07:00; a care SMS, outside the
	// quiet hours only, would wait for 08:00.
	w.clock.Set(time.Date(2026, 11, 23, 6, 30, 0, 0, hanoi))
	ad := w.put(sms("+84912000001", "ad0", true))
	if r := w.record(ad.ID); !r.DueAt.Equal(time.Date(2026, 11, 23, 8, 0, 0, 0, hanoi)) || r.Deferred != "quiet_hours" {
		t.Fatalf("06:30 ad: %+v", r)
	}
	// With the workspace's quiet hours off, the decree's hours still hold.
	ws := workspace.WorkspaceInput{QuietHours: &domain.QuietHours{From: "00:00", To: "00:00"}}
	if _, err := w.tw.Workspaces.UpdateWorkspace(t.Context(), w.caller, ws); err != nil {
		t.Fatal(err)
	}
	w.caller, _ = w.tw.Workspaces.Authenticate(t.Context(), w.caller.User.AuthSubject)
	early := w.put(sms("+84912000001", "ad1", true))
	if r := w.record(early.ID); !r.DueAt.Equal(time.Date(2026, 11, 23, 7, 0, 0, 0, hanoi)) || r.Deferred != "ad_hours" {
		t.Fatalf("06:30 ad without quiet hours: %+v", r)
	}
	care := w.put(sms("+84912000001", "care1", false))
	if r := w.record(care.ID); !r.DueAt.Equal(w.clock.Now()) {
		t.Fatalf("06:30 care SMS without quiet hours: %+v", r)
	}
	w.clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, hanoi))
	var ads []*notify.Message
	for i := range 4 {
		ads = append(ads, w.put(sms("+84912000002", fmt.Sprintf("ad-%d", i), true)))
	}
	for _, m := range ads {
		w.handle(m)
	}
	if len(w.provider.sms) != 3 {
		t.Fatalf("%d advertising SMS sent to one number, want 3", len(w.provider.sms))
	}
	fourth := w.record(ads[3].ID)
	if fourth.Status != notify.StatusQueued || fourth.Deferred != "ad_limit" || !fourth.DueAt.Equal(w.clock.Now().Add(24*time.Hour)) {
		t.Fatalf("fourth: %+v", fourth)
	}
	other := w.put(sms("+84912000003", "ad-other", true))
	w.handle(other)
	if len(w.provider.sms) != 4 {
		t.Fatal("another number was held back by the first one's limit")
	}
	// 22:10: outside the decree's hours, it waits for 07:00.
	w.clock.Set(time.Date(2026, 11, 23, 22, 10, 0, 0, hanoi))
	late := w.put(sms("+84912000004", "ad-late", true))
	if r := w.record(late.ID); !r.DueAt.Equal(time.Date(2026, 11, 24, 7, 0, 0, 0, hanoi)) {
		t.Fatalf("22:10 ad: %+v", r)
	}
	// A day after the first three, the fourth goes.
	w.clock.Set(fourth.DueAt)
	w.handle(ads[3])
	if r := w.record(ads[3].ID); r.Status != notify.StatusSent {
		t.Fatalf("fourth the next day: %+v", r)
	}
}

// A message whose queue message was lost, or deferred beyond the queue's
// reach, is handed to the queue by the tick when its time comes.
func TestTickHandsOverDueMessages(t *testing.T) {
	w := newWorld(t)
	w.clock.Set(time.Date(2026, 11, 23, 22, 0, 0, 0, hanoi))
	m := w.put(notify.Draft{Channel: notify.ChannelEmail, To: "k@n.vn", Subject: "S", Body: "B", Key: "k1"})
	if w.queue.len() != 0 {
		t.Fatal("a message due in ten hours was queued now")
	}
	if n, err := w.svc.Tick(t.Context()); err != nil || n != 0 {
		t.Fatalf("tick at 22:00: %d, %v", n, err)
	}
	w.clock.Set(time.Date(2026, 11, 24, 8, 0, 0, 0, hanoi))
	if n, err := w.svc.Tick(t.Context()); err != nil || n != 1 {
		t.Fatalf("tick at 08:00: %d, %v", n, err)
	}
	if n, _ := w.svc.Tick(t.Context()); n != 0 {
		t.Fatal("the next tick handed it over again at once")
	}
	w.handle(m)
	if r := w.record(m.ID); r.Status != notify.StatusSent {
		t.Fatalf("%+v", r)
	}
	w.clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, hanoi))
	if n, _ := w.svc.Tick(t.Context()); n != 0 {
		t.Fatal("a sent message was handed over again")
	}
}
