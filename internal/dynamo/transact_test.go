package dynamo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/dynamo"
	"tend/internal/store"
	"tend/internal/store/storetest"
)

// A store needs its clock: without one, New refuses.
func TestNewNeedsClock(t *testing.T) {
	if _, err := dynamo.New(&scriptedClient{}, "t", nil); !errors.Is(err, store.ErrNoClock) {
		t.Fatalf("New without a clock: %v, want ErrNoClock", err)
	}
}

// scriptedClient answers writes with scripted errors, in order, then nil.
// moto never reports transaction conflicts, so this is where the retry
// paths are exercised.
type scriptedClient struct {
	dynamo.Client // nil: calling anything else fails the test with a panic
	errs          []error
	calls         int
}

func (c *scriptedClient) next() error {
	c.calls++
	if len(c.errs) == 0 {
		return nil
	}
	err := c.errs[0]
	c.errs = c.errs[1:]
	return err
}

func (c *scriptedClient) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return &dynamodb.TransactWriteItemsOutput{}, c.next()
}

func (c *scriptedClient) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return &dynamodb.PutItemOutput{}, c.next()
}

// canceled is a TransactionCanceledException with one reason code per item.
func canceled(codes ...string) error {
	e := &types.TransactionCanceledException{Message: aws.String("Transaction cancelled")}
	for _, c := range codes {
		e.CancellationReasons = append(e.CancellationReasons, types.CancellationReason{Code: aws.String(c), Message: aws.String(c + " message")})
	}
	return e
}

func twoPuts() []store.TxOp {
	return []store.TxOp{
		store.TxPut(store.Item{Key: store.Key{PK: "C#1", SK: "A"}}, store.NotExist),
		store.TxPut(store.Item{Key: store.Key{PK: "UNQ", SK: "email#a@x.vn"}}, store.NotExist),
	}
}

func TestTransactRetriesConflicts(t *testing.T) {
	client := &scriptedClient{errs: []error{
		canceled("None", "TransactionConflict"),
		canceled("TransactionConflict", "None"),
	}}
	s := mustNew(t, client, "t", &storetest.Clock{})
	if err := s.Transact(t.Context(), twoPuts()); err != nil {
		t.Fatalf("Transact: %v", err)
	}
	if client.calls != 3 {
		t.Fatalf("%d calls, want 3 (two conflicts, then the commit)", client.calls)
	}
}

func TestTransactConflictThenConditionFailed(t *testing.T) {
	client := &scriptedClient{errs: []error{
		canceled("None", "TransactionConflict"),
		canceled("None", "ConditionalCheckFailed"),
	}}
	s := mustNew(t, client, "t", &storetest.Clock{})
	err := s.Transact(t.Context(), twoPuts())
	var txErr *store.TxError
	if !errors.As(err, &txErr) || txErr.Index != 1 || !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("Transact err = %v, want *TxError at 1 wrapping ErrConditionFailed", err)
	}
	if client.calls != 2 {
		t.Fatalf("%d calls, want 2", client.calls)
	}
}

func TestTransactConditionFailedWinsOverConflict(t *testing.T) {
	client := &scriptedClient{errs: []error{canceled("TransactionConflict", "ConditionalCheckFailed")}}
	s := mustNew(t, client, "t", &storetest.Clock{})
	var txErr *store.TxError
	if err := s.Transact(t.Context(), twoPuts()); !errors.As(err, &txErr) || txErr.Index != 1 {
		t.Fatalf("Transact err = %v, want *TxError at 1", err)
	}
}

func TestTransactOtherCancellationIsAnError(t *testing.T) {
	client := &scriptedClient{errs: []error{canceled("None", "ValidationError")}}
	s := mustNew(t, client, "t", &storetest.Clock{})
	err := s.Transact(t.Context(), twoPuts())
	var txErr *store.TxError
	if err == nil || errors.As(err, &txErr) || errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("Transact err = %v, want a plain error", err)
	}
	if client.calls != 1 {
		t.Fatalf("%d calls, want 1", client.calls)
	}
}

func TestTransactStopsRetryingWhenContextEnds(t *testing.T) {
	conflicts := make([]error, 100)
	for i := range conflicts {
		conflicts[i] = canceled("TransactionConflict", "None")
	}
	client := &scriptedClient{errs: conflicts}
	s := mustNew(t, client, "t", &storetest.Clock{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Transact(ctx, twoPuts()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Transact err = %v, want context.Canceled", err)
	}
}

func TestPutRetriesTransactionConflict(t *testing.T) {
	conflict := &types.TransactionConflictException{Message: aws.String("in a transaction")}
	client := &scriptedClient{errs: []error{conflict, conflict}}
	s := mustNew(t, client, "t", &storetest.Clock{})
	if err := s.Put(t.Context(), store.Item{Key: store.Key{PK: "p", SK: "s"}}, store.None); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if client.calls != 3 {
		t.Fatalf("%d calls, want 3", client.calls)
	}
}

func TestPutConditionFailed(t *testing.T) {
	client := &scriptedClient{errs: []error{&types.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}}}
	s := mustNew(t, client, "t", &storetest.Clock{})
	err := s.Put(t.Context(), store.Item{Key: store.Key{PK: "p", SK: "s"}}, store.IfVersion(4))
	if !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("Put err = %v, want ErrConditionFailed", err)
	}
	t.Log(err)
}
