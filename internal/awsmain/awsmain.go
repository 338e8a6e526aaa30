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
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"tend/internal/automation"
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
	"tend/internal/orders"
	"tend/internal/sqs"
	"tend/internal/store"
)

// Env is a function's configuration, from its environment variables.
type Env struct {
	Table        string // TABLE_NAME, required
	JobsQueueURL string // JOBS_QUEUE_URL, for functions that send jobs
	// DistributionQueueURL (DISTRIBUTION_QUEUE_URL) is for functions that
	// schedule distributions.
	DistributionQueueURL string
	Log                  *slog.Logger
}

// FromEnv reads the environment: TABLE_NAME, JOBS_QUEUE_URL, LOG_LEVEL.
func FromEnv() (Env, error) {
	var level slog.Level
	if s := os.Getenv("LOG_LEVEL"); s != "" {
		if err := level.UnmarshalText([]byte(s)); err != nil {
			return Env{}, fmt.Errorf("LOG_LEVEL %q: %w", s, err)
		}
	}
	env := Env{Table: os.Getenv("TABLE_NAME"), JobsQueueURL: os.Getenv("JOBS_QUEUE_URL"), DistributionQueueURL: os.Getenv("DISTRIBUTION_QUEUE_URL"),
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
	Changes      *changes.Router
	Ticker       changes.Ticker
	Log          *slog.Logger
}

// Queues are the queues a function sends to; nil for one it doesn't use.
type Queues struct {
	Jobs, Distribution automation.Queue
}

// Build wires the services over a store and the queues.
func Build(st store.Store, q Queues, clock domain.Clock, log *slog.Logger) *Services {
	if q.Jobs == nil {
		q.Jobs = noQueue{"JOBS_QUEUE_URL"}
	}
	if q.Distribution == nil {
		q.Distribution = noQueue{"DISTRIBUTION_QUEUE_URL"}
	}
	s := &Services{Store: st, Clock: clock, Log: log}
	s.CRM = crm.New(st, clock, log)
	s.Automation = automation.New(s.CRM, q.Jobs, log)
	s.Distribution = distribution.New(s.CRM, q.Distribution, log)
	s.Orders = orders.New(s.CRM, log)
	s.Leads = leads.New(s.CRM, log)
	s.Inbox = inbox.New(st)
	s.Changes = &changes.Router{Automation: s.Automation, Distribution: s.Distribution, Orders: s.Orders}
	s.Ticker = changes.Ticker{Automation: s.Automation, Distribution: s.Distribution}
	return s
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
	return Build(st, q, clock, env.Log), nil
}

// noQueue stands for a queue a function has not been given.
type noQueue struct{ env string }

func (q noQueue) Send(context.Context, []byte, time.Duration) error {
	return fmt.Errorf("awsmain: this function has no queue %s", q.env)
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
		Auth:         lambdaevent.JWTAuthenticator{},
		Idempotency:  idempotency.New(s.Store, s.Clock),
		Log:          s.Log,
	})
}
