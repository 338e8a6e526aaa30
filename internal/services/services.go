// Package services wires Tend's domain services together over a store,
// the queues and the email and SMS senders: once, for the Lambda functions
// (over DynamoDB, SQS, SES and SNS) and the local runner (over SQLite, its
// local queues and its outbox) alike.
package services

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"tend/internal/action"
	"tend/internal/automation"
	"tend/internal/careflow"
	"tend/internal/changes"
	"tend/internal/customer"
	"tend/internal/customerlist"
	"tend/internal/distribution"
	"tend/internal/domain"
	"tend/internal/httpapi"
	"tend/internal/idempotency"
	"tend/internal/inbox"
	"tend/internal/leads"
	"tend/internal/notify"
	"tend/internal/orders"
	"tend/internal/recordpdf"
	"tend/internal/store"
	"tend/internal/task"
	"tend/internal/templates"
	"tend/internal/timeline"
	"tend/internal/workspace"
)

// Services are Tend's services over one store.
type Services struct {
	Store        store.Store
	Clock        domain.Clock
	Workspaces   *workspace.Service
	Customers    *customer.Service
	Lists        *customerlist.Service
	Timeline     *timeline.Service
	Automation   *automation.Service
	Orders       *orders.Service
	Distribution *distribution.Service
	Leads        *leads.Service
	Inbox        *inbox.Service
	Templates    *templates.Service
	Tasks        *task.Service
	Notify       *notify.Service
	Actions      *action.Service
	CareFlows    *careflow.Service
	// Changes routes changes of the table to their consumers (the stream
	// function, the local feed).
	Changes *changes.Router
	// Ticker is the scheduler's work on each tick, and its jobs.
	Ticker changes.Ticker
	Log    *slog.Logger
}

// Queues are the queues the services send to; nil for one a function
// doesn't use (sending to it is then an error that names it).
type Queues struct {
	Jobs, Distribution, Notifications, NotificationsDLQ automation.Queue
}

// Senders are the providers messages go out through; nil where a function
// sends nothing.
type Senders struct {
	Mailer notify.Mailer
	Texter notify.Texter
	From   string
}

// Build wires the services over a store and the queues, for a function
// that sends no email or SMS itself.
func Build(st store.Store, q Queues, clock domain.Clock, log *slog.Logger) *Services {
	return BuildWith(st, q, Senders{}, clock, log)
}

// BuildWith wires the services over a store, the queues and the senders.
func BuildWith(st store.Store, q Queues, snd Senders, clock domain.Clock, log *slog.Logger) *Services {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	q.Jobs = orMissing(q.Jobs, "JOBS_QUEUE_URL")
	q.Distribution = orMissing(q.Distribution, "DISTRIBUTION_QUEUE_URL")
	q.Notifications = orMissing(q.Notifications, "NOTIFICATIONS_QUEUE_URL")
	q.NotificationsDLQ = orMissing(q.NotificationsDLQ, "NOTIFICATIONS_DLQ_URL")
	if snd.Mailer == nil {
		snd.Mailer = noSender{}
	}
	if snd.Texter == nil {
		snd.Texter = noSender{}
	}
	s := &Services{Store: st, Clock: clock, Log: log}
	s.Workspaces = workspace.New(st, clock, log)
	s.Customers = customer.New(st, clock, log)
	s.Lists = customerlist.New(st, clock, s.Customers)
	s.Timeline = timeline.New(st, clock, log, s.Workspaces, s.Customers)
	s.Distribution = distribution.New(st, clock, log, s.Workspaces, s.Customers, q.Distribution)
	s.Orders = orders.New(st, clock, log, s.Workspaces, s.Customers)
	s.Leads = leads.New(leads.Deps{Store: st, Clock: clock, Log: log, Orgs: s.Workspaces, Customers: s.Customers, Timeline: s.Timeline})
	s.Inbox = inbox.New(st)
	s.Templates = templates.New(st, clock)
	s.Tasks = task.New(st, clock, s.Customers)
	s.Notify = notify.New(notify.Ports{Store: st, Clock: clock, Orgs: s.Workspaces, Customers: s.Customers,
		Queue: q.Notifications, Dead: q.NotificationsDLQ, Mailer: snd.Mailer, Texter: snd.Texter,
		Printer: recordpdf.New(clock, s.Workspaces, s.Customers)},
		notify.Options{From: snd.From}, log)
	s.Actions = action.New(action.Deps{Store: st, Clock: clock, Log: log, Customers: s.Customers, Templates: s.Templates,
		Tasks: s.Tasks, Outbox: s.Notify, Distribution: s.Distribution})
	s.CareFlows = careflow.New(careflow.Deps{Store: st, Clock: clock, Orgs: s.Workspaces, Customers: s.Customers,
		Actions: s.Actions, Orders: s.Orders, Jobs: q.Jobs, Log: log})
	s.Automation = automation.New(automation.Deps{Store: st, Clock: clock, Log: log, Orgs: s.Workspaces, Customers: s.Customers,
		Jobs: q.Jobs, Effects: s.Actions})
	s.Changes = &changes.Router{Automation: s.Automation, Distribution: s.Distribution, Orders: s.Orders}
	s.Ticker = changes.Ticker{Automation: s.Automation, CareFlows: s.CareFlows, Distribution: s.Distribution, Notify: s.Notify,
		Reminders: s.Timeline}
	return s
}

// API is the HTTP API over the services, with callers identified by auth.
func (s *Services) API(auth httpapi.Authenticator) *httpapi.API {
	return httpapi.New(httpapi.Config{Workspaces: s.Workspaces, Customers: s.Customers, Lists: s.Lists, Timeline: s.Timeline, Automation: s.Automation, Orders: s.Orders, Distribution: s.Distribution,
		Leads: s.Leads, Inbox: s.Inbox, Templates: s.Templates, Tasks: s.Tasks, CareFlows: s.CareFlows, Notify: s.Notify,
		Auth: auth, Idempotency: idempotency.New(s.Store, s.Clock), Log: s.Log})
}

func orMissing(q automation.Queue, env string) automation.Queue {
	if q == nil {
		return noQueue{env}
	}
	return q
}

// noQueue stands for a queue a function has not been given.
type noQueue struct{ env string }

func (q noQueue) Send(context.Context, []byte, time.Duration) error {
	return fmt.Errorf("services: this function has no queue %s", q.env)
}

// noSender stands for the email and SMS providers in functions that send
// nothing themselves.
type noSender struct{}

func (noSender) SendEmail(context.Context, domain.Email) (string, error) {
	return "", errors.New("services: this function has no email sender (SENDER_EMAIL)")
}

func (noSender) SendSMS(context.Context, domain.SMS) (string, error) {
	return "", errors.New("services: this function has no SMS sender (SENDER_EMAIL)")
}
