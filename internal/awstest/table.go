package awstest

import (
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/dynamo"
)

// Table creates Tend's table under a unique name beginning with prefix,
// deleted when tb ends, and returns its name.
func Table(tb testing.TB, client *dynamodb.Client, prefix string) string {
	tb.Helper()
	name := prefix + rand.Text()
	if err := dynamo.CreateTable(tb.Context(), client, name); err != nil {
		tb.Fatalf("CreateTable: %v", err)
	}
	tb.Cleanup(func() {
		// tb.Context() is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// The SDK retries a request whose answer was lost; when the first
		// try went through, the retry finds no table, which is the goal.
		var gone *types.ResourceNotFoundException
		if _, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil && !errors.As(err, &gone) {
			tb.Errorf("DeleteTable %s: %v", name, err)
		}
	})
	return name
}
