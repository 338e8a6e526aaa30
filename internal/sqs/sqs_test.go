package sqs_test

import (
	"context"
	"crypto/rand"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"tend/internal/awstest"
	"tend/internal/queuegroup"
	"tend/internal/sqs"
)

// newClient returns a client of the SQS at TEND_AWS_ENDPOINT (moto_server
// in development and CI). Without one the test is skipped, except in CI
// where that would hide the adapter from the run.
func newClient(t *testing.T) *awssqs.Client {
	t.Helper()
	return awssqs.NewFromConfig(awstest.Config(t, "TEND_AWS_ENDPOINT"))
}

// newQueue creates a queue with a unique name, deleted when t ends, and
// returns its URL.
func newQueue(t *testing.T, client *awssqs.Client) string {
	t.Helper()
	out, err := client.CreateQueue(t.Context(), &awssqs.CreateQueueInput{QueueName: aws.String("tend-test-" + rand.Text())})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	url := aws.ToString(out.QueueUrl)
	t.Cleanup(func() {
		// t.Context() is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := client.DeleteQueue(ctx, &awssqs.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil {
			t.Errorf("DeleteQueue %s: %v", url, err)
		}
	})
	return url
}

// receiveAll reads messages off the queue until it has n or a deadline
// passes, deleting what it reads, and returns their bodies sorted.
func receiveAll(t *testing.T, client *awssqs.Client, url string, n int) []string {
	t.Helper()
	var got []string
	deadline := time.Now().Add(20 * time.Second)
	for len(got) < n && time.Now().Before(deadline) {
		out, err := client.ReceiveMessage(t.Context(), &awssqs.ReceiveMessageInput{
			QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
		})
		if err != nil {
			t.Fatalf("ReceiveMessage: %v", err)
		}
		for _, m := range out.Messages {
			got = append(got, aws.ToString(m.Body))
			if _, err := client.DeleteMessage(t.Context(), &awssqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatalf("DeleteMessage: %v", err)
			}
		}
	}
	slices.Sort(got)
	return got
}

func TestSendAndSendBatch(t *testing.T) {
	client := newClient(t)
	url := newQueue(t, client)
	q := sqs.New(client, url)
	ctx := t.Context()

	single := []byte(`{"kind":"daily_rules","tenant":"ws_demo","run":"run_1","shard":3}`)
	if err := q.Send(ctx, single, 0); err != nil {
		t.Fatalf("Send: %v", err)
	}
	batch := bodies(25)
	// Non-ASCII text must arrive intact.
	batch[7] = []byte(`{"name":"Nguyễn Văn A"}`)
	if err := q.SendBatch(ctx, batch, 0); err != nil {
		t.Fatalf("SendBatch: %v", err)
	}

	want := []string{string(single)}
	for _, b := range batch {
		want = append(want, string(b))
	}
	slices.Sort(want)
	got := receiveAll(t, client, url, len(want))
	if !slices.Equal(got, want) {
		t.Errorf("received %d bodies:\n got %q\nwant %q", len(got), got, want)
	}
}

func TestDelay(t *testing.T) {
	client := newClient(t)
	url := newQueue(t, client)
	q := sqs.New(client, url)
	ctx := t.Context()

	// The longest delay SQS allows is accepted ...
	if err := q.Send(ctx, []byte(`{"late":true}`), sqs.MaxDelay); err != nil {
		t.Fatalf("Send with a 900s delay: %v", err)
	}
	if err := q.SendBatch(ctx, bodies(2), sqs.MaxDelay); err != nil {
		t.Fatalf("SendBatch with a 900s delay: %v", err)
	}
	// ... and a longer one refused before reaching SQS.
	for _, d := range []time.Duration{sqs.MaxDelay + 500*time.Millisecond, 16 * time.Minute} {
		if err := q.Send(ctx, []byte(`{}`), d); !errors.Is(err, sqs.ErrDelayTooLong) {
			t.Errorf("Send with delay %v = %v, want ErrDelayTooLong", d, err)
		}
		if err := q.SendBatch(ctx, bodies(2), d); !errors.Is(err, sqs.ErrDelayTooLong) {
			t.Errorf("SendBatch with delay %v = %v, want ErrDelayTooLong", d, err)
		}
	}
	// Delayed messages are not visible yet.
	out, err := client.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	if len(out.Messages) != 0 {
		t.Errorf("received %d delayed messages right away", len(out.Messages))
	}
}

// A message sent in a context with a group carries it as its
// MessageGroupId (which makes the standard queue fair between groups);
// one sent without carries none. The queue is a standard one, as Tend's.
func TestMessageGroupOnStandardQueue(t *testing.T) {
	client := newClient(t)
	url := newQueue(t, client)
	q := sqs.New(client, url)
	ctx := t.Context()

	if err := q.Send(queuegroup.With(ctx, "ws_a"), []byte("a1"), 0); err != nil {
		t.Fatalf("Send in group ws_a: %v", err)
	}
	if err := q.SendBatch(queuegroup.With(ctx, "ws_b"), [][]byte{[]byte("b1"), []byte("b2")}, 0); err != nil {
		t.Fatalf("SendBatch in group ws_b: %v", err)
	}
	if err := q.Send(ctx, []byte("none"), 0); err != nil {
		t.Fatalf("Send without a group: %v", err)
	}

	want := map[string]string{"a1": "ws_a", "b1": "ws_b", "b2": "ws_b", "none": ""}
	got := map[string]string{}
	deadline := time.Now().Add(20 * time.Second)
	for len(got) < len(want) && time.Now().Before(deadline) {
		out, err := client.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameMessageGroupId}})
		if err != nil {
			t.Fatalf("ReceiveMessage: %v", err)
		}
		for _, m := range out.Messages {
			got[aws.ToString(m.Body)] = m.Attributes[string(types.MessageSystemAttributeNameMessageGroupId)]
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("groups by body = %v, want %v", got, want)
	}
}
