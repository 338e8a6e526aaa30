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
	"context"
	_ "time/tzdata" // workspace time zones on provided.al2023

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"tend/internal/awsmain"
	"tend/internal/lambdaevent"
	"tend/internal/services"
)

func main() {
	awsmain.Run("stream", []string{"DISTRIBUTION_QUEUE_URL", "NOTIFICATIONS_QUEUE_URL"}, func(a *awsmain.AWS) error {
		lambda.Start(StreamHandlerFor(services.ForStream(a.Store, a.Queues, a.Clock, a.Log)))
		return nil
	})
}

// StreamHandlerFor is the function's handler over the services.
func StreamHandlerFor(svc *services.Services) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	return lambdaevent.StreamHandler(svc.Changes, svc.Log)
}
