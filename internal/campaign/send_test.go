package campaign_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"tend/internal/campaign"
	"tend/internal/notify"
	"tend/internal/templates"
)

// queue keeps what is sent to it; failAfter, when above zero, makes the
// send after that many fail once (a queue that is briefly down).
type queue struct {
	mu        sync.Mutex
	bodies    [][]byte
	failAfter int
}

func (q *queue) Send(_ context.Context, body []byte, _ time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.failAfter > 0 && len(q.bodies) == q.failAfter {
		q.failAfter = 0
		return errors.New("queue down")
	}
	q.bodies = append(q.bodies, body)
	return nil
}

// A send that fails half-way and runs again queues one message per member
// in all: the members it reached before the failure get nothing more.
func TestSendRunAgainSendsNothingMore(t *testing.T) {
	f := newFixture(t)
	admin := f.w.Admin()
	jobs, outboxQueue := &queue{}, &queue{failAfter: 2}
	outbox := notify.New(notify.Ports{Store: f.w.DB, Clock: f.w.Clock, Orgs: f.w.Workspaces, Customers: f.w.Customers, Queue: outboxQueue}, notify.Options{}, nil)
	tpls := templates.New(f.w.DB, f.w.Clock)
	f.svc.Sending = campaign.Sending{Orgs: f.w.Workspaces, Templates: tpls, Outbox: outbox, Jobs: jobs}
	tpl, err := tpls.Create(t.Context(), admin, templates.KindSMS, &templates.Input{Name: ptr("Mời"), Body: ptr("Mời {{name}} dự hội thảo")})
	if err != nil {
		t.Fatal(err)
	}
	camp := f.campaign(admin)
	ids := f.customers(4)
	if _, err := f.svc.AddMembers(t.Context(), admin, camp.ID, campaign.AddInput{CustomerIDs: ids}); err != nil {
		t.Fatal(err)
	}
	snd, err := f.svc.StartSend(t.Context(), admin, camp.ID, campaign.SendInput{Channel: "sms", TemplateID: tpl.ID})
	if err != nil || len(jobs.bodies) != 1 || !campaign.IsJob(jobs.bodies[0]) {
		t.Fatalf("start: %v, jobs %q", err, jobs.bodies)
	}
	if err := f.svc.HandleJob(t.Context(), jobs.bodies[0]); err == nil {
		t.Fatal("the first run should fail with the queue")
	}
	if err := f.svc.HandleJob(t.Context(), jobs.bodies[0]); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.GetSend(t.Context(), admin, camp.ID, snd.ID)
	if err != nil || got.Status != campaign.SendDone || got.Members != 4 || got.Queued != 4 {
		t.Fatalf("send: %+v %v", got, err)
	}
	msgs, err := outbox.List(t.Context(), admin, notify.Filter{Limit: 100})
	if err != nil || len(msgs.Items) != 4 {
		t.Fatalf("%d messages in the outbox, want one per member (%v)", len(msgs.Items), err)
	}
	to := map[string]bool{}
	for _, m := range msgs.Items {
		to[m.To] = true
	}
	if len(to) != 4 {
		t.Fatalf("recipients %v", to)
	}
}
