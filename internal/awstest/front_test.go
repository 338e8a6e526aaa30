package awstest_test

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/awstest"
)

// A transaction sent again with the token of one that succeeded (an SDK
// retry after a lost answer) is answered as the first was and not run
// again, as on DynamoDB; another token runs it, and its condition fails.
func TestFrontGivesTransactionsTheirTokens(t *testing.T) {
	ctx := t.Context()
	client := dynamodb.NewFromConfig(awstest.Config(t, "TEND_AWS_ENDPOINT"))
	table := "front-" + strconv.FormatUint(rand.Uint64(), 36)
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)}) })
	put := func(token string) error {
		_, err := client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
			ClientRequestToken: aws.String(token),
			TransactItems: []types.TransactWriteItem{{Put: &types.Put{
				TableName:           aws.String(table),
				Item:                map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "lead-1"}},
				ConditionExpression: aws.String("attribute_not_exists(PK)"),
			}}},
		})
		return err
	}
	for i, tc := range []struct {
		token    string
		canceled bool
	}{
		{"token-a", false},
		{"token-a", false}, // the retry: answered as the first
		{"token-b", true},  // another transaction: the item exists
	} {
		err := put(tc.token)
		var canceled *types.TransactionCanceledException
		if got := errors.As(err, &canceled); got != tc.canceled || (err != nil && !got) {
			t.Errorf("put %d with %s: %v, want canceled %v", i+1, tc.token, err, tc.canceled)
		}
	}
}
