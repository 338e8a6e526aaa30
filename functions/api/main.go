// Command api is the Lambda function behind the HTTP API: API Gateway (HTTP
// API, payload 2.0, JWT authorizer) → httpadapter → the httpapi handler over
// the DynamoDB table. It holds no logic of its own; see internal/httpapi.
//
// Environment: TABLE_NAME (required), LOG_LEVEL (default INFO).
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	_ "time/tzdata" // workspace time zones on provided.al2023, which has no tz database

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"tend/internal/awsmain"
	"tend/internal/httpapi"
	"tend/internal/idempotency"
	"tend/internal/lambdaevent"
)

func main() {
	env, err := awsmain.FromEnv()
	if err == nil {
		var svc *awsmain.Services
		if svc, err = awsmain.Connect(context.Background(), env); err == nil {
			lambda.Start(httpadapter.NewV2(newHandler(svc)).ProxyWithContext)
			return
		}
	}
	slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("api: start", "err", err)
	os.Exit(1)
}

// newHandler is the API over the services, reading identities from the
// API Gateway JWT authorizer's claims.
func newHandler(svc *awsmain.Services) http.Handler {
	return httpapi.New(httpapi.Config{
		CRM:         svc.CRM,
		Automation:  svc.Automation,
		Orders:      svc.Orders,
		Auth:        lambdaevent.JWTAuthenticator{},
		Idempotency: idempotency.New(svc.Store, svc.Clock),
		Log:         svc.Log,
	})
}
