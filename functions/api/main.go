// Command api is the Lambda function behind the HTTP API: API Gateway (HTTP
// API, payload 2.0, JWT authorizer) → httpadapter → the httpapi handler over
// the DynamoDB table. It holds no logic of its own; see internal/httpapi.
//
// Environment: TABLE_NAME (required), LOG_LEVEL (DEBUG, INFO, WARN or
// ERROR; default INFO).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	_ "time/tzdata" // workspace time zones on provided.al2023, which has no tz database

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"tend/internal/crm"
	"tend/internal/domain"
	"tend/internal/dynamo"
	"tend/internal/httpapi"
	"tend/internal/idempotency"
	"tend/internal/lambdaevent"
	"tend/internal/store"
)

func main() {
	log, err := newLogger(os.Getenv("LOG_LEVEL"))
	if err != nil {
		slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("api: start", "err", err)
		os.Exit(1)
	}
	h, err := setup(context.Background(), os.Getenv("TABLE_NAME"), log)
	if err != nil {
		log.Error("api: start", "err", err)
		os.Exit(1)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}

// setup builds the AWS clients once, at cold start, and the handler over
// them.
func setup(ctx context.Context, table string, log *slog.Logger) (http.Handler, error) {
	if table == "" {
		return nil, errors.New("TABLE_NAME is not set")
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	clock := domain.SystemClock{}
	st := dynamo.New(dynamodb.NewFromConfig(cfg), table, dynamo.Options{Now: clock.Now})
	return newHandler(st, clock, log), nil
}

// newHandler wires the API over a store: the part of the function a test
// can run over SQLite.
func newHandler(st store.Store, clock domain.Clock, log *slog.Logger) http.Handler {
	return httpapi.New(httpapi.Config{
		CRM:         crm.New(st, clock, log),
		Auth:        lambdaevent.JWTAuthenticator{},
		Idempotency: idempotency.New(st, clock),
		Log:         log,
	})
}

// newLogger returns the JSON logger at the level named (INFO when empty).
func newLogger(level string) (*slog.Logger, error) {
	var l slog.Level
	if level != "" {
		if err := l.UnmarshalText([]byte(level)); err != nil {
			return nil, fmt.Errorf("LOG_LEVEL %q: %w", level, err)
		}
	}
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: l})), nil
}
