// Command stream is the Lambda function on the table's stream: customer
// changes run the automation rules (whose messages go to the
// notifications queue, hand-overs to the distribution queue), order
// changes keep revenue. It holds no logic of its own; see
// internal/changes.
//
// Environment: TABLE_NAME, DISTRIBUTION_QUEUE_URL and
// NOTIFICATIONS_QUEUE_URL (required), LOG_LEVEL (default INFO).
package main

import (
	_ "time/tzdata" // workspace time zones on provided.al2023

	"github.com/aws/aws-lambda-go/lambda"

	"tend/internal/awsmain"
	"tend/internal/lambdafn"
)

func main() {
	awsmain.Run("stream", []string{"DISTRIBUTION_QUEUE_URL", "NOTIFICATIONS_QUEUE_URL"}, func(a *awsmain.AWS) error {
		lambda.Start(lambdafn.Stream(a))
		return nil
	})
}
