package lambdaevent_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/lambdaevent"
)

// decodeRecord decodes a stream record as the Lambda runtime does. It
// reports false when aws-lambda-go itself refuses the input, or panics on
// it (its attribute decoder does on some malformed sets): such input never
// reaches ChangeFromRecord.
func decodeRecord(b []byte) (r events.DynamoDBEventRecord, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return r, json.Unmarshal(b, &r) == nil
}

// FuzzChangeFromRecord: whatever a record holds, ChangeFromRecord returns
// a change or an error, never panics, and a change has the images its kind
// implies.
func FuzzChangeFromRecord(f *testing.F) {
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(readEvent(f, "dynamodb-stream-batch.json"), &ev); err != nil {
		f.Fatalf("decode sample: %v", err)
	}
	for _, r := range ev.Records {
		b, err := json.Marshal(r)
		if err != nil {
			f.Fatalf("encode sample record: %v", err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"eventName":"INSERT","dynamodb":{"Keys":{"PK":{"S":"a"},"SK":{"S":"b"}},"NewImage":{"PK":{"S":"a"},"SK":{"S":"b"},"D":{"M":{"x":{"L":[{"NULL":true},{"B":"AA=="}]}}}}}}`))
	f.Add([]byte(`{"eventName":"REMOVE","dynamodb":{"Keys":{"PK":{"N":"1"}},"OldImage":{"V":{"SS":["1"]}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, ok := decodeRecord(b)
		if !ok {
			return
		}
		c, err := lambdaevent.ChangeFromRecord(r)
		if err != nil {
			return
		}
		wantOld, wantNew := c.Kind != "INSERT", c.Kind != "REMOVE"
		if (c.Old != nil) != wantOld || (c.New != nil) != wantNew {
			t.Fatalf("%s change with old image %v, new image %v", c.Kind, c.Old != nil, c.New != nil)
		}
		if c.Key.PK == "" || c.Key.SK == "" {
			t.Fatalf("change with an empty key %v", c.Key)
		}
	})
}
