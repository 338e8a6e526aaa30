package awspath_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"tend/infra/template"
)

// The test plays Lambda's part: it reads the table's stream and the
// queues on moto as the template's event source mappings say, and fires
// the schedule.

// mapping is one event source mapping of the template: what Lambda reads
// for a function, in batches of how many records, and which records it
// lets through (FilterCriteria).
type mapping struct {
	function string
	// source is the logical id of the queue or the table the mapping
	// reads, attr the attribute it names (Arn, StreamArn).
	source, attr string
	batch        int
	// start is a stream's StartingPosition.
	start   string
	filters []map[string]any
}

// mappings are the template's event source mappings, by function.
func mappings(t *testing.T, doc template.Doc) map[string]mapping {
	out := map[string]mapping{}
	for _, id := range doc.OfType("AWS::Lambda::EventSourceMapping") {
		p := doc.Resources[id].Properties
		m := mapping{function: template.Ref(p["FunctionName"])}
		m.source, m.attr = template.GetAtt(p["EventSourceArn"])
		batch, _ := p["BatchSize"].(float64)
		m.batch = int(batch)
		m.start, _ = p["StartingPosition"].(string)
		for _, f := range template.List(template.Get(p, "FilterCriteria", "Filters")) {
			var pattern map[string]any
			if err := json.Unmarshal([]byte(template.Get(f, "Pattern").(string)), &pattern); err != nil {
				t.Fatalf("%s: filter %v: %v", id, f, err)
			}
			m.filters = append(m.filters, pattern)
		}
		if m.function == "" || m.source == "" || m.batch == 0 {
			t.Fatalf("%s: no function, source or batch size: %+v", id, p)
		}
		out[m.function] = m
	}
	return out
}

// passes reports whether Lambda hands a record (as JSON) to the function:
// with filters, when it matches one of them.
func (s *stack) passes(m mapping, record any) bool {
	if len(m.filters) == 0 {
		return true
	}
	raw, err := json.Marshal(record)
	if err != nil {
		s.t.Fatal(err)
	}
	var event map[string]any
	if err := json.Unmarshal(raw, &event); err != nil {
		s.t.Fatal(err)
	}
	return slices.ContainsFunc(m.filters, func(p map[string]any) bool { return s.matches(event, p) })
}

// matches is Lambda's event filtering for the patterns the template uses:
// nested objects, down to lists of values one of which the event's value
// must equal. Any other kind of pattern fails the test rather than being
// guessed at.
func (s *stack) matches(event any, pattern map[string]any) bool {
	obj, _ := event.(map[string]any)
	for key, want := range pattern {
		got, ok := obj[key]
		switch w := want.(type) {
		case map[string]any:
			if !ok || !s.matches(got, w) {
				return false
			}
		case []any:
			for _, v := range w {
				if _, isObj := v.(map[string]any); isObj {
					s.t.Fatalf("filter pattern %v: content filters are not played here", w)
				}
			}
			if !ok || !slices.Contains(w, got) {
				return false
			}
		default:
			s.t.Fatalf("filter pattern %s: %v is neither an object nor a list of values", key, want)
		}
	}
	return true
}

// settle plays Lambda until nothing is left to deliver: the stream's new
// records to the stream function, then each queue to its function, round
// after round until a round delivers nothing.
func (s *stack) settle() {
	s.t.Helper()
	var queues []string
	for fn, m := range s.mappings {
		if m.attr == "Arn" {
			queues = append(queues, fn)
		}
	}
	slices.Sort(queues)
	for range 20 {
		n := s.pumpStream()
		for _, fn := range queues {
			n += s.drain(fn)
		}
		if n == 0 {
			return
		}
	}
	s.t.Fatal("the functions still had work after 20 rounds")
}

// pumpStream reads what the table's stream has had since the last call,
// keeps the records the stream function's mapping lets through and hands
// them to it in batches; it returns how many it handed. A record the
// function reports failed fails the test (Lambda would retry it).
func (s *stack) pumpStream() int {
	records := s.streamRecords()
	s.deliverStream(records)
	return len(records)
}

// streamRecords reads what the table's stream has had since the last
// call: the records the stream function's mapping lets through.
func (s *stack) streamRecords() []events.DynamoDBEventRecord {
	t := s.t
	t.Helper()
	m, ok := s.mappings["StreamFunction"]
	if !ok || m.attr != "StreamArn" {
		t.Fatalf("the template maps no stream to StreamFunction: %+v", m)
	}
	arn := s.dep.GetAtt(m.source, m.attr)
	if s.shardIterator == nil {
		d, err := s.streams.DescribeStream(t.Context(), &dynamodbstreams.DescribeStreamInput{StreamArn: &arn})
		if err != nil || len(d.StreamDescription.Shards) != 1 {
			t.Fatalf("DescribeStream %s: %+v, %v; want one shard", arn, d, err)
		}
		it, err := s.streams.GetShardIterator(t.Context(), &dynamodbstreams.GetShardIteratorInput{StreamArn: &arn,
			ShardId: d.StreamDescription.Shards[0].ShardId, ShardIteratorType: streamtypes.ShardIteratorType(m.start)})
		if err != nil {
			t.Fatalf("GetShardIterator: %v", err)
		}
		s.shardIterator = it.ShardIterator
	}
	var records []events.DynamoDBEventRecord
	for {
		out, err := s.streams.GetRecords(t.Context(), &dynamodbstreams.GetRecordsInput{ShardIterator: s.shardIterator})
		if err != nil {
			t.Fatalf("GetRecords: %v", err)
		}
		s.shardIterator = out.NextShardIterator
		if len(out.Records) == 0 {
			break
		}
		for _, r := range out.Records {
			if rec := s.lambdaRecord(r, arn); s.passes(m, rec) {
				records = append(records, rec)
			}
		}
	}
	return records
}

// deliverStream hands stream records to the stream function in batches,
// as its mapping does. A record the function reports failed fails the
// test (Lambda would retry it).
func (s *stack) deliverStream(records []events.DynamoDBEventRecord) {
	t := s.t
	t.Helper()
	m := s.mappings["StreamFunction"]
	for batch := range slices.Chunk(records, m.batch) {
		var answer events.DynamoDBEventResponse
		s.invoke(m.function, events.DynamoDBEvent{Records: batch}, &answer)
		if len(answer.BatchItemFailures) > 0 {
			t.Fatalf("%s reported records failed: %+v", m.function, answer.BatchItemFailures)
		}
	}
}

// lambdaRecord is a record of the stream as Lambda delivers it.
func (s *stack) lambdaRecord(r streamtypes.Record, arn string) events.DynamoDBEventRecord {
	d := r.Dynamodb
	return events.DynamoDBEventRecord{AWSRegion: aws.ToString(r.AwsRegion), EventID: aws.ToString(r.EventID),
		EventName: string(r.EventName), EventSource: aws.ToString(r.EventSource), EventVersion: aws.ToString(r.EventVersion),
		EventSourceArn: arn,
		Change: events.DynamoDBStreamRecord{ApproximateCreationDateTime: events.SecondsEpochTime{Time: aws.ToTime(d.ApproximateCreationDateTime)},
			Keys: s.image(d.Keys), NewImage: s.image(d.NewImage), OldImage: s.image(d.OldImage),
			SequenceNumber: aws.ToString(d.SequenceNumber), SizeBytes: aws.ToInt64(d.SizeBytes), StreamViewType: string(d.StreamViewType)}}
}

func (s *stack) image(attrs map[string]streamtypes.AttributeValue) map[string]events.DynamoDBAttributeValue {
	if attrs == nil {
		return nil
	}
	out := make(map[string]events.DynamoDBAttributeValue, len(attrs))
	for name, av := range attrs {
		out[name] = s.attribute(av)
	}
	return out
}

func (s *stack) attribute(av streamtypes.AttributeValue) events.DynamoDBAttributeValue {
	switch v := av.(type) {
	case *streamtypes.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value)
	case *streamtypes.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value)
	case *streamtypes.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value)
	case *streamtypes.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value)
	case *streamtypes.AttributeValueMemberNULL:
		return events.NewNullAttribute()
	case *streamtypes.AttributeValueMemberM:
		return events.NewMapAttribute(s.image(v.Value))
	case *streamtypes.AttributeValueMemberL:
		list := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, e := range v.Value {
			list[i] = s.attribute(e)
		}
		return events.NewListAttribute(list)
	case *streamtypes.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value)
	case *streamtypes.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(v.Value)
	case *streamtypes.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(v.Value)
	}
	s.t.Fatalf("stream attribute of type %T", av)
	return events.DynamoDBAttributeValue{}
}

// drain hands what a function's queue holds to the function, as its
// mapping would, in batches, and deletes the messages the function does
// not report failed, as Lambda does; it returns how many it handed. A
// message reported failed fails the test (Lambda would retry it, then
// dead-letter it).
func (s *stack) drain(function string) int {
	t := s.t
	t.Helper()
	m := s.mappings[function]
	url, arn := s.dep.Ref(m.source), s.dep.GetAtt(m.source, m.attr)
	handed := 0
	for {
		out, err := s.sqs.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: int32(min(m.batch, 10)),
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
			MessageAttributeNames:       []string{"All"}})
		if err != nil {
			t.Fatalf("ReceiveMessage %s: %v", m.source, err)
		}
		if len(out.Messages) == 0 {
			return handed
		}
		var ev events.SQSEvent
		for _, msg := range out.Messages {
			ev.Records = append(ev.Records, s.lambdaMessage(msg, arn))
			s.handed = append(s.handed, handedMessage{function: function, body: aws.ToString(msg.Body),
				group: msg.Attributes[string(sqstypes.MessageSystemAttributeNameMessageGroupId)]})
		}
		var answer events.SQSEventResponse
		s.invoke(function, ev, &answer)
		failed := map[string]bool{}
		for _, f := range answer.BatchItemFailures {
			failed[f.ItemIdentifier] = true
		}
		for _, msg := range out.Messages {
			if failed[aws.ToString(msg.MessageId)] {
				t.Errorf("%s reported failed: %s", function, aws.ToString(msg.Body))
				continue
			}
			if _, err := s.sqs.DeleteMessage(t.Context(), &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: msg.ReceiptHandle}); err != nil {
				t.Fatalf("DeleteMessage %s: %v", m.source, err)
			}
		}
		if len(failed) > 0 {
			t.FailNow()
		}
		handed += len(out.Messages)
	}
}

// lambdaMessage is a message of a queue as Lambda delivers it.
func (s *stack) lambdaMessage(msg sqstypes.Message, arn string) events.SQSMessage {
	attrs := map[string]events.SQSMessageAttribute{}
	for name, a := range msg.MessageAttributes {
		attrs[name] = events.SQSMessageAttribute{DataType: aws.ToString(a.DataType), StringValue: a.StringValue, BinaryValue: a.BinaryValue,
			StringListValues: a.StringListValues, BinaryListValues: a.BinaryListValues}
	}
	return events.SQSMessage{MessageId: aws.ToString(msg.MessageId), ReceiptHandle: aws.ToString(msg.ReceiptHandle), Body: aws.ToString(msg.Body),
		Md5OfBody: aws.ToString(msg.MD5OfBody), Md5OfMessageAttributes: aws.ToString(msg.MD5OfMessageAttributes), Attributes: msg.Attributes,
		MessageAttributes: attrs, EventSourceARN: arn, EventSource: "aws:sqs", AWSRegion: s.region}
}

// tick fires the scheduler function as the template's schedule does,
// with the schedule's input, and returns the function's answer.
func (s *stack) tick() map[string]int {
	s.t.Helper()
	for _, id := range s.doc.OfType("AWS::Scheduler::Schedule") {
		target := template.Get(s.doc.Resources[id].Properties, "Target")
		if fn, _ := template.GetAtt(template.Get(target, "Arn")); fn != "SchedulerFunction" {
			continue
		}
		input, _ := template.Get(target, "Input").(string)
		var answer map[string]int
		s.invoke("SchedulerFunction", json.RawMessage(input), &answer)
		return answer
	}
	s.t.Fatal("the template has no schedule firing SchedulerFunction")
	return nil
}
