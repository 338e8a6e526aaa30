package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/awsmain"
	"tend/internal/domain"
	"tend/internal/lambdafn"
	"tend/internal/notify"
	"tend/internal/services"
	"tend/internal/tendtest"
)

// mailer stands in for SES: it counts what it is asked to send.
type mailer struct {
	mu   sync.Mutex
	sent []domain.Email
}

func (m *mailer) SendEmail(_ context.Context, e domain.Email) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, e)
	return "ses-1", nil
}

func (m *mailer) SendSMS(context.Context, domain.SMS) (string, error) { return "sns-1", nil }

// queue swallows the messages the notifier queues.
type queue struct{}

func (queue) Send(context.Context, []byte, time.Duration) error { return nil }

// The sample notifications message, pointed at a queued email, sends it
// once; delivered again it sends nothing; a message that can't be
// handled is reported alone.
func TestSampleNotificationMessage(t *testing.T) {
	ctx := t.Context()
	// Noon in Hanoi: outside the default quiet hours.
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Notify", Clock: tendtest.NewClock(time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC))})
	db, m := w.DB, &mailer{}
	svc := services.ForNotifier(db, services.Queues{Notifications: queue{}, NotificationsDLQ: queue{}},
		services.Senders{Mailer: m, Texter: m, From: "cskh@tend.vn"}, w.Clock, slog.New(slog.DiscardHandler))
	c := w.Admin()
	msg, op := svc.Notify.Prepare(c.Org, notify.Draft{Channel: notify.ChannelEmail, To: "khach@n.vn", Subject: "Chúc mừng sinh nhật",
		Body: "Chúc anh một năm mới nhiều niềm vui.", Key: "test:1"})
	if err := db.Put(ctx, op.Item, op.Cond); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../events/sqs-notification-message.json")
	if err != nil {
		t.Fatal(err)
	}
	raw = []byte(strings.NewReplacer("ws_demo", c.Tenant(), "msg_sample", msg.ID).Replace(string(raw)))
	var ev events.SQSEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	handle := lambdafn.Notifier(&awsmain.AWS{Store: db, Queues: services.Queues{Notifications: queue{}, NotificationsDLQ: queue{}}, Clock: w.Clock},
		services.Senders{Mailer: m, Texter: m, From: "cskh@tend.vn"})
	for delivery := 1; delivery <= 2; delivery++ {
		resp, err := handle(ctx, ev)
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("delivery %d: %+v, %v", delivery, resp, err)
		}
		if len(m.sent) != 1 || m.sent[0].From != "cskh@tend.vn" || m.sent[0].To[0] != "khach@n.vn" {
			t.Fatalf("delivery %d: sent %+v, want the one email", delivery, m.sent)
		}
	}
	page, err := svc.Notify.List(ctx, c, notify.Filter{})
	if err != nil || len(page.Items) != 1 || page.Items[0].Status != notify.StatusSent || page.Items[0].ProviderID != "ses-1" {
		t.Fatalf("delivery record: %+v, %v", page, err)
	}
	ev.Records = append(ev.Records, ev.Records[0])
	ev.Records[1].MessageId, ev.Records[1].Body = "broken", `{"kind":"shuffle"}`
	resp, _ := handle(ctx, ev)
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "broken" {
		t.Fatalf("broken message: %+v", resp)
	}
}
