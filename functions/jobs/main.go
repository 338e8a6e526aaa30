// Command jobs is the Lambda function on the jobs queue: each message is
// one shard of a daily rule run or a care-flow run that the scheduler's
// tick started, or one chunk of an import (which queues the next). It
// holds no logic of its own; see internal/changes.Ticker.
//
// Environment: TABLE_NAME, DISTRIBUTION_QUEUE_URL,
// NOTIFICATIONS_QUEUE_URL, JOBS_QUEUE_URL and IMPORTS_BUCKET (required),
// LOG_LEVEL, TEND_AWS_ENDPOINT.
package main

import (
	_ "time/tzdata" // workspace time zones on provided.al2023

	"github.com/aws/aws-lambda-go/lambda"

	"tend/internal/awsmain"
	"tend/internal/lambdafn"
)

func main() {
	awsmain.Run("jobs", []string{"DISTRIBUTION_QUEUE_URL", "NOTIFICATIONS_QUEUE_URL", "JOBS_QUEUE_URL", "IMPORTS_BUCKET"}, func(a *awsmain.AWS) error {
		lambda.Start(lambdafn.Jobs(a))
		return nil
	})
}
