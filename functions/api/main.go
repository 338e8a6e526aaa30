// Command api is the Lambda function behind the HTTP API's /v1 routes: API
// Gateway (HTTP API, payload 2.0, JWT authorizer) → httpadapter → the
// httpapi handler over the DynamoDB table, and the API reference page at
// /docs (internal/apidocs), which no other function links. It holds no logic of its own;
// see internal/httpapi and internal/lambdafn.
//
// Environment: TABLE_NAME, INTAKE_QUEUE_URL (a source's test lead),
// LEAD_SECRETS_KEY_ID (sealing sources' secrets), JOBS_QUEUE_URL (report
// rebuilds, imports) and IMPORTS_BUCKET (imports' files) required; LOG_LEVEL
// (default INFO), ALLOW_WORKSPACE_CREATION, BOOTSTRAP_ADMIN_SUBJECT.
package main

import (
	_ "time/tzdata" // workspace time zones on provided.al2023, which has no tz database

	"github.com/aws/aws-lambda-go/lambda"

	"tend/internal/apidocs"
	"tend/internal/awsmain"
	"tend/internal/lambdafn"
)

func main() {
	awsmain.Run("api", []string{"INTAKE_QUEUE_URL", "LEAD_SECRETS_KEY_ID", "JOBS_QUEUE_URL", "IMPORTS_BUCKET"}, func(a *awsmain.AWS) error {
		lambda.Start(lambdafn.API(a, apidocs.Wrap))
		return nil
	})
}
