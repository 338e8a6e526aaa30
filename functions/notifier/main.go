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
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"tend/internal/awsmain"
	"tend/internal/domain"
	"tend/internal/lambdaevent"
	"tend/internal/notify"
	"tend/internal/recordpdf"
	"tend/internal/services"
	"tend/internal/ses"
	"tend/internal/sns"
)

func main() {
	awsmain.Run("notifier", []string{"NOTIFICATIONS_QUEUE_URL", "NOTIFICATIONS_DLQ_URL", "SENDER_EMAIL"}, func(a *awsmain.AWS) error {
		svc := services.ForNotifier(a.Store, a.Queues, senders(a), a.Clock, a.Log)
		lambda.Start(lambdaevent.SQSHandler(svc.Notify.HandleMessage, svc.Log))
		return nil
	})
}

// senders are SES v2 for email and SNS for SMS, with records printed as
// PDFs: built here, so that no other function links them.
func senders(a *awsmain.AWS) services.Senders {
	return services.Senders{
		From:   a.SenderEmail,
		Mailer: ses.New(sesv2.NewFromConfig(a.Config), ses.Options{ConfigurationSet: a.SESConfigurationSet}),
		Texter: sns.New(awssns.NewFromConfig(a.Config), sns.Options{DefaultSender: a.SMSSender}),
		Printer: func(clock domain.Clock, orgs notify.Orgs, customers notify.Customers) notify.Printer {
			return recordpdf.New(clock, orgs, customers)
		},
	}
}
