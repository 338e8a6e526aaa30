// Command intake is the Lambda function on the intake queue: each message
// is a lead a webhook held (a landing page's form, a Facebook, Google Ads
// or Zalo lead), made a customer here; a Facebook lead is read from the
// Graph API first. It holds no logic of its own; see leads.Service.Take.
//
// Environment: TABLE_NAME, INTAKE_QUEUE_URL, NOTIFICATIONS_QUEUE_URL (the
// owner of a returning customer is told) and LEAD_SECRETS_KEY_ID
// (required), TEND_FACEBOOK_GRAPH_URL (the Graph API's address, for a
// local fake; default Facebook's), LOG_LEVEL, TEND_AWS_ENDPOINT.
package main

import (
	_ "time/tzdata" // workspace time zones on provided.al2023

	"github.com/aws/aws-lambda-go/lambda"

	"tend/internal/awsmain"
	"tend/internal/lambdafn"
)

func main() {
	awsmain.Run("intake", []string{"INTAKE_QUEUE_URL", "NOTIFICATIONS_QUEUE_URL", "LEAD_SECRETS_KEY_ID"}, func(a *awsmain.AWS) error {
		lambda.Start(lambdafn.Intake(a))
		return nil
	})
}
