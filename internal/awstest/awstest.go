// Package awstest gives tests of the AWS adapters a configuration for the
// local AWS API that make test starts (moto_server).
package awstest

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Config returns a configuration for the endpoint in the environment
// variable env. Without one the test is skipped, except in CI, where that
// would quietly leave the adapter out of the run: there it fails.
func Config(tb testing.TB, env string) aws.Config {
	tb.Helper()
	endpoint := os.Getenv(env)
	if endpoint == "" {
		msg := env + " is not set: run the tests with make test, which starts moto_server"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}
