// Command distributor is the Lambda function on the distribution queue: it
// gives each customer it is told of to the next staff member of its rule.
// It holds no logic of its own; see internal/distribution.
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
	awsmain.Run("distributor", nil, func(a *awsmain.AWS) error {
		lambda.Start(lambdafn.Distributor(a))
		return nil
	})
}
