package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/store"
)

// Put implements store.Store.
func (s *Store) Put(ctx context.Context, it store.Item, cond store.Cond) error {
	if err := store.ValidateKey(it.Key); err != nil {
		return err
	}
	attrs, err := AttributesFromItem(it)
	if err != nil {
		return fmt.Errorf("dynamo: put: %w", err)
	}
	c, err := conditionFor(cond, s.nowSeconds())
	if err != nil {
		return fmt.Errorf("dynamo: put %s: %w", it.Key, err)
	}
	err = retryConflicts(ctx, func() error {
		_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
			TableName:                 s.table,
			Item:                      attrs,
			ConditionExpression:       c.expr,
			ExpressionAttributeNames:  c.names,
			ExpressionAttributeValues: c.values,
		})
		return err
	})
	return writeError("put", it.Key, c, err)
}

// Delete implements store.Store.
func (s *Store) Delete(ctx context.Context, key store.Key, cond store.Cond) error {
	if err := store.ValidateKey(key); err != nil {
		return err
	}
	c, err := conditionFor(cond, s.nowSeconds())
	if err != nil {
		return fmt.Errorf("dynamo: delete %s: %w", key, err)
	}
	return writeError("delete", key, c, s.deleteIf(ctx, key, c))
}

// maxExpiredRestarts bounds how often Incr and Transact switch between
// adding to a live counter and restarting an expired one. Once is the
// rule; more only happens if other writers keep changing the item.
const maxExpiredRestarts = 5

// Incr implements store.Store.
func (s *Store) Incr(ctx context.Context, key store.Key, delta int64) (int64, error) {
	if err := store.ValidateKey(key); err != nil {
		return 0, err
	}
	// An expired counter counts as absent: when the add finds one, the
	// counter starts again from delta over it. Each attempt holds only in
	// the state it was made for, so a race between the two is tried again.
	restart := false
	for attempt := 0; ; attempt++ {
		update, c := addUpdate(delta, s.nowSeconds())
		if restart {
			update, c = restartUpdate(delta, s.nowSeconds())
		}
		var out *dynamodb.UpdateItemOutput
		err := retryConflicts(ctx, func() error {
			var err error
			out, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
				TableName:                 s.table,
				Key:                       keyAttributes(key),
				UpdateExpression:          update,
				ConditionExpression:       c.expr,
				ExpressionAttributeNames:  c.names,
				ExpressionAttributeValues: c.values,
				ReturnValues:              types.ReturnValueUpdatedNew,
			})
			return err
		})
		if err == nil {
			n, err := intAttr(out.Attributes, attrCounter)
			if err != nil {
				return 0, fmt.Errorf("dynamo: incr %s: %w", key, err)
			}
			return n, nil
		}
		if !isConditionFailed(err) {
			return 0, fmt.Errorf("dynamo: incr %s: %w", key, err)
		}
		if attempt == maxExpiredRestarts {
			return 0, fmt.Errorf("dynamo: incr %s: the counter kept changing between live and expired (%d attempts)", key, attempt)
		}
		restart = !restart
	}
}

// deleteIf deletes the item at key if the condition holds, retrying
// transaction conflicts.
func (s *Store) deleteIf(ctx context.Context, key store.Key, c condition) error {
	return retryConflicts(ctx, func() error {
		_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
			TableName:                 s.table,
			Key:                       keyAttributes(key),
			ConditionExpression:       c.expr,
			ExpressionAttributeNames:  c.names,
			ExpressionAttributeValues: c.values,
		})
		return err
	})
}

// writeError maps the outcome of a conditional single-item write.
func writeError(op string, key store.Key, c condition, err error) error {
	switch {
	case err == nil:
		return nil
	case isConditionFailed(err):
		return fmt.Errorf("dynamo: %s %s: %s: %w", op, key, c.want, store.ErrConditionFailed)
	}
	return fmt.Errorf("dynamo: %s %s: %w", op, key, err)
}
