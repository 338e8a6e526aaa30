// Command scheduler is the Lambda function fired by the EventBridge
// schedule every few minutes (it starts the daily runs that are due) and by
// the jobs queue (it runs them, shard by shard). It holds no logic of its
// own; see internal/automation.
//
// Environment: TABLE_NAME and JOBS_QUEUE_URL (required), LOG_LEVEL.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	_ "time/tzdata" // workspace time zones on provided.al2023

	"github.com/aws/aws-lambda-go/lambda"

	"tend/internal/awsmain"
	"tend/internal/lambdaevent"
)

func main() {
	env, err := awsmain.FromEnv()
	if err == nil && env.JobsQueueURL == "" {
		err = errors.New("JOBS_QUEUE_URL is not set")
	}
	if err == nil {
		var svc *awsmain.Services
		if svc, err = awsmain.Connect(context.Background(), env); err == nil {
			lambda.Start(lambdaevent.SchedulerHandler(svc.Automation, svc.Log))
			return
		}
	}
	slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("scheduler: start", "err", err)
	os.Exit(1)
}
