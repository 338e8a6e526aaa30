package lambdaevent_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/lambdaevent"
	"tend/internal/store"
)

// router handles the first handled changes of a batch and fails with err
// (handled and err as the changes router says them).
type router struct {
	handled int
	err     error
	got     []store.Change
}

func (r *router) HandleBatch(_ context.Context, batch []store.Change) (int, error) {
	r.got = batch
	if r.err == nil {
		return len(batch), nil
	}
	return r.handled, r.err
}

// The stream handler hands the router every record it can read, in one
// batch, and reports the first record not handled (the router's failure,
// else the first it could not read), so that Lambda retries from there.
func TestStreamHandlerReportsTheFirstRecordNotHandled(t *testing.T) {
	var ev events.DynamoDBEvent
	decodeStrict(t, readEvent(t, "dynamodb-stream-batch.json"), &ev)
	unreadable := ev
	unreadable.Records = slices.Clone(ev.Records)
	unreadable.Records[2].Change.OldImage = nil // a REMOVE without its old image
	boom := errors.New("boom")
	tests := []struct {
		name     string
		ev       events.DynamoDBEvent
		r        router
		routed   int    // records handed to the router
		reported string // the failure reported, "" for none
	}{
		{"all handled", ev, router{}, 3, ""},
		{"the second fails", ev, router{handled: 1, err: boom}, 3, ev.Records[1].Change.SequenceNumber},
		{"the counters fail: all again", ev, router{handled: 0, err: boom}, 3, ev.Records[0].Change.SequenceNumber},
		{"the third can't be read", unreadable, router{}, 2, ev.Records[2].Change.SequenceNumber},
		{"the first fails before the unreadable one", unreadable, router{handled: 0, err: boom}, 2, ev.Records[0].Change.SequenceNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			resp, err := lambdaevent.StreamHandler(&r, slog.New(slog.DiscardHandler))(t.Context(), tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.got) != tt.routed {
				t.Errorf("routed %d changes, want %d", len(r.got), tt.routed)
			}
			var reported []string
			for _, f := range resp.BatchItemFailures {
				reported = append(reported, f.ItemIdentifier)
			}
			switch {
			case tt.reported == "" && len(reported) > 0:
				t.Errorf("reported %v, want nothing", reported)
			case tt.reported != "" && (len(reported) != 1 || reported[0] != tt.reported):
				t.Errorf("reported %v, want [%s]", reported, tt.reported)
			}
		})
	}
}
