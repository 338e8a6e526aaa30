package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/store"
)

// Cancellation reason codes of TransactWriteItems.
const (
	reasonNone              = "None"
	reasonConditionFailed   = "ConditionalCheckFailed"
	reasonConflict          = "TransactionConflict"
	reasonThrottling        = "ThrottlingError"
	reasonThroughputExceeds = "ProvisionedThroughputExceeded"
)

// Transact implements store.Store with TransactWriteItems.
//
// A transaction cancelled only because other transactions held some of its
// items (TransactionConflict) is tried again after a short random pause, up
// to maxConflictAttempts times: the port promises a verdict on the
// conditions, not a transient conflict.
func (s *Store) Transact(ctx context.Context, ops []store.TxOp) error {
	if err := store.ValidateTx(ops); err != nil {
		return err
	}
	conflicts, restarts := 0, 0
	restart := map[int]bool{} // TxAdd ops to run as restarts of an expired counter
	for {
		items, conds, err := s.transactItems(ops, s.nowSeconds(), restart)
		if err != nil {
			return err
		}
		// A new input for each attempt: the SDK fills in a fresh idempotency
		// token (ClientRequestToken), which its own retries of this attempt
		// reuse, so that a commit whose answer was lost is not applied twice.
		_, err = s.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			return nil
		}
		var canceled *types.TransactionCanceledException
		if !errors.As(err, &canceled) {
			return fmt.Errorf("dynamo: transact: %w", err)
		}
		v := judge(canceled.CancellationReasons, ops)
		switch {
		case v.failed >= 0:
			op := ops[v.failed]
			return &store.TxError{
				Index: v.failed,
				Err:   fmt.Errorf("dynamo: transaction %s %s: %s: %w", opName(op), op.Key, conds[v.failed].want, store.ErrConditionFailed),
			}
		case v.other:
			return fmt.Errorf("dynamo: transact: %s: %w", describeReasons(canceled.CancellationReasons), err)
		case len(v.expired) > 0:
			// A TxAdd met an expired counter (see addUpdate), or a restart
			// found the counter live again: try again the other way.
			if restarts == maxExpiredRestarts {
				return fmt.Errorf("dynamo: transact: counters kept changing between live and expired (%d attempts)", restarts)
			}
			restarts++
			for _, i := range v.expired {
				restart[i] = !restart[i]
			}
		case v.conflict:
			conflicts++
			if conflicts == maxConflictAttempts {
				return fmt.Errorf("dynamo: transact: still conflicting after %d attempts: %w", conflicts, err)
			}
			if err := backoff(ctx, conflicts); err != nil {
				return fmt.Errorf("dynamo: transact: %w", err)
			}
		default: // cancelled without a reason we know
			return fmt.Errorf("dynamo: transact: %w", err)
		}
	}
}

// verdict sums up why a transaction was cancelled.
type verdict struct {
	failed   int   // the first op whose condition failed, or -1
	expired  []int // TxAdd ops that met an expired item (or, restarting, a live one)
	conflict bool  // some item was held by another transaction, or throttled
	other    bool  // some other reason (validation, size limits, ...)
}

// judge reads CancellationReasons, which DynamoDB lists one per op, in order.
func judge(reasons []types.CancellationReason, ops []store.TxOp) verdict {
	v := verdict{failed: -1}
	for i, r := range reasons {
		switch code := aws.ToString(r.Code); {
		case code == "" || code == reasonNone:
		case code == reasonConditionFailed && i < len(ops):
			if ops[i].IsAdd() {
				v.expired = append(v.expired, i)
			} else if v.failed < 0 {
				v.failed = i
			}
		case code == reasonConflict || code == reasonThrottling || code == reasonThroughputExceeds:
			v.conflict = true
		default:
			v.other = true
		}
	}
	return v
}

func describeReasons(reasons []types.CancellationReason) string {
	var parts []string
	for i, r := range reasons {
		code := aws.ToString(r.Code)
		if code == "" || code == reasonNone {
			continue
		}
		part := fmt.Sprintf("item %d: %s", i, code)
		if msg := aws.ToString(r.Message); msg != "" {
			part += " (" + msg + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

func opName(op store.TxOp) string {
	switch {
	case op.IsPut():
		return "put"
	case op.IsDelete():
		return "delete"
	case op.IsCheck():
		return "check"
	case op.IsAdd():
		return "add"
	}
	return "op"
}

// transactItems translates ops; conds[i] is the condition of ops[i].
func (s *Store) transactItems(ops []store.TxOp, now int64, restart map[int]bool) ([]types.TransactWriteItem, []condition, error) {
	items := make([]types.TransactWriteItem, len(ops))
	conds := make([]condition, len(ops))
	for i, op := range ops {
		var err error
		if items[i], conds[i], err = s.transactItem(op, now, restart[i]); err != nil {
			return nil, nil, fmt.Errorf("dynamo: transaction item %d: %w", i, err)
		}
	}
	return items, conds, nil
}

func (s *Store) transactItem(op store.TxOp, now int64, restart bool) (types.TransactWriteItem, condition, error) {
	switch {
	case op.IsPut():
		attrs, err := AttributesFromItem(op.Item)
		if err != nil {
			return types.TransactWriteItem{}, condition{}, err
		}
		c, err := conditionFor(op.Cond, now)
		return types.TransactWriteItem{Put: &types.Put{
			TableName: s.table, Item: attrs,
			ConditionExpression: c.expr, ExpressionAttributeNames: c.names, ExpressionAttributeValues: c.values,
		}}, c, err
	case op.IsDelete():
		c, err := conditionFor(op.Cond, now)
		return types.TransactWriteItem{Delete: &types.Delete{
			TableName: s.table, Key: keyAttributes(op.Key),
			ConditionExpression: c.expr, ExpressionAttributeNames: c.names, ExpressionAttributeValues: c.values,
		}}, c, err
	case op.IsCheck():
		c, err := checkConditionFor(op.Cond, now)
		return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: s.table, Key: keyAttributes(op.Key),
			ConditionExpression: c.expr, ExpressionAttributeNames: c.names, ExpressionAttributeValues: c.values,
		}}, c, err
	case op.IsAdd():
		update, c := addUpdate(op.Delta, now)
		if restart {
			update, c = restartUpdate(op.Delta, now)
		}
		return types.TransactWriteItem{Update: &types.Update{
			TableName: s.table, Key: keyAttributes(op.Key), UpdateExpression: update,
			ConditionExpression: c.expr, ExpressionAttributeNames: c.names, ExpressionAttributeValues: c.values,
		}}, c, nil
	}
	return types.TransactWriteItem{}, condition{}, fmt.Errorf("%w: no operation", store.ErrInvalid)
}
