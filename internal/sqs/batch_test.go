package sqs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"tend/internal/queuegroup"
	"tend/internal/sqs"
)

// fakeClient records what is sent and fails entries as told: fail returns
// the failure for a body on a given attempt at it (1 for the first), or nil.
type fakeClient struct {
	mu      sync.Mutex
	fail    func(body string, attempt int) *types.BatchResultErrorEntry
	callErr error

	single   []*awssqs.SendMessageInput
	batches  [][]types.SendMessageBatchRequestEntry
	attempts map[string]int
	sent     []string
}

func (f *fakeClient) SendMessage(_ context.Context, in *awssqs.SendMessageInput, _ ...func(*awssqs.Options)) (*awssqs.SendMessageOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.callErr != nil {
		return nil, f.callErr
	}
	f.single = append(f.single, in)
	f.sent = append(f.sent, aws.ToString(in.MessageBody))
	return &awssqs.SendMessageOutput{MessageId: aws.String("m")}, nil
}

func (f *fakeClient) SendMessageBatch(_ context.Context, in *awssqs.SendMessageBatchInput, _ ...func(*awssqs.Options)) (*awssqs.SendMessageBatchOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.callErr != nil {
		return nil, f.callErr
	}
	if f.attempts == nil {
		f.attempts = map[string]int{}
	}
	f.batches = append(f.batches, in.Entries)
	out := &awssqs.SendMessageBatchOutput{}
	for _, e := range in.Entries {
		body := aws.ToString(e.MessageBody)
		f.attempts[body]++
		if f.fail != nil {
			if fe := f.fail(body, f.attempts[body]); fe != nil {
				fe.Id = e.Id
				out.Failed = append(out.Failed, *fe)
				continue
			}
		}
		f.sent = append(f.sent, body)
		out.Successful = append(out.Successful, types.SendMessageBatchResultEntry{Id: e.Id, MessageId: aws.String("m")})
	}
	return out, nil
}

func bodies(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, `{"n":%d}`, i)
	}
	return out
}

func TestDelaySeconds(t *testing.T) {
	tests := []struct {
		delay time.Duration
		want  int32
		err   bool
	}{
		{-5 * time.Second, 0, false},
		{0, 0, false},
		{time.Nanosecond, 1, false},
		{time.Second, 1, false},
		{1500 * time.Millisecond, 2, false},
		{899*time.Second + time.Millisecond, 900, false},
		{sqs.MaxDelay, 900, false},
		{sqs.MaxDelay + time.Nanosecond, 0, true},
		{time.Hour, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.delay.String(), func(t *testing.T) {
			f := &fakeClient{}
			q := sqs.New(f, "https://sqs.example/q")
			err := q.Send(t.Context(), []byte("x"), tt.delay)
			batchErr := q.SendBatch(t.Context(), [][]byte{[]byte("y")}, tt.delay)
			if tt.err {
				if !errors.Is(err, sqs.ErrDelayTooLong) || !errors.Is(batchErr, sqs.ErrDelayTooLong) {
					t.Fatalf("Send, SendBatch = %v, %v; want ErrDelayTooLong", err, batchErr)
				}
				if len(f.single)+len(f.batches) != 0 {
					t.Fatalf("a refused delay still called SQS")
				}
				return
			}
			if err != nil || batchErr != nil {
				t.Fatalf("Send, SendBatch = %v, %v", err, batchErr)
			}
			if got := f.single[0].DelaySeconds; got != tt.want {
				t.Errorf("Send DelaySeconds = %d, want %d", got, tt.want)
			}
			if got := f.batches[0][0].DelaySeconds; got != tt.want {
				t.Errorf("SendBatch DelaySeconds = %d, want %d", got, tt.want)
			}
			if got := aws.ToString(f.single[0].QueueUrl); got != "https://sqs.example/q" {
				t.Errorf("QueueUrl = %q", got)
			}
		})
	}
}

func TestSendBatchChunks(t *testing.T) {
	big := []byte(strings.Repeat("x", 100*1024))
	tests := []struct {
		name   string
		bodies [][]byte
		want   []int // messages per call
	}{
		{"none", nil, nil},
		{"one", bodies(1), []int{1}},
		{"ten", bodies(10), []int{10}},
		{"twenty-five", bodies(25), []int{10, 10, 5}},
		// 256 KiB per call at most: two 100 KiB bodies fit, a third does not.
		{"by size", [][]byte{big, big, big, []byte("s")}, []int{2, 2}},
		{"oversize alone", [][]byte{[]byte("s"), make([]byte, 300*1024), []byte("t")}, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{}
			if err := sqs.New(f, "q").SendBatch(t.Context(), tt.bodies, 0); err != nil {
				t.Fatalf("SendBatch: %v", err)
			}
			var got []int
			for _, b := range f.batches {
				got = append(got, len(b))
				ids := map[string]bool{}
				for _, e := range b {
					ids[aws.ToString(e.Id)] = true
				}
				if len(ids) != len(b) {
					t.Errorf("entry ids of one call are not unique: %v", b)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("messages per call = %v, want %v", got, tt.want)
			}
			if len(f.sent) != len(tt.bodies) {
				t.Fatalf("sent %d messages, want %d", len(f.sent), len(tt.bodies))
			}
			for i, b := range tt.bodies {
				if f.sent[i] != string(b) {
					t.Errorf("message %d sent out of order", i)
				}
			}
		})
	}
}

func transient() *types.BatchResultErrorEntry {
	return &types.BatchResultErrorEntry{Code: aws.String("InternalError"), Message: aws.String("try again")}
}

func TestSendBatchRetries(t *testing.T) {
	tests := []struct {
		name      string
		fail      func(body string, attempt int) *types.BatchResultErrorEntry
		wantErr   string
		wantSent  int
		wantCalls int
	}{
		{
			name: "failed entries are sent again",
			fail: func(body string, attempt int) *types.BatchResultErrorEntry {
				if (body == `{"n":3}` || body == `{"n":12}`) && attempt < 3 {
					return transient()
				}
				return nil
			},
			wantSent: 25,
		},
		{
			name: "still failing after the last attempt",
			fail: func(body string, _ int) *types.BatchResultErrorEntry {
				if body == `{"n":3}` {
					return transient()
				}
				return nil
			},
			wantErr:   "1 messages still failing after 4 attempts: message 3: InternalError",
			wantSent:  9,
			wantCalls: 4,
		},
		{
			name: "the sender's fault is not retried",
			fail: func(body string, _ int) *types.BatchResultErrorEntry {
				if body == `{"n":13}` {
					return &types.BatchResultErrorEntry{Code: aws.String("InvalidMessageContents"), Message: aws.String("bad"), SenderFault: true}
				}
				return nil
			},
			wantErr:   "message 13: InvalidMessageContents",
			wantSent:  19,
			wantCalls: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{fail: tt.fail}
			err := sqs.New(f, "q").SendBatch(t.Context(), bodies(25), 0)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("SendBatch: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("SendBatch error = %v, want one containing %q", err, tt.wantErr)
			}
			if len(f.sent) != tt.wantSent {
				t.Errorf("sent %d messages, want %d", len(f.sent), tt.wantSent)
			}
			if tt.wantErr == "" {
				// Retried entries alone are sent again, once each time.
				if f.attempts[`{"n":3}`] != 3 || f.attempts[`{"n":0}`] != 1 {
					t.Errorf("attempts = %v", f.attempts)
				}
				return
			}
			if len(f.batches) != tt.wantCalls {
				t.Errorf("%d calls, want %d", len(f.batches), tt.wantCalls)
			}
		})
	}
}

func TestSendBatchCallError(t *testing.T) {
	boom := errors.New("connection refused")
	f := &fakeClient{callErr: boom}
	err := sqs.New(f, "q").SendBatch(t.Context(), bodies(3), 0)
	if !errors.Is(err, boom) {
		t.Fatalf("SendBatch = %v, want it to wrap %v", err, boom)
	}
	if err := sqs.New(f, "q").Send(t.Context(), []byte("x"), 0); !errors.Is(err, boom) {
		t.Fatalf("Send = %v, want it to wrap %v", err, boom)
	}
}

func TestSendBatchCancelledWhileRetrying(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	f := &fakeClient{fail: func(string, int) *types.BatchResultErrorEntry {
		cancel()
		return transient()
	}}
	err := sqs.New(f, "q").SendBatch(ctx, bodies(2), 0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("SendBatch = %v, want context.Canceled", err)
	}
}

// The request shape: a context's group is the MessageGroupId of the
// single message and of every entry of every batch call; without one,
// none is set (a FIFO-only field left out, as before).
func TestMessageGroupIdFromContext(t *testing.T) {
	tests := []struct {
		name  string
		ctx   context.Context
		group *string
	}{
		{"a workspace's work", queuegroup.With(context.Background(), "ws_hoamai"), aws.String("ws_hoamai")},
		{"no workspace's", context.Background(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{}
			q := sqs.New(f, "q")
			if err := q.Send(tt.ctx, []byte("x"), 0); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if err := q.SendBatch(tt.ctx, bodies(12), 0); err != nil {
				t.Fatalf("SendBatch: %v", err)
			}
			if got := f.single[0].MessageGroupId; !sameGroup(got, tt.group) {
				t.Errorf("Send MessageGroupId = %v, want %v", aws.ToString(got), aws.ToString(tt.group))
			}
			for _, b := range f.batches {
				for _, e := range b {
					if !sameGroup(e.MessageGroupId, tt.group) {
						t.Errorf("SendBatch entry %s MessageGroupId = %v, want %v", aws.ToString(e.Id), aws.ToString(e.MessageGroupId), aws.ToString(tt.group))
					}
				}
			}
		})
	}
}

func sameGroup(a, b *string) bool {
	return (a == nil) == (b == nil) && aws.ToString(a) == aws.ToString(b)
}
