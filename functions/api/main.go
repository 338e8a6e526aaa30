// Command api is the Lambda function behind the HTTP API's /v1 routes: API
// Gateway (HTTP API, payload 2.0, JWT authorizer) → httpadapter → the
// httpapi handler over the DynamoDB table. It holds no logic of its own;
// see internal/httpapi.
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
	"tend/internal/lambdaevent"
	"tend/internal/services"
	"tend/internal/webapi"
)

func main() {
	awsmain.Run("api", nil, func(a *awsmain.AWS) error {
		lambda.Start(httpadapter.NewV2(handler(a)).ProxyWithContext)
		return nil
	})
}

// handler is the API over the services, callers named by the JWT
// authorizer, workspaces opened as the environment allows.
func handler(a *awsmain.AWS) http.Handler {
	svc := services.ForAPI(a.Store, a.Queues, a.Clock, a.Log)
	creation := httpapi.WorkspaceCreation{Open: a.AllowWorkspaceCreation, BootstrapSubject: a.BootstrapAdminSubject}
	return webapi.Full(svc, lambdaevent.JWTAuthenticator{}, creation)
}
