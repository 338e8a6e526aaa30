package sns_test

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"tend/internal/domain"
	"tend/internal/sns"
)

// fakeClient records the request it is given and answers with err, or
// with a message ID.
type fakeClient struct {
	in    *awssns.PublishInput
	calls int
	err   error
}

func (f *fakeClient) Publish(_ context.Context, in *awssns.PublishInput, _ ...func(*awssns.Options)) (*awssns.PublishOutput, error) {
	f.in = in
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	return &awssns.PublishOutput{MessageId: aws.String("fake-message-id")}, nil
}

func TestPublishInput(t *testing.T) {
	tests := []struct {
		name      string
		opts      sns.Options
		sms       domain.SMS
		wantAttrs map[string]string
	}{
		{
			name:      "transactional, no sender",
			sms:       domain.SMS{To: "+84912345678", Body: "Xin chào"},
			wantAttrs: map[string]string{"AWS.SNS.SMS.SMSType": "Transactional"},
		},
		{
			name:      "advertising, default sender",
			opts:      sns.Options{DefaultSender: "TEND"},
			sms:       domain.SMS{To: "+84912345678", Body: "Khuyến mãi", Advertising: true},
			wantAttrs: map[string]string{"AWS.SNS.SMS.SMSType": "Promotional", "AWS.SNS.SMS.SenderID": "TEND"},
		},
		{
			name:      "own sender over the default",
			opts:      sns.Options{DefaultSender: "TEND"},
			sms:       domain.SMS{To: "+14155550100", Body: "Hi", Sender: "HOALAN"},
			wantAttrs: map[string]string{"AWS.SNS.SMS.SMSType": "Transactional", "AWS.SNS.SMS.SenderID": "HOALAN"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeClient{}
			id, err := sns.New(fake, tt.opts).SendSMS(t.Context(), tt.sms)
			if err != nil {
				t.Fatalf("SendSMS: %v", err)
			}
			if id != "fake-message-id" {
				t.Errorf("message ID %q", id)
			}
			in := fake.in
			if aws.ToString(in.PhoneNumber) != tt.sms.To || aws.ToString(in.Message) != tt.sms.Body {
				t.Errorf("published %q to %q, want %q to %q", aws.ToString(in.Message), aws.ToString(in.PhoneNumber), tt.sms.Body, tt.sms.To)
			}
			if in.TopicArn != nil || in.TargetArn != nil {
				t.Errorf("published to a topic or endpoint: %v %v", in.TopicArn, in.TargetArn)
			}
			got := map[string]string{}
			for k, v := range in.MessageAttributes {
				if aws.ToString(v.DataType) != "String" {
					t.Errorf("attribute %s of type %q", k, aws.ToString(v.DataType))
				}
				got[k] = aws.ToString(v.StringValue)
			}
			if !maps.Equal(got, tt.wantAttrs) {
				t.Errorf("attributes %v, want %v", got, tt.wantAttrs)
			}
		})
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		sms  domain.SMS
	}{
		{"no number", domain.SMS{Body: "x"}},
		{"no plus", domain.SMS{To: "84912345678", Body: "x"}},
		{"national form", domain.SMS{To: "0912345678", Body: "x"}},
		{"spaces", domain.SMS{To: "+84 912 345 678", Body: "x"}},
		{"too short", domain.SMS{To: "+8491234", Body: "x"}},
		{"too long", domain.SMS{To: "+8491234567890123", Body: "x"}},
		{"leading zero", domain.SMS{To: "+0912345678", Body: "x"}},
		{"no body", domain.SMS{To: "+84912345678"}},
		{"blank body", domain.SMS{To: "+84912345678", Body: " \n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeClient{}
			_, err := sns.New(fake, sns.Options{}).SendSMS(t.Context(), tt.sms)
			if !errors.Is(err, domain.ErrRejected) {
				t.Errorf("SendSMS = %v, want ErrRejected", err)
			}
			if fake.calls != 0 {
				t.Errorf("the message reached SNS")
			}
		})
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name         string
		err          error
		wantRejected bool
	}{
		{"InvalidParameter", &smithy.GenericAPIError{Code: "InvalidParameter"}, true},
		{"InvalidParameterValue", &smithy.GenericAPIError{Code: "InvalidParameterValue"}, true},
		{"typed InvalidParameterValue", &types.InvalidParameterValueException{}, true},
		{"OptedOut", &smithy.GenericAPIError{Code: "OptedOut"}, true},
		{"typed OptedOut", &types.OptedOutException{}, true},
		{"PhoneNumberOptedOut", &smithy.GenericAPIError{Code: "PhoneNumberOptedOutException"}, true},
		{"AuthorizationError", &smithy.GenericAPIError{Code: "AuthorizationError"}, true},
		{"EndpointDisabled", &smithy.GenericAPIError{Code: "EndpointDisabled"}, true},
		{"Throttled", &smithy.GenericAPIError{Code: "Throttled"}, false},
		{"typed Throttled", &types.ThrottledException{}, false},
		{"InternalError", &smithy.GenericAPIError{Code: "InternalError"}, false},
		{"KMSThrottling", &smithy.GenericAPIError{Code: "KMSThrottling"}, false},
		{"not an API error", context.DeadlineExceeded, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeClient{err: tt.err}
			_, err := sns.New(fake, sns.Options{}).SendSMS(t.Context(), domain.SMS{To: "+84912345678", Body: "x"})
			if err == nil {
				t.Fatal("SendSMS succeeded")
			}
			if got := errors.Is(err, domain.ErrRejected); got != tt.wantRejected {
				t.Errorf("errors.Is(%v, ErrRejected) = %v, want %v", err, got, tt.wantRejected)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("%v does not wrap %v", err, tt.err)
			}
		})
	}
}
