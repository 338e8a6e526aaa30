// Command notifier is the Lambda function on the notifications queue: it
// sends each email through SES v2 and each SMS through SNS, once, and
// marks it sent. It holds no logic of its own; see internal/notify.
//
// Environment: TABLE_NAME, NOTIFICATIONS_QUEUE_URL, NOTIFICATIONS_DLQ_URL
// and SENDER_EMAIL (required), SES_CONFIGURATION_SET, SMS_SENDER_ID,
// LOG_LEVEL.
package main

import (
	_ "time/tzdata" // workspace time zones on provided.al2023

	"github.com/aws/aws-lambda-go/lambda"

	"tend/internal/awsmain"
	"tend/internal/awssenders"
	"tend/internal/lambdafn"
)

func main() {
	awsmain.Run("notifier", []string{"NOTIFICATIONS_QUEUE_URL", "NOTIFICATIONS_DLQ_URL", "SENDER_EMAIL"}, func(a *awsmain.AWS) error {
		lambda.Start(lambdafn.Notifier(a, awssenders.New(a)))
		return nil
	})
}
