package sqs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

const (
	// MaxBatch is how many messages one SendMessageBatch call may carry.
	MaxBatch = 10
	// maxBatchBytes caps the bodies of one call. SQS refuses a batch whose
	// messages add up to more than its message size limit; 256 KiB is that
	// limit on every queue (newer queues accept more), so it is safe
	// everywhere. A single larger body is sent alone and SQS decides.
	maxBatchBytes = 256 * 1024
	// sendAttempts is how many times an entry SQS reports as failed (not
	// by the sender's fault) is sent before SendBatch gives up on it.
	sendAttempts = 4
	// retryBackoff is the wait before the first retry; it doubles after.
	retryBackoff = 100 * time.Millisecond
)

// SendBatch sends every body as its own message, all with the same delay
// and in ctx's message group (see Send), in SendMessageBatch calls of at
// most MaxBatch messages.
//
// SQS may accept part of a call: the entries it reports as failed are sent
// again a few times. If some still fail, or a call fails outright, the
// error says so; messages already sent stay sent, so a caller that retries
// the whole batch may deliver some twice (consumers are idempotent).
func (q *Queue) SendBatch(ctx context.Context, bodies [][]byte, delay time.Duration) error {
	secs, err := delaySeconds(delay)
	if err != nil {
		return err
	}
	sent := 0
	for _, chunk := range chunks(bodies) {
		if err := q.sendChunk(ctx, chunk, sent, secs); err != nil {
			return fmt.Errorf("sqs: send batch to %s (%d of %d messages sent before): %w", q.url, sent, len(bodies), err)
		}
		sent += len(chunk)
	}
	return nil
}

// chunks splits bodies into groups of at most MaxBatch messages and
// maxBatchBytes bytes (a larger body alone in its group).
func chunks(bodies [][]byte) [][][]byte {
	var out [][][]byte
	var cur [][]byte
	size := 0
	for _, b := range bodies {
		if len(cur) == MaxBatch || (len(cur) > 0 && size+len(b) > maxBatchBytes) {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, b)
		size += len(b)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// sendChunk sends one call's worth of bodies, the first of which is at
// position first of the whole batch, retrying the entries SQS reports as
// failed.
func (q *Queue) sendChunk(ctx context.Context, bodies [][]byte, first int, secs int32) error {
	// Entry ids are the bodies' positions in the whole batch: unique per
	// call, as SQS requires, and what errors name.
	pending := make(map[string]types.SendMessageBatchRequestEntry, len(bodies))
	group := groupOf(ctx)
	for i, b := range bodies {
		id := strconv.Itoa(first + i)
		pending[id] = types.SendMessageBatchRequestEntry{
			Id:             aws.String(id),
			MessageBody:    aws.String(string(b)),
			DelaySeconds:   secs,
			MessageGroupId: group,
		}
	}
	var failures []string
	for attempt := 0; ; attempt++ {
		entries := make([]types.SendMessageBatchRequestEntry, 0, len(pending))
		for i := range bodies {
			if e, ok := pending[strconv.Itoa(first+i)]; ok {
				entries = append(entries, e)
			}
		}
		out, err := q.client.SendMessageBatch(ctx, &awssqs.SendMessageBatchInput{QueueUrl: aws.String(q.url), Entries: entries})
		if err != nil {
			return fmt.Errorf("SendMessageBatch: %w", err)
		}
		for _, s := range out.Successful {
			delete(pending, aws.ToString(s.Id))
		}
		failures = failures[:0]
		senderFault := false
		for _, f := range out.Failed {
			id := aws.ToString(f.Id)
			if _, ok := pending[id]; !ok {
				continue
			}
			failures = append(failures, fmt.Sprintf("message %s: %s: %s", id, aws.ToString(f.Code), aws.ToString(f.Message)))
			// A message refused by the sender's fault (too large, bad
			// characters) would be refused again: no retry.
			senderFault = senderFault || f.SenderFault
		}
		if senderFault {
			return fmt.Errorf("%d of %d messages refused: %s", len(failures), len(entries), strings.Join(failures, "; "))
		}
		if len(pending) == 0 {
			return nil
		}
		if attempt+1 == sendAttempts {
			if len(failures) == 0 {
				failures = append(failures, "not reported as sent")
			}
			return fmt.Errorf("%d messages still failing after %d attempts: %s", len(pending), sendAttempts, strings.Join(failures, "; "))
		}
		if err := sleep(ctx, retryBackoff<<attempt); err != nil {
			return fmt.Errorf("%d messages not sent: %w", len(pending), err)
		}
	}
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("gave up waiting to retry: %w", context.Cause(ctx))
	}
}
