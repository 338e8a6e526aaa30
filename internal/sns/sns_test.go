package sns_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"

	"tend/internal/awstest"
	"tend/internal/domain"
	"tend/internal/sns"
)

// newClient returns a client of the SNS at TEND_AWS_ENDPOINT (moto_server
// in development and CI), and that endpoint. Without one the test is
// skipped, except in CI where that would hide the adapter from the run.
func newClient(t *testing.T) (*awssns.Client, string) {
	t.Helper()
	cfg := awstest.Config(t, "TEND_AWS_ENDPOINT")
	return awssns.NewFromConfig(cfg), aws.ToString(cfg.BaseEndpoint)
}

// uniqueNumber returns a Vietnamese mobile number unlikely to be used by
// another test: moto's state is shared by the whole run.
func uniqueNumber() string {
	return fmt.Sprintf("+8490%07d", mathrand.IntN(10_000_000))
}

// motoSMS returns the SMS with the given message ID from moto's state:
// SMS published to a phone number are under "sns": "SMS".
func motoSMS(t *testing.T, endpoint, id string) map[string]any {
	return awstest.MotoRecord(t, endpoint, "sns", "SMS", "message_id", id)
}

func TestSendThroughMoto(t *testing.T) {
	client, endpoint := newClient(t)
	tests := []struct {
		name string
		sms  domain.SMS
	}{
		{"transactional", domain.SMS{Body: "Tiệm Hoa Lan: chúc mừng sinh nhật Nguyễn Văn Á!"}},
		{"advertising, with sender", domain.SMS{Body: "Giảm 20% hoa tươi tuần này", Sender: "HOALAN", Advertising: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.sms
			m.To = uniqueNumber()
			m.Body += " " + rand.Text()
			id, err := sns.New(client, sns.Options{DefaultSender: "TEND"}).SendSMS(t.Context(), m)
			if err != nil {
				t.Fatalf("SendSMS: %v", err)
			}
			got := motoSMS(t, endpoint, id)
			if got["phone_number"] != m.To || got["message"] != m.Body {
				t.Errorf("sent %q to %v, want %q to %s", got["message"], got["phone_number"], m.Body, m.To)
			}
		})
	}
}

// TestRejectedByMoto checks the mapping on an error as SNS puts it on the
// wire: moto refuses an SMS over 1600 characters with InvalidParameter.
func TestRejectedByMoto(t *testing.T) {
	client, _ := newClient(t)
	m := domain.SMS{To: uniqueNumber(), Body: strings.Repeat("a", 1601)}
	_, err := sns.New(client, sns.Options{}).SendSMS(t.Context(), m)
	if !errors.Is(err, domain.ErrRejected) {
		t.Errorf("SendSMS of 1601 characters = %v, want ErrRejected", err)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidParameter" {
		t.Errorf("SendSMS of 1601 characters = %v, want InvalidParameter", err)
	}
}
