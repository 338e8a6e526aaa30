// Package sqs is the adapter for Amazon SQS: it sends job, distribution and
// notification messages to a queue. It only sends; Lambda's event source
// mapping receives and deletes.
//
// A message sent with a context carrying a group (package queuegroup: the
// workspace the work is for) carries it as its MessageGroupId: on the
// standard queues Tend uses, that makes SQS serve the groups fairly (fair
// queues), so one workspace's backlog does not delay the others' messages.
// It changes neither delivery (at least once) nor order (none) nor
// throughput.
package sqs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"tend/internal/queuegroup"
)

// Client is the part of *sqs.Client the adapter uses.
type Client interface {
	SendMessage(ctx context.Context, in *awssqs.SendMessageInput, optFns ...func(*awssqs.Options)) (*awssqs.SendMessageOutput, error)
	SendMessageBatch(ctx context.Context, in *awssqs.SendMessageBatchInput, optFns ...func(*awssqs.Options)) (*awssqs.SendMessageBatchOutput, error)
}

var _ Client = (*awssqs.Client)(nil)

// MaxDelay is the longest delay SQS accepts on a message (15 minutes).
// Longer waits go through the scheduler (DESIGN §4).
const MaxDelay = 900 * time.Second

// ErrDelayTooLong: the requested delay, rounded up to whole seconds, is
// longer than MaxDelay. Nothing was sent.
var ErrDelayTooLong = errors.New("sqs: delay longer than 900 seconds")

// Queue sends messages to one queue.
type Queue struct {
	client Client
	url    string
}

// New returns the queue at queueURL, reached through client. It loads no
// configuration: the caller builds the client.
func New(client Client, queueURL string) *Queue {
	return &Queue{client: client, url: queueURL}
}

// URL is the queue's URL.
func (q *Queue) URL() string { return q.url }

// Send sends one message, invisible to consumers for delay (rounded up to
// whole seconds; zero or negative means no delay beyond the queue's own),
// in ctx's message group if it has one.
func (q *Queue) Send(ctx context.Context, body []byte, delay time.Duration) error {
	secs, err := delaySeconds(delay)
	if err != nil {
		return err
	}
	_, err = q.client.SendMessage(ctx, &awssqs.SendMessageInput{
		QueueUrl:       aws.String(q.url),
		MessageBody:    aws.String(string(body)),
		DelaySeconds:   secs,
		MessageGroupId: groupOf(ctx),
	})
	if err != nil {
		return fmt.Errorf("sqs: send message to %s: %w", q.url, err)
	}
	return nil
}

// delaySeconds converts delay to SQS's DelaySeconds, rounding up so that a
// message is never delivered before it is due.
func delaySeconds(delay time.Duration) (int32, error) {
	if delay <= 0 {
		return 0, nil
	}
	if delay > MaxDelay {
		return 0, fmt.Errorf("%w: %v", ErrDelayTooLong, delay)
	}
	secs := (delay + time.Second - 1) / time.Second
	return int32(secs), nil
}

// groupOf is ctx's message group as SQS takes it: nil for none.
func groupOf(ctx context.Context) *string {
	if g := queuegroup.From(ctx); g != "" {
		return aws.String(g)
	}
	return nil
}
