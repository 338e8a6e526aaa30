// Command api is the Lambda function behind the HTTP API: API Gateway (HTTP
// API, payload 2.0, JWT authorizer) → httpadapter → the httpapi handler over
// the DynamoDB table. It holds no logic of its own; see internal/httpapi.
//
// Environment: TABLE_NAME (required), LOG_LEVEL (default INFO).
package main

import (
	"net/http"
	_ "time/tzdata" // workspace time zones on provided.al2023, which has no tz database

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"tend/internal/awsmain"
	"tend/internal/httpapi"
	"tend/internal/idempotency"
	"tend/internal/lambdaevent"
)

func main() {
	awsmain.Run("api", nil, func(svc *awsmain.Services) { lambda.Start(httpadapter.NewV2(newHandler(svc)).ProxyWithContext) })
}

// newHandler is the API over the services, reading identities from the
// API Gateway JWT authorizer's claims.
func newHandler(svc *awsmain.Services) http.Handler {
	return httpapi.New(httpapi.Config{
		CRM:          svc.CRM,
		Automation:   svc.Automation,
		Orders:       svc.Orders,
		Distribution: svc.Distribution,
		Leads:        svc.Leads,
		Inbox:        svc.Inbox,
		Auth:         lambdaevent.JWTAuthenticator{},
		Idempotency:  idempotency.New(svc.Store, svc.Clock),
		Log:          svc.Log,
	})
}
