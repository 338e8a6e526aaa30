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
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"tend/internal/automation"
	"tend/internal/domain"
	"tend/internal/dynamo"
	"tend/internal/s3files"
	"tend/internal/services"
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
	// NotificationsQueueURL (NOTIFICATIONS_QUEUE_URL) is for functions
	// that queue emails and SMS; NotificationsDLQURL
	// (NOTIFICATIONS_DLQ_URL) for the notifier, which dead-letters the
	// messages that fail for good.
	NotificationsQueueURL string
	NotificationsDLQURL   string
	// IntakeQueueURL (INTAKE_QUEUE_URL) is for functions that hold leads
	// (the hooks) or send held ones again (the scheduler).
	IntakeQueueURL string
	// LeadSecretsKey (LEAD_SECRETS_KEY_ID) is the KMS key that seals lead
	// sources' provider secrets; FacebookGraphURL (TEND_FACEBOOK_GRAPH_URL)
	// the Graph API's address, empty for Facebook's own.
	LeadSecretsKey   string
	FacebookGraphURL string
	// ImportsBucket (IMPORTS_BUCKET) is the S3 bucket of the imports'
	// files, for the functions that keep them (api, jobs).
	ImportsBucket string
	// SenderEmail (SENDER_EMAIL) is the verified SES identity emails come
	// from; SESConfigurationSet (SES_CONFIGURATION_SET) and SMSSender
	// (SMS_SENDER_ID, a default brandname) are optional.
	SenderEmail         string
	SESConfigurationSet string
	SMSSender           string
	// AWSEndpoint (TEND_AWS_ENDPOINT) points every AWS client at a local
	// AWS API (moto_server, for sam local); empty means AWS itself.
	AWSEndpoint string
	// AllowWorkspaceCreation (ALLOW_WORKSPACE_CREATION, "true") lets anyone
	// signed in open a workspace; BootstrapAdminSubject
	// (BOOTSTRAP_ADMIN_SUBJECT) lets that one sign-in do it. By default
	// nobody may: admins are invited.
	AllowWorkspaceCreation bool
	BootstrapAdminSubject  string
	Log                    *slog.Logger
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
		AWSEndpoint: os.Getenv("TEND_AWS_ENDPOINT"), AllowWorkspaceCreation: os.Getenv("ALLOW_WORKSPACE_CREATION") == "true",
		BootstrapAdminSubject: os.Getenv("BOOTSTRAP_ADMIN_SUBJECT"), IntakeQueueURL: os.Getenv("INTAKE_QUEUE_URL"),
		LeadSecretsKey: os.Getenv("LEAD_SECRETS_KEY_ID"), FacebookGraphURL: os.Getenv("TEND_FACEBOOK_GRAPH_URL"),
		ImportsBucket: os.Getenv("IMPORTS_BUCKET"),
		Log:           slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))}
	if env.Table == "" {
		return env, errors.New("TABLE_NAME is not set")
	}
	return env, nil
}

// AWS is what a function's handler is built from: its environment, the
// AWS configuration, the store over DynamoDB, the queues over SQS, the
// files store over S3 (nil without IMPORTS_BUCKET) and the clock. Clients of other services (SES, SNS) are built by the function
// that uses them, so that no other function links them.
type AWS struct {
	Env
	Config aws.Config
	Store  store.Store
	Queues services.Queues
	Files  *s3files.Store
	Clock  domain.Clock
}

// Connect builds the configuration, the DynamoDB store and the SQS queues.
func Connect(ctx context.Context, env Env) (*AWS, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	if env.AWSEndpoint != "" {
		cfg.BaseEndpoint = aws.String(env.AWSEndpoint) // every client made from cfg
	}
	a := &AWS{Env: env, Config: cfg, Clock: domain.SystemClock{}}
	if a.Store, err = dynamo.New(dynamodb.NewFromConfig(cfg), env.Table, a.Clock); err != nil {
		return nil, err
	}
	client := awssqs.NewFromConfig(cfg)
	queue := func(url string) automation.Queue {
		if url == "" {
			return nil // the function has none: sending to it says so
		}
		return sqs.New(client, url)
	}
	a.Queues = services.Queues{Jobs: queue(env.JobsQueueURL), Distribution: queue(env.DistributionQueueURL),
		Notifications: queue(env.NotificationsQueueURL), NotificationsDLQ: queue(env.NotificationsDLQURL), Intake: queue(env.IntakeQueueURL)}
	if env.ImportsBucket != "" {
		// A local AWS API (moto) serves buckets by path, not by host name.
		s3client := s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.UsePathStyle = env.AWSEndpoint != ""
			o.DisableLogOutputChecksumValidationSkipped = true // an upload by presigned PUT has none: not worth a log line per read
		})
		if a.Files, err = s3files.New(s3client, env.ImportsBucket, a.Clock); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Run starts a function: it reads the environment (need names variables
// the function requires), connects, and hands the connection to start,
// which builds the handler and calls lambda.Start. A function that can't
// start logs why and exits; it never serves half-configured.
func Run(name string, need []string, start func(*AWS) error) {
	env, err := FromEnv()
	for _, v := range need {
		if err == nil && os.Getenv(v) == "" {
			err = fmt.Errorf("%s is not set", v)
		}
	}
	var a *AWS
	if err == nil {
		a, err = Connect(context.Background(), env)
	}
	if err == nil {
		err = start(a)
	}
	if err != nil {
		slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error(name+": start", "err", err)
		os.Exit(1)
	}
}
