package lambdaevent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/queuegroup"
	"tend/internal/store"
)

// ChangeRouter reacts to a batch of item changes (changes.Router): it
// handles them in order, stops at the first that fails and says how many
// it handled before it.
type ChangeRouter interface {
	HandleBatch(ctx context.Context, batch []store.Change) (int, error)
}

// StreamHandler handles a batch of the table's stream. Records are handled
// in order; at the first failure it reports that record and stops, so that
// Lambda retries the batch from there (ReportBatchItemFailures) and no
// later change of the same item overtakes an earlier one. It never fails
// the whole invocation for one bad record.
func StreamHandler(r ChangeRouter, log *slog.Logger) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		var resp events.DynamoDBEventResponse
		batch := make([]store.Change, 0, len(ev.Records))
		var unread error // of the record after the last read
		for _, rec := range ev.Records {
			ch, err := ChangeFromRecord(rec)
			if err != nil {
				unread = err
				break
			}
			batch = append(batch, store.Change{Type: ch.Type, Old: ch.Old, New: ch.New})
		}
		done, err := r.HandleBatch(ctx, batch)
		if err == nil {
			err = unread
		}
		if err == nil {
			return resp, nil
		}
		rec := ev.Records[done]
		log.ErrorContext(ctx, "stream record failed", "event_id", rec.EventID, "sequence", rec.Change.SequenceNumber, "err", err)
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
		return resp, nil
	}
}

// Scheduler is what the scheduler function does: a tick starts what is
// due, a job message runs one piece of it.
type Scheduler interface {
	Tick(ctx context.Context) (int, error)
	HandleJob(ctx context.Context, body []byte) error
}

// Tick is the input the EventBridge schedule sends.
type Tick struct {
	Kind string `json:"kind"`
}

// SchedulerHandler handles both events of the scheduler function: the
// schedule's tick ({"kind":"tick"}) and batches of the jobs queue, whose
// failed messages it reports one by one (ReportBatchItemFailures) so that
// only they are retried.
func SchedulerHandler(s Scheduler, log *slog.Logger) func(context.Context, json.RawMessage) (any, error) {
	return func(ctx context.Context, raw json.RawMessage) (any, error) {
		if bytes.Contains(raw, []byte(`"Records"`)) {
			var ev events.SQSEvent
			if err := json.Unmarshal(raw, &ev); err != nil {
				return nil, fmt.Errorf("scheduler: decode SQS event: %w", err)
			}
			return handleJobs(ctx, s, log, ev), nil
		}
		var t Tick
		if err := json.Unmarshal(raw, &t); err != nil || t.Kind != "tick" {
			return nil, fmt.Errorf("scheduler: not a tick or an SQS batch: %s", raw)
		}
		started, err := s.Tick(ctx)
		if err != nil {
			return nil, fmt.Errorf("scheduler: tick: %w", err)
		}
		log.InfoContext(ctx, "tick", "runs_started", started)
		return map[string]int{"runs_started": started}, nil
	}
}

func handleJobs(ctx context.Context, s Scheduler, log *slog.Logger, ev events.SQSEvent) events.SQSEventResponse {
	resp, _ := SQSHandler(s.HandleJob, log)(ctx, ev)
	return resp
}

// SQSHandler handles a batch of a queue message by message, reporting the
// failed ones (ReportBatchItemFailures) so that only they are retried.
// Each message is handled in its message group (its workspace): what its
// handling sends is in the same group (queuegroup).
func SQSHandler(handle func(ctx context.Context, body []byte) error, log *slog.Logger) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		for _, m := range ev.Records {
			if err := handle(queuegroup.With(ctx, m.Attributes["MessageGroupId"]), []byte(m.Body)); err != nil {
				log.ErrorContext(ctx, "message failed", "message_id", m.MessageId, "err", err)
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			}
		}
		return resp, nil
	}
}

// SQSBatchHandler is SQSHandler for a consumer that handles a batch's
// messages together (the distributor: one rotation add per rule and
// batch). handle returns one error per body, nil for a message handled;
// each failed message is reported alone, so only it is retried.
func SQSBatchHandler(handle func(ctx context.Context, bodies [][]byte) []error, log *slog.Logger) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		bodies := make([][]byte, len(ev.Records))
		for i, m := range ev.Records {
			bodies[i] = []byte(m.Body)
		}
		for i, err := range handle(ctx, bodies) {
			if err != nil {
				m := ev.Records[i]
				log.ErrorContext(ctx, "message failed", "message_id", m.MessageId, "err", err)
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			}
		}
		return resp, nil
	}
}
