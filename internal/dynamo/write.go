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

// maxExpiredRemovals bounds how often Incr and Transact remove an expired
// item in their way and try again. Once is the rule; more only happens if
// other writers keep putting expired items at the same key.
const maxExpiredRemovals = 5

// Incr implements store.Store.
func (s *Store) Incr(ctx context.Context, key store.Key, delta int64) (int64, error) {
	if err := store.ValidateKey(key); err != nil {
		return 0, err
	}
	for removals := 0; ; removals++ {
		update, c := addUpdate(delta, s.nowSeconds())
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
		// The counter is stored but expired: it counts as absent, so it
		// starts again from 0 once the stale item is out of the way.
		if removals == maxExpiredRemovals {
			return 0, fmt.Errorf("dynamo: incr %s: expired item still in the way after %d removals", key, removals)
		}
		if err := s.removeExpired(ctx, key); err != nil {
			return 0, fmt.Errorf("dynamo: incr %s: %w", key, err)
		}
	}
}

// removeExpired deletes the item at key if it has expired. That changes
// nothing a reader can see (an expired item is already absent) and only
// does early what DynamoDB's TTL process would do later.
func (s *Store) removeExpired(ctx context.Context, key store.Key) error {
	c := expiredCondition(s.nowSeconds())
	err := s.deleteIf(ctx, key, c)
	if err != nil && !isConditionFailed(err) { // not expired (any more): nothing to remove
		return fmt.Errorf("remove expired item: %w", err)
	}
	return nil
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
