package awspath_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"tend/infra/localdeploy"
	"tend/infra/template"
	"tend/internal/apidocs"
	"tend/internal/awsmain"
	"tend/internal/awssenders"
	"tend/internal/awstest"
	"tend/internal/dynamo"
	"tend/internal/lambdafn"
	"tend/internal/s3files"
	"tend/internal/store/storetest"
)

const root = "../.."

// stack is template.yaml deployed on moto: its table, queues and keys, and its
// functions' handlers as Lambda would run them, each in its own
// environment from the template, all on the test's clock. The test plays
// Lambda's part (sources_test.go).
type stack struct {
	t        *testing.T
	endpoint string
	region   string
	doc      template.Doc
	dep      *localdeploy.Deployment
	// env is each function's environment (logical id → name → value).
	env   map[string]map[string]string
	clock *storetest.Clock
	log   *slog.Logger
	// sender is SENDER_EMAIL, an SES identity verified on moto.
	sender   string
	handlers map[string]lambda.Handler
	mappings map[string]mapping
	sqs      *sqs.Client
	streams  *dynamodbstreams.Client
	// shardIterator is where the stream function's mapping reads on from.
	shardIterator *string
	// handed is every queue message handed to a function, in order.
	handed []handedMessage
}

// handedMessage is a queue message as a function got it: its body and message
// group (SQS's MessageGroupId, "" for none).
type handedMessage struct {
	function, body, group string
}

// deploy deploys the template on moto (TEND_AWS_ENDPOINT) under a prefix
// of its own (moto is shared by the whole run) with the parameters'
// defaults but for params, and builds every function's handler.
func deploy(t *testing.T, now time.Time, params map[string]string) *stack {
	cfg := awstest.Config(t, "TEND_AWS_ENDPOINT")
	doc := expanded(t) // before the AWS variables change: the expander runs boto
	// The functions' AWS configuration comes from the environment, as on
	// Lambda: moto takes any credentials.
	for name, v := range map[string]string{"AWS_REGION": cfg.Region, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_ENDPOINT_URL": ""} {
		t.Setenv(name, v)
	}
	s := &stack{t: t, endpoint: aws.ToString(cfg.BaseEndpoint), region: cfg.Region, doc: doc, clock: &storetest.Clock{},
		log: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		sqs: sqs.NewFromConfig(cfg), streams: dynamodbstreams.NewFromConfig(cfg)}
	s.clock.Set(now)
	unique := strings.ToLower(rand.Text()[:10])
	var err error
	if s.dep, err = localdeploy.Deploy(t.Context(), cfg, s.doc, "awspath-"+unique+"-"); err != nil {
		t.Fatal(err)
	}
	s.sender = verifiedSender(t, sesv2.NewFromConfig(cfg), "cskh-"+unique+"@hoamai.test")
	overrides := map[string]string{"AwsEndpoint": s.endpoint, "SenderEmail": s.sender}
	maps.Copy(overrides, params)
	if s.env, err = s.dep.Env(overrides); err != nil {
		t.Fatal(err)
	}
	s.mappings = mappings(t, s.doc)
	notifier := s.connect("NotifierFunction")
	s.handlers = map[string]lambda.Handler{
		"ApiFunction":         lambda.NewHandler(lambdafn.API(s.connect("ApiFunction"), apidocs.Wrap)),
		"HooksFunction":       lambda.NewHandler(lambdafn.Hooks(s.connect("HooksFunction"))),
		"IntakeFunction":      lambda.NewHandler(lambdafn.Intake(s.connect("IntakeFunction"))),
		"StreamFunction":      lambda.NewHandler(lambdafn.Stream(s.connect("StreamFunction"))),
		"DistributorFunction": lambda.NewHandler(lambdafn.Distributor(s.connect("DistributorFunction"))),
		"SchedulerFunction":   lambda.NewHandler(lambdafn.Scheduler(s.connect("SchedulerFunction"))),
		"JobsFunction":        lambda.NewHandler(lambdafn.Jobs(s.connect("JobsFunction"))),
		"NotifierFunction":    lambda.NewHandler(lambdafn.Notifier(notifier, awssenders.New(notifier))),
	}
	return s
}

// expanded is template.yaml as SAM expands it; a missing translator
// fails the test.
func expanded(t *testing.T) template.Doc {
	t.Helper()
	tpl, err := template.Expand(t.Context(), root, filepath.Join(root, "template.yaml"))
	if errors.Is(err, template.ErrNoTranslator) {
		t.Fatalf("%v: run make tools", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tpl.CFN
}

// connect is a function's start-up as its main runs it (awsmain.FromEnv
// and Connect) in the function's environment from the template, then put
// on the test's clock: Connect builds the store and the files store on
// the system clock, so they are built again as Connect builds them, on
// the test's.
func (s *stack) connect(function string) *awsmain.AWS {
	t := s.t
	t.Helper()
	if _, ok := s.env[function]; !ok {
		t.Fatalf("the template has no function %s", function)
	}
	for _, vars := range s.env {
		for name := range vars {
			t.Setenv(name, "") // none of another function's variables
		}
	}
	for name, v := range s.env[function] {
		t.Setenv(name, v)
	}
	env, err := awsmain.FromEnv()
	if err != nil {
		t.Fatalf("%s: %v", function, err)
	}
	a, err := awsmain.Connect(t.Context(), env)
	if err != nil {
		t.Fatalf("%s: %v", function, err)
	}
	a.Clock, a.Log = s.clock, s.log
	if a.Store, err = dynamo.New(dynamodb.NewFromConfig(a.Config), env.Table, s.clock); err != nil {
		t.Fatal(err)
	}
	if a.Files != nil { // its URLs signed at the test's time too
		client := s3.NewFromConfig(a.Config, func(o *s3.Options) { o.UsePathStyle, o.DisableLogOutputChecksumValidationSkipped = true, true })
		if a.Files, err = s3files.New(client, env.ImportsBucket, s.clock); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// invoke calls a function's handler as the Lambda runtime does: the event
// as JSON in, the answer as JSON out, read into answer.
func (s *stack) invoke(function string, event, answer any) {
	s.t.Helper()
	payload, err := json.Marshal(event)
	if err != nil {
		s.t.Fatal(err)
	}
	h, ok := s.handlers[function]
	if !ok {
		s.t.Fatalf("no handler for %s", function)
	}
	out, err := h.Invoke(s.t.Context(), payload)
	if err != nil {
		s.t.Fatalf("%s: %v", function, err)
	}
	if err := json.Unmarshal(out, answer); err != nil {
		s.t.Fatalf("%s answered %s: %v", function, out, err)
	}
}

// verifiedSender creates an SES email identity (moto verifies it at
// once), deleted when the test ends.
func verifiedSender(t *testing.T, client *sesv2.Client, address string) string {
	t.Helper()
	if _, err := client.CreateEmailIdentity(t.Context(), &sesv2.CreateEmailIdentityInput{EmailIdentity: aws.String(address)}); err != nil {
		t.Fatalf("CreateEmailIdentity: %v", err)
	}
	t.Cleanup(func() {
		// t.Context() is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := client.DeleteEmailIdentity(ctx, &sesv2.DeleteEmailIdentityInput{EmailIdentity: aws.String(address)}); err != nil {
			t.Errorf("DeleteEmailIdentity %s: %v", address, err)
		}
	})
	return address
}
