// Package awssenders builds the notifier function's senders: SES v2 for
// email and SNS for SMS, with records printed as PDFs. It is a package of
// its own so that no other function links them.
package awssenders

import (
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"tend/internal/awsmain"
	"tend/internal/domain"
	"tend/internal/notify"
	"tend/internal/recordpdf"
	"tend/internal/services"
	"tend/internal/ses"
	"tend/internal/sns"
)

// New returns the senders over the connection's AWS configuration, from
// its SENDER_EMAIL, SES_CONFIGURATION_SET and SMS_SENDER_ID.
func New(a *awsmain.AWS) services.Senders {
	return services.Senders{
		From:   a.SenderEmail,
		Mailer: ses.New(sesv2.NewFromConfig(a.Config), ses.Options{ConfigurationSet: a.SESConfigurationSet}),
		Texter: sns.New(awssns.NewFromConfig(a.Config), sns.Options{DefaultSender: a.SMSSender}),
		Printer: func(clock domain.Clock, orgs notify.Orgs, customers notify.Customers) notify.Printer {
			return recordpdf.New(clock, orgs, customers)
		},
	}
}
