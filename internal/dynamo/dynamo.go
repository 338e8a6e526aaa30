// Package dynamo is the DynamoDB adapter of the item-store port: one table,
// native attributes (see attributes.go for the layout), four sparse global
// secondary indexes GSI1..GSI4.
//
// DynamoDB removes expired items lazily (up to days after their TTL), so the
// adapter decides expiry itself against its clock: expired items are left
// out of every read and count as absent in every condition.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/store"
)

// Client is the part of *dynamodb.Client the adapter and CreateTable use.
type Client interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, opts ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)

	// Table administration, for CreateTable.
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	UpdateTimeToLive(ctx context.Context, in *dynamodb.UpdateTimeToLiveInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
}

var _ Client = (*dynamodb.Client)(nil)

// Store is a store.Store over one DynamoDB table.
type Store struct {
	client Client
	table  *string
	clock  store.Clock
}

var _ store.Store = (*Store)(nil)

// New returns a Store over table. It uses client as given: loading AWS
// configuration is the caller's business. The clock decides expiry; it is
// required.
func New(client Client, table string, clock store.Clock) (*Store, error) {
	if clock == nil {
		return nil, fmt.Errorf("dynamo: table %s: %w", table, store.ErrNoClock)
	}
	return &Store{client: client, table: aws.String(table), clock: clock}, nil
}

func (s *Store) now() time.Time { return s.clock.Now() }

// nowSeconds is the clock in epoch seconds, the unit of the TTL attribute.
// An item whose TTL is t is live while nowSeconds < t, which is exactly
// store.Live for a whole-second expiry.
func (s *Store) nowSeconds() int64 { return s.now().Unix() }

// live reports whether it has not expired.
func (s *Store) live(it store.Item) bool { return store.Live(it.ExpiresAt, s.now()) }

// Get implements store.Store: a strongly consistent read.
func (s *Store) Get(ctx context.Context, key store.Key) (store.Item, error) {
	return s.get(ctx, key, true)
}

// GetEventually implements store.Store: an eventually consistent read.
func (s *Store) GetEventually(ctx context.Context, key store.Key) (store.Item, error) {
	return s.get(ctx, key, false)
}

func (s *Store) get(ctx context.Context, key store.Key, consistent bool) (store.Item, error) {
	if err := store.ValidateKey(key); err != nil {
		return store.Item{}, err
	}
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      s.table,
		Key:            keyAttributes(key),
		ConsistentRead: aws.Bool(consistent),
	})
	if err != nil {
		return store.Item{}, fmt.Errorf("dynamo: get %s: %w", key, err)
	}
	if len(out.Item) == 0 {
		return store.Item{}, fmt.Errorf("dynamo: get %s: %w", key, store.ErrNotFound)
	}
	it, err := ItemFromAttributes(out.Item)
	if err != nil {
		return store.Item{}, fmt.Errorf("dynamo: get %s: %w", key, err)
	}
	if !s.live(it) {
		return store.Item{}, fmt.Errorf("dynamo: get %s: expired: %w", key, store.ErrNotFound)
	}
	return it, nil
}

// maxBatchGet is BatchGetItem's limit on keys per request.
const maxBatchGet = 100

// maxUnprocessedRounds bounds how often GetMany asks again for the keys
// DynamoDB left unprocessed (response size limit or throttling).
const maxUnprocessedRounds = 10

// GetMany implements store.Store. A key asked for twice yields its item
// once: BatchGetItem refuses duplicate keys.
func (s *Store) GetMany(ctx context.Context, keys []store.Key) ([]store.Item, error) {
	if len(keys) > maxBatchGet {
		return nil, fmt.Errorf("%w: %d keys in one GetMany (max %d)", store.ErrInvalid, len(keys), maxBatchGet)
	}
	seen := make(map[store.Key]bool, len(keys))
	request := make([]map[string]types.AttributeValue, 0, len(keys))
	for _, k := range keys {
		if err := store.ValidateKey(k); err != nil {
			return nil, err
		}
		if !seen[k] {
			seen[k] = true
			request = append(request, keyAttributes(k))
		}
	}
	items := make([]store.Item, 0, len(request))
	for round := 0; len(request) > 0; round++ {
		if round == maxUnprocessedRounds {
			return nil, fmt.Errorf("dynamo: get many: %d keys still unprocessed after %d rounds", len(request), round)
		}
		if round > 0 {
			if err := backoff(ctx, round); err != nil {
				return nil, fmt.Errorf("dynamo: get many: %w", err)
			}
		}
		table := aws.ToString(s.table)
		out, err := s.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
			RequestItems: map[string]types.KeysAndAttributes{
				table: {Keys: request, ConsistentRead: aws.Bool(true)},
			},
		})
		if err != nil {
			return nil, fmt.Errorf("dynamo: get many: %w", err)
		}
		for _, attrs := range out.Responses[table] {
			it, err := ItemFromAttributes(attrs)
			if err != nil {
				return nil, fmt.Errorf("dynamo: get many: %w", err)
			}
			if s.live(it) {
				items = append(items, it)
			}
		}
		request = out.UnprocessedKeys[table].Keys
	}
	return items, nil
}

// isConditionFailed reports whether err is DynamoDB refusing a condition.
func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}
