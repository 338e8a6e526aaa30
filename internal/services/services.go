// Package services wires Tend's domain services together over a store,
// the queues and the email and SMS senders: once, for the Lambda functions
// (over DynamoDB, SQS, SES and SNS) and the local runner (over SQLite, its
// local queues and its outbox) alike. It imports no adapter and not the
// HTTP layer, so that each function links only what its builder reaches.
package services

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"tend/internal/action"
	"tend/internal/automation"
	"tend/internal/backfill"
	"tend/internal/birthday"
	"tend/internal/campaign"
	"tend/internal/careflow"
	"tend/internal/changes"
	"tend/internal/customer"
	"tend/internal/customerlist"
	"tend/internal/distribution"
	"tend/internal/domain"
	"tend/internal/export"
	"tend/internal/importing"
	"tend/internal/inbox"
	"tend/internal/leads"
	"tend/internal/listprefs"
	"tend/internal/notify"
	"tend/internal/orders"
	"tend/internal/project"
	"tend/internal/reports"
	"tend/internal/sharing"
	"tend/internal/store"
	"tend/internal/task"
	"tend/internal/templates"
	"tend/internal/timeline"
	"tend/internal/workspace"
)

// Services are Tend's services over one store.
type Services struct {
	Store      store.Store
	Clock      domain.Clock
	Workspaces *workspace.Service
	Customers  *customer.Service
	Lists      *customerlist.Service
	ListPrefs  *listprefs.Service
	// Exports export customers and campaigns' members; its Files (the
	// files store) is set by the functions that run or answer export jobs.
	Exports      *export.Service
	Timeline     *timeline.Service
	Automation   *automation.Service
	Orders       *orders.Service
	Distribution *distribution.Service
	Leads        *leads.Service
	Inbox        *inbox.Service
	// Birthdays lists colleagues' birthdays and sends their notices.
	Birthdays *birthday.Service
	Templates *templates.Service
	Tasks     *task.Service
	Notify    *notify.Service
	Actions   *action.Service
	CareFlows *careflow.Service
	Reports   *reports.Service
	// Imports load customers from spreadsheets; their files store
	// (Imports.Files) is set by the functions that keep files (the api and
	// jobs functions, the local runner).
	Imports *importing.Service
	// Campaigns keep campaigns and their members; Sharing the share rules
	// run over them.
	Campaigns *campaign.Service
	Sharing   *sharing.Service
	// Projects keep projects and the tasks in them.
	Projects *project.Service
	// Changes routes changes of the table to their consumers (the stream
	// function, the local feed).
	Changes *changes.Router
	// Ticker is the scheduler's work on each tick, and its jobs.
	Ticker changes.Ticker
	Log    *slog.Logger

	queues Queues
}

// Queues are the queues the services send to; nil for one a function
// doesn't use (sending to it is then an error that names it).
type Queues struct {
	Jobs, Distribution, Notifications, NotificationsDLQ automation.Queue
	// Intake takes the leads held by the webhooks (see leads.Take).
	Intake automation.Queue
}

// Senders are the providers messages go out through; nil where a function
// sends nothing. Printer, when set, prints a customer's record for emails
// that attach it.
type Senders struct {
	Mailer  notify.Mailer
	Texter  notify.Texter
	From    string
	Printer func(clock domain.Clock, orgs notify.Orgs, customers notify.Customers) notify.Printer
}

// Each function builds only the services its handler reaches (so that its
// binary links no more than it needs); the local runner builds them all.
// The builders share the layers below.

// ForAPI wires the services behind the HTTP API: all but the senders.
func ForAPI(st store.Store, q Queues, clock domain.Clock, log *slog.Logger) *Services {
	return forAPI(st, q, Senders{}, clock, log)
}

func forAPI(st store.Store, q Queues, snd Senders, clock domain.Clock, log *slog.Logger) *Services {
	s := newCore(st, q, clock, log)
	s.addWork(snd)
	s.addCareFlows()
	s.addLeads()
	s.addReports()
	s.addImports()
	s.addInbox()
	s.addExports()
	s.addSharing()
	s.Projects = project.New(st, clock, s.Customers)
	return s
}

// ForHooks wires the services behind the webhooks: lead intake (the leads
// held for the intake queue, call records taken at once).
func ForHooks(st store.Store, q Queues, clock domain.Clock, log *slog.Logger) *Services {
	s := newCore(st, q, clock, log)
	s.addLeads()
	return s
}

// ForIntake wires the intake queue's consumer: the leads held by the
// webhooks made customers.
func ForIntake(st store.Store, q Queues, clock domain.Clock, log *slog.Logger) *Services {
	s := newCore(st, q, clock, log)
	// Owners of returning customers are told through the notifications
	// queue: the outbox only queues here, the notifier sends.
	s.addNotify(Senders{})
	s.addLeads()
	return s
}

// ForStream wires what the table's changes go to: automations,
// distribution, revenue from orders, the reports' counters.
func ForStream(st store.Store, q Queues, clock domain.Clock, log *slog.Logger) *Services {
	s := newCore(st, q, clock, log)
	s.addWork(Senders{})
	s.addReports()
	s.Changes = &changes.Router{Automation: s.Automation, Distribution: s.Distribution, Orders: s.Orders, Reports: s.Reports}
	return s
}

// ForDistributor wires distribution alone.
func ForDistributor(st store.Store, q Queues, clock domain.Clock, log *slog.Logger) *Services {
	s := newCore(st, q, clock, log)
	s.Distribution = distribution.New(st, clock, s.Log, s.Workspaces, s.Customers, s.queues.Distribution)
	return s
}

// ForTicks wires the scheduler's work: the tick and the runs' jobs.
func ForTicks(st store.Store, q Queues, clock domain.Clock, log *slog.Logger) *Services {
	s := newCore(st, q, clock, log)
	s.addWork(Senders{})
	s.addCareFlows()
	s.addLeads()
	s.addReports()
	s.addImports()
	s.addExports()
	s.addSharing()
	s.addInbox()
	s.Ticker = changes.Ticker{Automation: s.Automation, CareFlows: s.CareFlows, Distribution: s.Distribution, Notify: s.Notify,
		Reminders: s.Timeline, Leads: s.Leads, Reports: s.Reports, Imports: s.Imports,
		Exports: s.Exports, Campaigns: s.Campaigns, Sharing: s.Sharing, Birthdays: s.Birthdays,
		Backfill: backfill.New(s.Store, s.queues.Jobs, s.Clock, s.Log)}
	return s
}

// ForNotifier wires the outbox with the providers messages go out through.
func ForNotifier(st store.Store, q Queues, snd Senders, clock domain.Clock, log *slog.Logger) *Services {
	s := newCore(st, q, clock, log)
	s.addNotify(snd)
	return s
}

// Build wires every service over a store and the queues, sending no email
// or SMS itself.
func Build(st store.Store, q Queues, clock domain.Clock, log *slog.Logger) *Services {
	return BuildWith(st, q, Senders{}, clock, log)
}

// BuildWith wires every service over a store, the queues and the senders,
// as the local runner runs them all in one process.
func BuildWith(st store.Store, q Queues, snd Senders, clock domain.Clock, log *slog.Logger) *Services {
	s := forAPI(st, q, snd, clock, log)
	s.Changes = &changes.Router{Automation: s.Automation, Distribution: s.Distribution, Orders: s.Orders, Reports: s.Reports}
	s.Ticker = changes.Ticker{Automation: s.Automation, CareFlows: s.CareFlows, Distribution: s.Distribution, Notify: s.Notify,
		Reminders: s.Timeline, Leads: s.Leads, Reports: s.Reports, Imports: s.Imports,
		Exports: s.Exports, Campaigns: s.Campaigns, Sharing: s.Sharing, Birthdays: s.Birthdays,
		Backfill: backfill.New(s.Store, s.queues.Jobs, s.Clock, s.Log)}
	return s
}

// addInbox wires the users' notifications and the birthday notices
// written to them.
func (s *Services) addInbox() {
	s.Inbox = inbox.New(s.Store).WithClock(s.Clock)
	s.Birthdays = birthday.New(s.Store, s.Clock, s.Log, s.Workspaces)
}

// addSharing wires the share rules over the campaigns (newCore's).
func (s *Services) addSharing() {
	s.Sharing = sharing.New(sharing.Deps{Store: s.Store, Clock: s.Clock, Log: s.Log, Orgs: s.Workspaces,
		Campaigns: sharing.CampaignsOf(s.Campaigns), Customers: s.Customers, Jobs: s.queues.Jobs})
}

// addImports wires imports (after addWork). The files store is set by the
// functions that have one (Imports.Files).
func (s *Services) addImports() {
	s.Imports = importing.New(importing.Deps{Store: s.Store, Clock: s.Clock, Log: s.Log, Orgs: s.Workspaces, Customers: s.Customers,
		Distribution: s.Distribution, Jobs: s.queues.Jobs})
}

// addExports wires the list settings, saved filters and the exports: the
// customer list's, and a campaign's members' through the same jobs.
func (s *Services) addExports() {
	s.ListPrefs = listprefs.New(s.Store, s.Clock, s.Lists)
	s.Exports = export.New(export.Deps{Store: s.Store, Clock: s.Clock, Log: s.Log, Orgs: s.Workspaces, Lists: s.Lists,
		Prefs: s.ListPrefs, Jobs: s.queues.Jobs, Makers: map[string]export.Maker{campaign.ExportJobKind: s.Campaigns}})
}

// addLeads wires lead intake, telling owners of returning customers
// through the outbox when one is wired. The sealer of the sources' secrets and the
// Graph client are set by the functions that reach them (Leads.Sealer,
// Leads.Graph).
func (s *Services) addLeads() {
	s.Leads = leads.New(leads.Deps{Store: s.Store, Clock: s.Clock, Log: s.Log, Orgs: s.Workspaces, Customers: s.Customers,
		Timeline: s.Timeline, Campaigns: s.Campaigns, Intake: s.queues.Intake})
	if s.Notify != nil { // the functions that take leads (addNotify first)
		s.Leads.Outbox = s.Notify
	}
}

// addReports wires the reports' counters (after addWork): kept by the
// stream, read by the API, rebuilt by the jobs.
func (s *Services) addReports() {
	s.Reports = reports.New(reports.Deps{Store: s.Store, Clock: s.Clock, Log: s.Log, Orgs: s.Workspaces, Rules: s.Distribution,
		Orders: s.Orders, CampaignList: s.Campaigns, Jobs: s.queues.Jobs})
}

// newCore wires what every function builds on: the set-up, customers,
// their lists and timeline.
func newCore(st store.Store, q Queues, clock domain.Clock, log *slog.Logger) *Services {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	q.Jobs = orMissing(q.Jobs, "JOBS_QUEUE_URL")
	q.Distribution = orMissing(q.Distribution, "DISTRIBUTION_QUEUE_URL")
	q.Notifications = orMissing(q.Notifications, "NOTIFICATIONS_QUEUE_URL")
	q.NotificationsDLQ = orMissing(q.NotificationsDLQ, "NOTIFICATIONS_DLQ_URL")
	q.Intake = orMissing(q.Intake, "INTAKE_QUEUE_URL")
	s := &Services{Clock: clock, Log: log, queues: q}
	s.Workspaces = workspace.New(st, clock, log)
	// Every service writes through the set-up's store, so that a set-up
	// change made in this container drops the snapshot it keeps at once.
	st = s.Workspaces.Store()
	s.Store = st
	s.Customers = customer.New(st, clock, log)
	s.Lists = customerlist.New(st, clock, s.Customers)
	s.Timeline = timeline.New(st, clock, log, s.Workspaces, s.Customers)
	s.Campaigns = campaign.New(st, clock, log, s.Customers, s.Lists)
	return s
}

// addWork wires what acts on customers on its own: distribution, orders,
// the outbox (queueing messages; sending them too, with senders),
// templates, tasks, the actions rules and flows take, automation rules, and
// sends to campaigns' members.
func (s *Services) addWork(snd Senders) {
	st, clock, log, q := s.Store, s.Clock, s.Log, s.queues
	s.Distribution = distribution.New(st, clock, log, s.Workspaces, s.Customers, q.Distribution)
	s.Orders = orders.New(st, clock, log, s.Workspaces, s.Customers)
	s.Templates = templates.New(st, clock)
	s.Tasks = task.New(st, clock, s.Customers)
	s.addNotify(snd)
	s.Actions = action.New(action.Deps{Store: st, Clock: clock, Log: log, Customers: s.Customers, Templates: s.Templates,
		Tasks: s.Tasks, Outbox: s.Notify, Distribution: s.Distribution})
	s.Automation = automation.New(automation.Deps{Store: st, Clock: clock, Log: log, Orgs: s.Workspaces, Customers: s.Customers,
		Jobs: q.Jobs, Effects: s.Actions})
	s.Campaigns.Sending = campaign.Sending{Orgs: s.Workspaces, Templates: s.Templates, Outbox: s.Notify, Jobs: q.Jobs}
}

// addCareFlows wires care flows (after addWork).
func (s *Services) addCareFlows() {
	s.CareFlows = careflow.New(careflow.Deps{Store: s.Store, Clock: s.Clock, Orgs: s.Workspaces, Customers: s.Customers,
		Actions: s.Actions, Orders: s.Orders, Jobs: s.queues.Jobs, Log: s.Log})
}

// addNotify wires the outbox; with senders, it also sends.
func (s *Services) addNotify(snd Senders) {
	if snd.Mailer == nil {
		snd.Mailer = noSender{}
	}
	if snd.Texter == nil {
		snd.Texter = noSender{}
	}
	ports := notify.Ports{Store: s.Store, Clock: s.Clock, Orgs: s.Workspaces, Customers: s.Customers,
		Queue: s.queues.Notifications, Dead: s.queues.NotificationsDLQ, Mailer: snd.Mailer, Texter: snd.Texter}
	if snd.Printer != nil {
		ports.Printer = snd.Printer(s.Clock, s.Workspaces, s.Customers)
	}
	s.Notify = notify.New(ports, notify.Options{From: snd.From}, s.Log)
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
