// Package awsmain wires Tend's services for the Lambda functions: it reads
// the function's environment once, builds the AWS clients once (at cold
// start) and hands the adapters to the domain services. The functions'
// mains stay a few lines; everything here but Connect can run over SQLite
// in tests.
package awsmain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"tend/internal/automation"
	"tend/internal/careflow"
	"tend/internal/changes"
	"tend/internal/crm"
	"tend/internal/distribution"
	"tend/internal/domain"
	"tend/internal/dynamo"
	"tend/internal/httpapi"
	"tend/internal/idempotency"
	"tend/internal/inbox"
	"tend/internal/lambdaevent"
	"tend/internal/leads"
	"tend/internal/notify"
	"tend/internal/orders"
	"tend/internal/recordpdf"
	"tend/internal/ses"
	"tend/internal/sns"
	"tend/internal/sqs"
	"tend/internal/store"
	"tend/internal/task"
	"tend/internal/templates"
)

// Env is a function's configuration, from its environment variables.
type Env struct {
	Table        string // TABLE_NAME, required
	JobsQueueURL string // JOBS_QUEUE_URL, for functions that send jobs
	// DistributionQueueURL (DISTRIBUTION_QUEUE_URL) is for functions that
	// schedule distributions.
	DistributionQueueURL string
	// NotificationsQueueURL (NOTIFICATIONS_QUEUE_URL) is for functions
	// that queue emails and SMS; NotificationsDLQURL
	// (NOTIFICATIONS_DLQ_URL) for the notifier, which dead-letters the
	// messages that fail for good.
	NotificationsQueueURL string
	NotificationsDLQURL   string
	// SenderEmail (SENDER_EMAIL) is the verified SES identity emails come
	// from; SESConfigurationSet (SES_CONFIGURATION_SET) and SMSSender
	// (SMS_SENDER_ID, a default brandname) are optional.
	SenderEmail         string
	SESConfigurationSet string
	SMSSender           string
	Log                 *slog.Logger
}

// FromEnv reads the environment: TABLE_NAME, the queue URLs, the senders,
// LOG_LEVEL.
func FromEnv() (Env, error) {
	var level slog.Level
	if s := os.Getenv("LOG_LEVEL"); s != "" {
		if err := level.UnmarshalText([]byte(s)); err != nil {
			return Env{}, fmt.Errorf("LOG_LEVEL %q: %w", s, err)
		}
	}
	env := Env{Table: os.Getenv("TABLE_NAME"), JobsQueueURL: os.Getenv("JOBS_QUEUE_URL"), DistributionQueueURL: os.Getenv("DISTRIBUTION_QUEUE_URL"),
		NotificationsQueueURL: os.Getenv("NOTIFICATIONS_QUEUE_URL"), NotificationsDLQURL: os.Getenv("NOTIFICATIONS_DLQ_URL"),
		SenderEmail: os.Getenv("SENDER_EMAIL"), SESConfigurationSet: os.Getenv("SES_CONFIGURATION_SET"), SMSSender: os.Getenv("SMS_SENDER_ID"),
		Log: slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))}
	if env.Table == "" {
		return env, errors.New("TABLE_NAME is not set")
	}
	return env, nil
}

// Services are Tend's services over one store.
type Services struct {
	Store        store.Store
	Clock        domain.Clock
	CRM          *crm.Service
	Automation   *automation.Service
	Orders       *orders.Service
	Distribution *distribution.Service
	Leads        *leads.Service
	Inbox        *inbox.Service
	Templates    *templates.Service
	Tasks        *task.Service
	Notify       *notify.Service
	CareFlows    *careflow.Service
	Changes      *changes.Router
	Ticker       changes.Ticker
	Log          *slog.Logger
}

// Queues are the queues a function sends to; nil for one it doesn't use.
type Queues struct {
	Jobs, Distribution, Notifications, NotificationsDLQ automation.Queue
}

// Senders are the providers the notifier sends through; nil where a
// function sends nothing.
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
	s.CRM = crm.New(st, clock, log)
	s.Automation = automation.New(s.CRM, q.Jobs, log)
	s.Distribution = distribution.New(s.CRM, q.Distribution, log)
	s.Orders = orders.New(s.CRM, log)
	s.Leads = leads.New(s.CRM, log)
	s.Inbox = inbox.New(st)
	s.Templates = templates.New(s.CRM)
	s.Tasks = task.New(s.CRM)
	s.Notify = notify.New(s.CRM, notify.Ports{Queue: q.Notifications, Dead: q.NotificationsDLQ, Mailer: snd.Mailer, Texter: snd.Texter,
		Printer: recordpdf.New(s.CRM)},
		notify.Options{From: snd.From}, log)
	s.CareFlows = careflow.New(careflow.Deps{CRM: s.CRM, Templates: s.Templates, Tasks: s.Tasks, Notify: s.Notify,
		Distribution: s.Distribution, Orders: s.Orders, Jobs: q.Jobs, Log: log})
	s.Automation.Effects = s.CareFlows
	s.Changes = &changes.Router{Automation: s.Automation, Distribution: s.Distribution, Orders: s.Orders}
	s.Ticker = changes.Ticker{Automation: s.Automation, CareFlows: s.CareFlows, Distribution: s.Distribution, Notify: s.Notify,
		Reminders: inbox.Reminders{CRM: s.CRM}}
	return s
}

func orMissing(q automation.Queue, env string) automation.Queue {
	if q == nil {
		return noQueue{env}
	}
	return q
}

// Connect builds the AWS clients and the services over them.
func Connect(ctx context.Context, env Env) (*Services, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	clock := domain.SystemClock{}
	st := dynamo.New(dynamodb.NewFromConfig(cfg), env.Table, dynamo.Options{Now: clock.Now})
	client := awssqs.NewFromConfig(cfg)
	var q Queues
	if env.JobsQueueURL != "" {
		q.Jobs = sqs.New(client, env.JobsQueueURL)
	}
	if env.DistributionQueueURL != "" {
		q.Distribution = sqs.New(client, env.DistributionQueueURL)
	}
	if env.NotificationsQueueURL != "" {
		q.Notifications = sqs.New(client, env.NotificationsQueueURL)
	}
	if env.NotificationsDLQURL != "" {
		q.NotificationsDLQ = sqs.New(client, env.NotificationsDLQURL)
	}
	var snd Senders
	if env.SenderEmail != "" {
		snd.From = env.SenderEmail
		snd.Mailer = ses.New(sesv2.NewFromConfig(cfg), ses.Options{ConfigurationSet: env.SESConfigurationSet})
		snd.Texter = sns.New(awssns.NewFromConfig(cfg), sns.Options{DefaultSender: env.SMSSender})
	}
	return BuildWith(st, q, snd, clock, env.Log), nil
}

// noQueue stands for a queue a function has not been given.
type noQueue struct{ env string }

func (q noQueue) Send(context.Context, []byte, time.Duration) error {
	return fmt.Errorf("awsmain: this function has no queue %s", q.env)
}

// noSender stands for the email and SMS providers in functions that send
// nothing themselves.
type noSender struct{}

func (noSender) SendEmail(context.Context, domain.Email) (string, error) {
	return "", errors.New("awsmain: this function has no email sender (SENDER_EMAIL)")
}

func (noSender) SendSMS(context.Context, domain.SMS) (string, error) {
	return "", errors.New("awsmain: this function has no SMS sender (SENDER_EMAIL)")
}

// Run starts a function: it reads the environment, connects the services
// and hands them to start (which calls lambda.Start). A function that
// can't start logs why and exits; it never serves half-configured. With
// needJobs, JOBS_QUEUE_URL is required.
func Run(name string, need []string, start func(*Services)) {
	env, err := FromEnv()
	for _, v := range need {
		if err == nil && os.Getenv(v) == "" {
			err = fmt.Errorf("%s is not set", v)
		}
	}
	var svc *Services
	if err == nil {
		svc, err = Connect(context.Background(), env)
	}
	if err != nil {
		slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error(name+": start", "err", err)
		os.Exit(1)
	}
	start(svc)
}

// Handler is the HTTP API over the services (for the api and hooks
// functions), reading identities from the API Gateway JWT authorizer.
func (s *Services) Handler() http.Handler {
	return httpapi.New(httpapi.Config{
		CRM:          s.CRM,
		Automation:   s.Automation,
		Orders:       s.Orders,
		Distribution: s.Distribution,
		Leads:        s.Leads,
		Inbox:        s.Inbox,
		Templates:    s.Templates,
		Tasks:        s.Tasks,
		CareFlows:    s.CareFlows,
		Notify:       s.Notify,
		Auth:         lambdaevent.JWTAuthenticator{},
		Idempotency:  idempotency.New(s.Store, s.Clock),
		Log:          s.Log,
	})
}
