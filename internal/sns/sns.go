// Package sns is the adapter for Amazon SNS as an SMS gateway: it
// publishes one text message straight to a phone number (no topic).
package sns

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"tend/internal/domain"
)

// Client is the part of *sns.Client the adapter uses.
type Client interface {
	Publish(ctx context.Context, in *awssns.PublishInput, optFns ...func(*awssns.Options)) (*awssns.PublishOutput, error)
}

var _ Client = (*awssns.Client)(nil)

// Options tune a Texter. The zero value is usable.
type Options struct {
	// DefaultSender is the sender ID (brandname) of messages that name
	// none. Empty leaves the choice to SNS and the network.
	DefaultSender string
}

// Texter sends text messages through SNS.
type Texter struct {
	client Client
	opts   Options
}

// New returns a Texter publishing through client. It loads no
// configuration: the caller builds the client.
func New(client Client, opts Options) *Texter {
	return &Texter{client: client, opts: opts}
}

// The message attributes SNS reads for an SMS.
const (
	attrSMSType  = "AWS.SNS.SMS.SMSType"
	attrSenderID = "AWS.SNS.SMS.SenderID"
)

// e164 is a phone number in E.164 form: "+", a country code (never
// starting with 0) and the rest, 8 to 15 digits in all.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

// SendSMS sends m and returns the message ID SNS gave it. A message that
// cannot be sent as it is (a number not in E.164 form, an empty body, or
// one SNS refuses for good) gives an error wrapping domain.ErrRejected;
// any other error may go away on a retry.
func (t *Texter) SendSMS(ctx context.Context, m domain.SMS) (messageID string, err error) {
	if !e164.MatchString(m.To) {
		return "", fmt.Errorf("sns: %q is not a phone number in E.164 form: %w", m.To, domain.ErrRejected)
	}
	if strings.TrimSpace(m.Body) == "" {
		return "", fmt.Errorf("sns: SMS to %s has no text: %w", m.To, domain.ErrRejected)
	}

	smsType := "Transactional"
	if m.Advertising {
		smsType = "Promotional"
	}
	attrs := map[string]types.MessageAttributeValue{attrSMSType: stringAttr(smsType)}
	sender := m.Sender
	if sender == "" {
		sender = t.opts.DefaultSender
	}
	if sender != "" {
		attrs[attrSenderID] = stringAttr(sender)
	}

	out, err := t.client.Publish(ctx, &awssns.PublishInput{
		PhoneNumber:       aws.String(m.To),
		Message:           aws.String(m.Body),
		MessageAttributes: attrs,
	})
	if err != nil {
		if rejected(err) {
			return "", fmt.Errorf("sns: publish SMS to %s: %w: %w", m.To, domain.ErrRejected, err)
		}
		return "", fmt.Errorf("sns: publish SMS to %s: %w", m.To, err)
	}
	return aws.ToString(out.MessageId), nil
}

func stringAttr(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}

// rejected reports whether err is SNS refusing the message for good.
// Throttling (Throttled), internal errors and the rest pass.
func rejected(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	code := apiErr.ErrorCode()
	switch code {
	case "InvalidParameter", // e.g. a malformed number or an overlong message
		// The SDK's InvalidParameterValueException carries the code
		// ParameterValueInvalid; the API reference names it
		// InvalidParameterValue.
		"InvalidParameterValue", "ParameterValueInvalid",
		"AuthorizationError",
		"EndpointDisabled":
		return true
	}
	// The number opted out of SMS from the account ("OptedOut", or a
	// longer name for it).
	return strings.Contains(code, "OptedOut")
}
