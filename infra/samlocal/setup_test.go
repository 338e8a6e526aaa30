package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"tend/infra/template"
	"tend/internal/apidocs"
	"tend/internal/awsmain"
	"tend/internal/awstest"
	"tend/internal/dynamo"
	"tend/internal/lambdafn"
	"tend/internal/tendtest"
)

const root = "../.."

// expanded is template.yaml as SAM expands it; a missing translator
// fails the test.
func expanded(t *testing.T) template.Doc {
	t.Helper()
	tpl, err := template.Expand(t.Context(), root, filepath.Join(root, "template.yaml"))
	if errors.Is(err, template.ErrNoTranslator) {
		t.Fatalf("%v: run make tools", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tpl.CFN
}

// Every sample event of events/ drives a function of the template and
// parses as that function's event.
func TestSamplesParse(t *testing.T) {
	doc := expanded(t)
	files, err := filepath.Glob(filepath.Join(root, "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample events: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		fn, ok := samples[name]
		if !ok {
			t.Errorf("%s drives no function: add it to samples", name)
			continue
		}
		if doc.Resources[fn].Type != "AWS::Lambda::Function" {
			t.Errorf("%s: %s is not a function of the template", name, fn)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var parsed bool
		switch fn {
		case "ApiFunction", "HooksFunction":
			var ev events.APIGatewayV2HTTPRequest
			parsed = json.Unmarshal(raw, &ev) == nil && ev.RouteKey != "" && ev.RequestContext.HTTP.Method != ""
		case "StreamFunction":
			var ev events.DynamoDBEvent
			parsed = json.Unmarshal(raw, &ev) == nil && len(ev.Records) > 0
		case "SchedulerFunction":
			var ev struct{ Kind string }
			parsed = json.Unmarshal(raw, &ev) == nil && ev.Kind == "tick"
		default:
			var ev events.SQSEvent
			parsed = json.Unmarshal(raw, &ev) == nil && len(ev.Records) > 0 && ev.Records[0].Body != ""
		}
		if !parsed {
			t.Errorf("%s does not parse as an event of %s", name, fn)
		}
	}
}

// Setup on the local AWS API (moto_server) creates the template's table,
// queues and keys, seeds a workspace with a lead source, and writes
// env.json and webhook samples that work: the signed samples are accepted
// by the webhooks function over the table env.json names, the API sample
// signs in as the seeded admin, every queue URL of env.json is a queue
// and every key id an enabled key.
func TestSetUpOnMoto(t *testing.T) {
	ctx := t.Context()
	cfg := awstest.Config(t, "TEND_AWS_ENDPOINT")
	doc := expanded(t)
	clock := tendtest.NewClock(tendtest.DefaultTime)
	prefix := "t" + randomHex(t) + "-"
	res, err := Setup(ctx, Config{Template: doc, AWS: cfg, Prefix: prefix, FunctionEndpoint: "http://127.0.0.1:4566",
		EventsDir: filepath.Join(root, "events"), Out: t.TempDir(), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}

	for _, fn := range doc.OfType("AWS::Lambda::Function") {
		declared := template.Get(doc.Resources[fn].Properties, "Environment", "Variables").(map[string]any)
		for name := range declared {
			if _, ok := res.Env[fn][name]; !ok {
				t.Errorf("env.json: %s has no %s", fn, name)
			}
		}
		if got := res.Env[fn]["TEND_AWS_ENDPOINT"]; got != "http://127.0.0.1:4566" {
			t.Errorf("env.json: %s TEND_AWS_ENDPOINT = %q", fn, got)
		}
		if got := res.Env[fn]["TABLE_NAME"]; got != prefix+"Table" {
			t.Errorf("env.json: %s TABLE_NAME = %q", fn, got)
		}
		for name, v := range res.Env[fn] {
			switch {
			case strings.HasSuffix(name, "_QUEUE_URL") || strings.HasSuffix(name, "_DLQ_URL"):
				queueAttr(t, sqs.NewFromConfig(cfg), v, sqstypes.QueueAttributeNameQueueArn)
			case strings.HasSuffix(name, "_KEY_ID"):
				key, err := kms.NewFromConfig(cfg).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(v)})
				if err != nil || !key.KeyMetadata.Enabled {
					t.Errorf("env.json: %s %s = %q is no enabled key: %v", fn, name, v, err)
				}
			}
		}
	}
	// The redrive policy comes from the template.
	jobs := res.Env["SchedulerFunction"]["JOBS_QUEUE_URL"]
	if rp := queueAttr(t, sqs.NewFromConfig(cfg), jobs, sqstypes.QueueAttributeNameRedrivePolicy); !strings.Contains(rp, prefix+"JobsDLQ") {
		t.Errorf("JobsQueue redrive policy %s, want to %sJobsDLQ", rp, prefix)
	}
	table, err := dynamodb.NewFromConfig(cfg).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(res.Table)})
	if err != nil || len(table.Table.GlobalSecondaryIndexes) != 4 || table.Table.LatestStreamArn == nil {
		t.Fatalf("table %s: %+v, %v; want 4 indexes and a stream", res.Table, table, err)
	}

	st, err := dynamo.New(dynamodb.NewFromConfig(cfg), res.Env["HooksFunction"]["TABLE_NAME"], clock)
	if err != nil {
		t.Fatal(err)
	}
	// Each sample goes to its function's handler: the api function's as
	// functions/api/main.go builds it, the hooks function's as its main does.
	handlers := map[string]lambdafn.HTTPHandler{
		"ApiFunction":   lambdafn.API(&awsmain.AWS{Store: st, Clock: clock, Env: awsmain.Env{Log: slog.New(slog.DiscardHandler)}}, apidocs.Wrap),
		"HooksFunction": lambdafn.Hooks(&awsmain.AWS{Store: st, Clock: clock}),
	}
	want := map[string]int{"api-gateway-v2-request.json": 200, "api-gateway-v2-create-customer.json": 201,
		"api-gateway-v2-webhook-lead.json": 202, "api-gateway-v2-webhook-call.json": 202}
	for _, inv := range res.Invocations {
		name := filepath.Base(inv.Event)
		if _, ok := want[name]; !ok {
			continue
		}
		if got := invoke(t, handlers[inv.Function], inv.Event); got != want[name] {
			t.Errorf("%s (%s): status %d, want %d", name, inv.Event, got, want[name])
		}
		if samples[name] == "HooksFunction" && filepath.Dir(inv.Event) == filepath.Join(root, "events") {
			t.Errorf("%s: the invocation names the unsigned sample", inv.Event)
		}
	}
	// The samples as kept in events/ are not signed.
	if got := invoke(t, handlers["HooksFunction"], filepath.Join(root, "events", "api-gateway-v2-webhook-lead.json")); got != 401 {
		t.Errorf("unsigned webhook sample: status %d, want 401", got)
	}
}

func invoke(t *testing.T, handle lambdafn.HTTPHandler, path string) int {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	resp, err := handle(t.Context(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode >= 300 {
		t.Logf("%s: %s", filepath.Base(path), resp.Body)
	}
	return resp.StatusCode
}

func queueAttr(t *testing.T, c *sqs.Client, url string, attr sqstypes.QueueAttributeName) string {
	t.Helper()
	out, err := c.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{attr}})
	if err != nil {
		t.Fatalf("queue %s: %v", url, err)
	}
	return out.Attributes[string(attr)]
}

func randomHex(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
