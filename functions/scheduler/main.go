// Command scheduler is the Lambda function the EventBridge schedule fires
// every five minutes: it starts the daily rule runs and care-flow runs
// that are due (one job per shard to the jobs queue, which the jobs
// function works through), hands over due distributions and deferred
// messages, and sends again leads held but not taken. It holds no logic of
// its own; see internal/changes.Ticker.
//
// Environment: TABLE_NAME, JOBS_QUEUE_URL, DISTRIBUTION_QUEUE_URL,
// NOTIFICATIONS_QUEUE_URL and INTAKE_QUEUE_URL (required), LOG_LEVEL,
// TEND_AWS_ENDPOINT.
package main

import (
	_ "time/tzdata" // workspace time zones on provided.al2023

	"github.com/aws/aws-lambda-go/lambda"

	"tend/internal/awsmain"
	"tend/internal/lambdafn"
)

func main() {
	awsmain.Run("scheduler", []string{"JOBS_QUEUE_URL", "DISTRIBUTION_QUEUE_URL", "NOTIFICATIONS_QUEUE_URL", "INTAKE_QUEUE_URL"}, func(a *awsmain.AWS) error {
		lambda.Start(lambdafn.Scheduler(a))
		return nil
	})
}
