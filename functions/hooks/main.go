// Command hooks is the Lambda function behind the HTTP API's /hooks routes,
// which have no JWT authorizer: each lead source is checked as its kind
// says (a signature, a form's secret URL, Facebook's or Zalo's signature,
// a google_key). Leads of every kind are held and queued for the intake
// function; call records are taken at once. See internal/httpapi and
// internal/leads.
//
// Environment: TABLE_NAME, INTAKE_QUEUE_URL and LEAD_SECRETS_KEY_ID
// (required), LOG_LEVEL (default INFO).
package main

import (
	_ "time/tzdata" // workspace time zones on provided.al2023

	"github.com/aws/aws-lambda-go/lambda"

	"tend/internal/awsmain"
	"tend/internal/lambdafn"
)

func main() {
	awsmain.Run("hooks", []string{"INTAKE_QUEUE_URL", "LEAD_SECRETS_KEY_ID"}, func(a *awsmain.AWS) error {
		lambda.Start(lambdafn.Hooks(a))
		return nil
	})
}
