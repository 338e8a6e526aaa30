// Command stream is the Lambda function on the table's stream: customer
// changes run the automation rules, order changes keep revenue. It holds
// no logic of its own; see internal/changes.
//
// Environment: TABLE_NAME (required), LOG_LEVEL (default INFO).
package main

import (
	"context"
	"log/slog"
	"os"
	_ "time/tzdata" // workspace time zones on provided.al2023

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"tend/internal/awsmain"
	"tend/internal/lambdaevent"
)

func main() {
	env, err := awsmain.FromEnv()
	if err == nil {
		var svc *awsmain.Services
		if svc, err = awsmain.Connect(context.Background(), env); err == nil {
			lambda.Start(StreamHandlerFor(svc))
			return
		}
	}
	slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("stream: start", "err", err)
	os.Exit(1)
}

// StreamHandlerFor is the function's handler over the services.
func StreamHandlerFor(svc *awsmain.Services) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	return lambdaevent.StreamHandler(svc.Changes, svc.Log)
}
