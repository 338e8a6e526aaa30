// Package awsmain starts Tend's Lambda functions: it reads the function's
// environment once, builds the AWS clients once (at cold start) and hands
// the adapters to the services (wired by package services, as the local
// runner's are). The functions' mains stay a few lines.
package awsmain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"tend/internal/domain"
	"tend/internal/dynamo"
	"tend/internal/lambdaevent"
	"tend/internal/services"
	"tend/internal/ses"
	"tend/internal/sns"
	"tend/internal/sqs"
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
	// AWSEndpoint (TEND_AWS_ENDPOINT) points every AWS client at a local
	// AWS API (moto_server, for sam local); empty means AWS itself.
	AWSEndpoint string
	Log         *slog.Logger
}

// FromEnv reads the environment: TABLE_NAME, the queue URLs, the senders,
// TEND_AWS_ENDPOINT, LOG_LEVEL.
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
		AWSEndpoint: os.Getenv("TEND_AWS_ENDPOINT"),
		Log:         slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))}
	if env.Table == "" {
		return env, errors.New("TABLE_NAME is not set")
	}
	return env, nil
}

// Connect builds the AWS clients and the services over them.
func Connect(ctx context.Context, env Env) (*services.Services, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	if env.AWSEndpoint != "" {
		cfg.BaseEndpoint = aws.String(env.AWSEndpoint) // every client made from cfg
	}
	clock := domain.SystemClock{}
	st, err := dynamo.New(dynamodb.NewFromConfig(cfg), env.Table, clock)
	if err != nil {
		return nil, err
	}
	client := awssqs.NewFromConfig(cfg)
	var q services.Queues
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
	var snd services.Senders
	if env.SenderEmail != "" {
		snd.From = env.SenderEmail
		snd.Mailer = ses.New(sesv2.NewFromConfig(cfg), ses.Options{ConfigurationSet: env.SESConfigurationSet})
		snd.Texter = sns.New(awssns.NewFromConfig(cfg), sns.Options{DefaultSender: env.SMSSender})
	}
	return services.BuildWith(st, q, snd, clock, env.Log), nil
}

// Run starts a function: it reads the environment, connects the services
// and hands them to start (which calls lambda.Start). A function that
// can't start logs why and exits; it never serves half-configured. With
// needJobs, JOBS_QUEUE_URL is required.
func Run(name string, need []string, start func(*services.Services)) {
	env, err := FromEnv()
	for _, v := range need {
		if err == nil && os.Getenv(v) == "" {
			err = fmt.Errorf("%s is not set", v)
		}
	}
	var svc *services.Services
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
func Handler(s *services.Services) http.Handler { return s.API(lambdaevent.JWTAuthenticator{}) }
