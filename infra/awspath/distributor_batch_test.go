package awspath_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"tend/internal/lambdafn"
	"tend/internal/store/heatmeter"
)

// The distributor function takes its SQS batch together: six leads'
// distribution messages, received as the function's mapping receives them
// (moto), are one invocation that moves the rule's counter with one write
// and gives every customer out; a record that is not a distribution
// message is the only one reported failed (ReportBatchItemFailures), so
// Lambda retries it alone.
func TestDistributorTakesABatchOnTheAWSPath(t *testing.T) {
	s := deploy(t, time.Date(2026, 11, 23, 7, 0, 0, 0, hanoi), nil)
	spa := openSpa(t, s)
	const leads = 6
	for i := range leads {
		body := fmt.Sprintf(`{"full_name":"Khách %d","contact":{"phone":"0987 123 45%d"}}`, i, i)
		req := spa.signedLead(t, body, s.clock.Now())
		req.Headers["idempotency-key"] = fmt.Sprintf("lead-%d", i) // the sample event's key is one
		var reply events.APIGatewayV2HTTPResponse
		s.invoke("HooksFunction", req, &reply)
		if reply.StatusCode != 202 {
			t.Fatalf("webhook: %d %s, want 202", reply.StatusCode, reply.Body)
		}
	}
	if n := s.drain("IntakeFunction"); n != leads {
		t.Fatalf("the intake queue held %d messages, want %d", n, leads)
	}
	s.pumpStream() // the stream function queues the distributions

	m := s.mappings["DistributorFunction"]
	url, arn := s.dep.Ref(m.source), s.dep.GetAtt(m.source, m.attr)
	out, err := s.sqs.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: int32(m.batch),
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll}})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	if len(out.Messages) != leads {
		t.Fatalf("received %d distribution messages in one batch, want %d", len(out.Messages), leads)
	}
	var ev events.SQSEvent
	for _, msg := range out.Messages {
		ev.Records = append(ev.Records, s.lambdaMessage(msg, arn))
	}
	ev.Records = append(ev.Records, events.SQSMessage{MessageId: "not-a-distribution", Body: `{"kind":"nonsense"}`, EventSource: "aws:sqs", EventSourceARN: arn})

	// The function as its main builds it, over a metered store.
	a := s.connect("DistributorFunction")
	meter := heatmeter.New(a.Store)
	a.Store = meter
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := lambda.NewHandler(lambdafn.Distributor(a)).Invoke(t.Context(), payload)
	if err != nil {
		t.Fatal(err)
	}
	var answer events.SQSEventResponse
	if err := json.Unmarshal(raw, &answer); err != nil {
		t.Fatal(err)
	}
	if len(answer.BatchItemFailures) != 1 || answer.BatchItemFailures[0].ItemIdentifier != "not-a-distribution" {
		t.Fatalf("failures reported: %+v, want only the record that is not a distribution message", answer.BatchItemFailures)
	}
	writes := 0.0
	for p, u := range meter.Charges() {
		if p.Index == "" && strings.HasSuffix(p.PK, "#DCTR#"+spa.rule) {
			writes += u.Write
		}
	}
	if writes != 1 {
		t.Fatalf("the batch charged the rule's counter %.0f write units, want 1 (one add for the batch)", writes)
	}
	for _, msg := range out.Messages {
		var dm struct {
			Customer string `json:"customer"`
		}
		must(t, json.Unmarshal([]byte(aws.ToString(msg.Body)), &dm))
		cu, err := spa.svc.Customers.GetCustomer(t.Context(), spa.admin, dm.Customer)
		must(t, err)
		if cu.OwnerID != spa.staff.ID {
			t.Errorf("customer %s is owned by %q, want the rule's staff member %s", cu.ID, cu.OwnerID, spa.staff.ID)
		}
	}
}
