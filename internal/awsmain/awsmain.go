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
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"tend/internal/automation"
	"tend/internal/changes"
	"tend/internal/crm"
	"tend/internal/domain"
	"tend/internal/dynamo"
	"tend/internal/orders"
	"tend/internal/sqs"
	"tend/internal/store"
)

// Env is a function's configuration, from its environment variables.
type Env struct {
	Table        string // TABLE_NAME, required
	JobsQueueURL string // JOBS_QUEUE_URL, for functions that send jobs
	Log          *slog.Logger
}

// FromEnv reads the environment: TABLE_NAME, JOBS_QUEUE_URL, LOG_LEVEL.
func FromEnv() (Env, error) {
	var level slog.Level
	if s := os.Getenv("LOG_LEVEL"); s != "" {
		if err := level.UnmarshalText([]byte(s)); err != nil {
			return Env{}, fmt.Errorf("LOG_LEVEL %q: %w", s, err)
		}
	}
	env := Env{Table: os.Getenv("TABLE_NAME"), JobsQueueURL: os.Getenv("JOBS_QUEUE_URL"),
		Log: slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))}
	if env.Table == "" {
		return env, errors.New("TABLE_NAME is not set")
	}
	return env, nil
}

// Services are Tend's services over one store.
type Services struct {
	Store      store.Store
	Clock      domain.Clock
	CRM        *crm.Service
	Automation *automation.Service
	Orders     *orders.Service
	Changes    *changes.Router
	Log        *slog.Logger
}

// Build wires the services over a store and a jobs queue (nil for a
// function that sends no jobs).
func Build(st store.Store, jobs automation.Queue, clock domain.Clock, log *slog.Logger) *Services {
	if jobs == nil {
		jobs = noJobs{}
	}
	s := &Services{Store: st, Clock: clock, Log: log}
	s.CRM = crm.New(st, clock, log)
	s.Automation = automation.New(s.CRM, jobs, log)
	s.Orders = orders.New(s.CRM, log)
	s.Changes = &changes.Router{Automation: s.Automation, Orders: s.Orders}
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
	var jobs automation.Queue
	if env.JobsQueueURL != "" {
		jobs = sqs.New(awssqs.NewFromConfig(cfg), env.JobsQueueURL)
	}
	return Build(st, jobs, clock, env.Log), nil
}

// noJobs is the jobs queue of a function that has none configured.
type noJobs struct{}

func (noJobs) Send(context.Context, []byte, time.Duration) error {
	return errors.New("awsmain: this function has no jobs queue (JOBS_QUEUE_URL)")
}

// Run starts a function: it reads the environment, connects the services
// and hands them to start (which calls lambda.Start). A function that
// can't start logs why and exits; it never serves half-configured. With
// needJobs, JOBS_QUEUE_URL is required.
func Run(name string, needJobs bool, start func(*Services)) {
	env, err := FromEnv()
	if err == nil && needJobs && env.JobsQueueURL == "" {
		err = errors.New("JOBS_QUEUE_URL is not set")
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
