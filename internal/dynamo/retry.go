package dynamo

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// maxConflictAttempts bounds the attempts at a write that keeps colliding
// with concurrent transactions on the same items.
const maxConflictAttempts = 30

const (
	backoffBase = 5 * time.Millisecond
	backoffCap  = 250 * time.Millisecond
)

// backoff sleeps before retry number attempt (1, 2, ...): exponential up to
// backoffCap, half of it random so that racers that collided spread out.
func backoff(ctx context.Context, attempt int) error {
	d := backoffCap
	if attempt < 10 {
		d = min(backoffBase<<attempt, backoffCap)
	}
	d = d/2 + rand.N(d/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryConflicts runs a single-item write, again while DynamoDB refuses it
// with TransactionConflictException: a transaction in flight held the item.
// The SDK's retryer does not retry that error.
func retryConflicts(ctx context.Context, write func() error) error {
	for attempt := 1; ; attempt++ {
		err := write()
		var conflict *types.TransactionConflictException
		if !errors.As(err, &conflict) || attempt == maxConflictAttempts {
			return err
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}
