// Package ses is the adapter for Amazon SES (API v2): it sends one email.
// An email without attachments goes as SES "simple" content, which SES
// turns into MIME itself; one with attachments goes as a raw MIME message
// the adapter builds (mime.go). Templates are not used: the message is
// rendered before it gets here.
package ses

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"tend/internal/domain"
)

// Client is the part of *sesv2.Client the adapter uses.
type Client interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, optFns ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

var _ Client = (*sesv2.Client)(nil)

// Options tune a Mailer. The zero value is usable.
type Options struct {
	// ConfigurationSet, when set, is the SES configuration set every email
	// is sent with (event publishing, dedicated IPs, suppression).
	ConfigurationSet string
}

// Mailer sends emails through SES.
type Mailer struct {
	client Client
	opts   Options
}

// New returns a Mailer sending through client. It loads no configuration:
// the caller builds the client.
func New(client Client, opts Options) *Mailer {
	return &Mailer{client: client, opts: opts}
}

// charset is the charset of every text SES is given.
const charset = "UTF-8"

// SendEmail sends e and returns the message ID SES gave it. An email that
// cannot be sent as it is (no sender, no recipient, no body, an invalid
// address, or one SES refuses for good) gives an error wrapping
// domain.ErrRejected; any other error may go away on a retry.
func (m *Mailer) SendEmail(ctx context.Context, e domain.Email) (messageID string, err error) {
	from, to, err := addresses(e)
	if err != nil {
		return "", err
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(from),
		Destination:      &types.Destination{ToAddresses: to},
	}
	if m.opts.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(m.opts.ConfigurationSet)
	}
	if len(e.Attachments) == 0 {
		in.Content = &types.EmailContent{Simple: simpleMessage(e)}
	} else {
		raw, err := rawMessage(from, to, e)
		if err != nil {
			return "", fmt.Errorf("ses: build MIME message: %w", err)
		}
		in.Content = &types.EmailContent{Raw: &types.RawMessage{Data: raw}}
	}

	out, err := m.client.SendEmail(ctx, in)
	if err != nil {
		if rejected(err) {
			return "", fmt.Errorf("ses: send email from %s: %w: %w", from, domain.ErrRejected, err)
		}
		return "", fmt.Errorf("ses: send email from %s: %w", from, err)
	}
	return aws.ToString(out.MessageId), nil
}

// addresses checks that e can be sent at all and returns its sender and
// recipients formatted for the wire: a display name outside ASCII
// ("Tiệm Hoa Lan <shop@example.vn>") must be an RFC 2047 encoded word,
// which SES requires even in simple content.
func addresses(e domain.Email) (from string, to []string, err error) {
	if strings.TrimSpace(e.From) == "" {
		return "", nil, fmt.Errorf("ses: email has no sender: %w", domain.ErrRejected)
	}
	if len(e.To) == 0 {
		return "", nil, fmt.Errorf("ses: email has no recipient: %w", domain.ErrRejected)
	}
	if e.Text == "" && e.HTML == "" {
		return "", nil, fmt.Errorf("ses: email has no body: %w", domain.ErrRejected)
	}
	from, err = formatAddress(e.From)
	if err != nil {
		return "", nil, err
	}
	to = make([]string, len(e.To))
	for i, addr := range e.To {
		if to[i], err = formatAddress(addr); err != nil {
			return "", nil, err
		}
	}
	return from, to, nil
}

func formatAddress(addr string) (string, error) {
	a, err := mail.ParseAddress(addr)
	if err != nil {
		return "", fmt.Errorf("ses: invalid address %q: %w: %w", addr, domain.ErrRejected, err)
	}
	s := a.String()
	if a.Name == "" {
		// String gives a bare address as "<a@example.vn>"; keep it bare.
		s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	}
	return s, nil
}

// simpleMessage is e as SES simple content: SES builds the MIME message,
// with a multipart/alternative body when both text and HTML are set.
func simpleMessage(e domain.Email) *types.Message {
	body := &types.Body{}
	if e.Text != "" {
		body.Text = &types.Content{Data: aws.String(e.Text), Charset: aws.String(charset)}
	}
	if e.HTML != "" {
		body.Html = &types.Content{Data: aws.String(e.HTML), Charset: aws.String(charset)}
	}
	return &types.Message{
		Subject: &types.Content{Data: aws.String(e.Subject), Charset: aws.String(charset)},
		Body:    body,
	}
}

// rejected reports whether err is SES refusing the email for good.
// Throttling (TooManyRequestsException), quotas (LimitExceededException),
// paused sending and service errors are left out: they pass.
func rejected(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.ErrorCode() {
	case "MessageRejected", // e.g. the sender is not verified
		"MailFromDomainNotVerifiedException",
		"BadRequestException",
		"AccountSuspendedException",
		"NotFoundException", // e.g. no such configuration set
		// SES v1's code for a malformed address; moto answers v2 calls
		// with it too.
		"InvalidParameterValue":
		return true
	}
	return false
}
