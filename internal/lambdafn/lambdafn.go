// Package lambdafn builds the handler of each Lambda function from its
// connection (awsmain.AWS), as the function's main hands it to
// lambda.Start: the mains and the AWS-path end-to-end test (infra/awspath)
// build them with the same code. Each builder wires only the services its
// handler reaches (package services); the notifier's SES, SNS and PDF
// senders are built by package awssenders, which no other function links.
package lambdafn

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"tend/internal/awsmain"
	"tend/internal/httpapi"
	"tend/internal/kmsseal"
	"tend/internal/lambdaevent"
	"tend/internal/leads"
	"tend/internal/services"
	"tend/internal/webapi"
)

// HTTPHandler is the handler of a function behind the HTTP API (payload
// 2.0).
type HTTPHandler = func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// StreamHandler is the handler of the function on the table's stream.
type StreamHandler = func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// SQSHandler is the handler of a function on a queue.
type SQSHandler = func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)

// TickHandler is the handler of the function the schedule fires.
type TickHandler = func(context.Context, json.RawMessage) (any, error)

// API is the api function's handler: the /v1 routes, callers named by the
// JWT authorizer, workspaces opened as the environment allows, wrapped by
// pages (apidocs.Wrap: the API reference page). The page comes in as a
// parameter so that only the api function's main links it, not every
// function that links this package.
func API(a *awsmain.AWS, pages func(http.Handler) http.Handler) HTTPHandler {
	return httpadapter.NewV2(pages(APIHandler(a))).ProxyWithContext
}

// APIHandler is API's HTTP handler before the API Gateway adapter.
func APIHandler(a *awsmain.AWS) http.Handler {
	svc := services.ForAPI(a.Store, a.Queues, a.Clock, a.Log)
	svc.Leads.Sealer = leadSealer(a)
	setFiles(a, svc)
	creation := httpapi.WorkspaceCreation{Open: a.AllowWorkspaceCreation, BootstrapSubject: a.BootstrapAdminSubject}
	return webapi.Full(svc, lambdaevent.JWTAuthenticator{}, creation)
}

// Hooks is the hooks function's handler: the webhooks (/hooks/*), which
// check the lead source's signature themselves.
func Hooks(a *awsmain.AWS) HTTPHandler {
	svc := services.ForHooks(a.Store, a.Queues, a.Clock, a.Log)
	svc.Leads.Sealer = leadSealer(a)
	return httpadapter.NewV2(webapi.Hooks(svc, lambdaevent.JWTAuthenticator{})).ProxyWithContext
}

// Stream is the stream function's handler: the table's changes to
// automations, distribution and revenue.
func Stream(a *awsmain.AWS) StreamHandler {
	svc := services.ForStream(a.Store, a.Queues, a.Clock, a.Log)
	return lambdaevent.StreamHandler(svc.Changes, svc.Log)
}

// Distributor is the distributor function's handler: the distribution
// queue's messages, a batch at a time (one rotation add per rule and batch).
func Distributor(a *awsmain.AWS) SQSHandler {
	svc := services.ForDistributor(a.Store, a.Queues, a.Clock, a.Log)
	return lambdaevent.SQSBatchHandler(svc.Distribution.HandleBatch, svc.Log)
}

// Scheduler is the scheduler function's handler: the schedule's tick.
func Scheduler(a *awsmain.AWS) TickHandler {
	svc := services.ForTicks(a.Store, a.Queues, a.Clock, a.Log)
	return lambdaevent.SchedulerHandler(svc.Ticker, svc.Log)
}

// Jobs is the jobs function's handler: each message of the jobs queue is
// one shard of a run the tick started, or one chunk of an import.
func Jobs(a *awsmain.AWS) SQSHandler {
	svc := services.ForTicks(a.Store, a.Queues, a.Clock, a.Log)
	setFiles(a, svc)
	return lambdaevent.SQSHandler(svc.Ticker.HandleJob, svc.Log)
}

// Notifier is the notifier function's handler: the notifications queue's
// messages, sent through snd (awssenders.New).
func Notifier(a *awsmain.AWS, snd services.Senders) SQSHandler {
	svc := services.ForNotifier(a.Store, a.Queues, snd, a.Clock, a.Log)
	return lambdaevent.SQSHandler(svc.Notify.HandleMessage, svc.Log)
}

// Intake is the intake function's handler: the leads the webhooks held,
// made customers (a Facebook lead read from the Graph API first).
func Intake(a *awsmain.AWS) SQSHandler {
	svc := services.ForIntake(a.Store, a.Queues, a.Clock, a.Log)
	svc.Leads.Sealer = leadSealer(a)
	svc.Leads.Graph = services.Graph(a.FacebookGraphURL, 0)
	return lambdaevent.SQSHandler(svc.Leads.Take, svc.Log)
}

// leadSealer seals lead sources' secrets with the LEAD_SECRETS_KEY_ID
// key; without one, sources with provider secrets can't be saved or read
// (and the functions that need it refuse to start: see their mains).
func leadSealer(a *awsmain.AWS) leads.Sealer {
	s, err := kmsseal.New(kms.NewFromConfig(a.Config), a.LeadSecretsKey)
	if err != nil {
		return nil
	}
	return s
}

// setFiles gives imports and exports the files store (the IMPORTS_BUCKET
// bucket): the customer export's and the campaign export's jobs alike,
// which run through Exports; without one, they say the function has none.
func setFiles(a *awsmain.AWS, svc *services.Services) {
	if a.Files == nil {
		return
	}
	svc.Imports.Files, svc.Exports.Files = a.Files, a.Files
}
