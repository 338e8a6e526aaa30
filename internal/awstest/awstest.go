// Package awstest gives tests of the AWS adapters a configuration for the
// local AWS API that make test starts (moto_server).
package awstest

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Config returns a configuration for the endpoint in the environment
// variable env, reached through a front that gives DynamoDB transactions
// their idempotency tokens (see front). Without one the test is skipped,
// except in CI, where that would quietly leave the adapter out of the
// run: there it fails.
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
	endpoint, err := frontFor(endpoint)
	if err != nil {
		tb.Fatalf("%s: %v", env, err)
	}
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

// MotoRecord returns the object of moto's state dump (GET
// /moto-api/data.json on endpoint) whose idField is id, among service's
// objects of model. The dump is keyed by service, then by model class,
// each a list of objects of every account and region. Without one, the
// test fails and shows what the service holds.
func MotoRecord(tb testing.TB, endpoint, service, model, idField, id string) map[string]any {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), http.MethodGet, endpoint+"/moto-api/data.json", nil)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("GET data.json: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET data.json: %s", resp.Status)
	}
	var data map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		tb.Fatalf("decode data.json: %v", err)
	}
	models, _ := data[service].(map[string]any)
	list, _ := models[model].([]any)
	for _, item := range list {
		if m, ok := item.(map[string]any); ok && m[idField] == id {
			return m
		}
	}
	dump, _ := json.MarshalIndent(data[service], "", "  ")
	if len(dump) > 20000 {
		dump = append(dump[:20000], "..."...)
	}
	tb.Fatalf("no %s.%s with %s %q in data.json; %s holds:\n%s", service, model, idField, id, service, dump)
	return nil
}
