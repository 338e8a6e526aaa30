package lambdaevent_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/lambdaevent"
	"tend/internal/queuegroup"
)

// Each message of a batch is handled in its own message group (its
// workspace, Lambda's MessageGroupId attribute), so that what its handling
// sends is in that group too; a message without one is handled in none,
// whatever the invocation's context carried.
func TestSQSHandlerHandlesEachMessageInItsGroup(t *testing.T) {
	tests := []struct {
		name  string
		attrs map[string]string
		want  string
	}{
		{"a workspace's message", map[string]string{"MessageGroupId": "ws_a", "ApproximateReceiveCount": "1"}, "ws_a"},
		{"another workspace's", map[string]string{"MessageGroupId": "ws_b"}, "ws_b"},
		{"no group", map[string]string{"ApproximateReceiveCount": "1"}, ""},
		{"no attributes", nil, ""},
	}
	var ev events.SQSEvent
	for _, tt := range tests {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: tt.name, Body: tt.name, Attributes: tt.attrs})
	}
	got := map[string]string{}
	h := lambdaevent.SQSHandler(func(ctx context.Context, body []byte) error {
		got[string(body)] = queuegroup.From(ctx)
		return nil
	}, slog.New(slog.DiscardHandler))
	ctx := queuegroup.With(context.Background(), "ws_invocation")
	if _, err := h(ctx, ev); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got[tt.name] != tt.want {
				t.Errorf("handled in group %q, want %q", got[tt.name], tt.want)
			}
		})
	}
}
