// Command hooks is the Lambda function behind the HTTP API's /hooks routes,
// which have no JWT authorizer: lead sources sign their requests, and the
// handler checks the signature. It runs the same handler as the api
// function; see internal/httpapi and internal/leads.
//
// Environment: TABLE_NAME (required), LOG_LEVEL (default INFO).
package main

import (
	_ "time/tzdata" // workspace time zones on provided.al2023

	"github.com/aws/aws-lambda-go/lambda"

	"tend/internal/awsmain"
	"tend/internal/lambdafn"
)

func main() {
	awsmain.Run("hooks", nil, func(a *awsmain.AWS) error {
		lambda.Start(lambdafn.Hooks(a))
		return nil
	})
}
