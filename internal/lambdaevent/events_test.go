package lambdaevent_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"tend/internal/customer"
	"tend/internal/lambdaevent"
	"tend/internal/store"
)

// The sample events in events/ are what `sam local invoke -e` feeds the
// functions; these tests keep them decodable and true to the stored layout.

func readEvent(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		t.Fatalf("read sample event: %v", err)
	}
	return b
}

// decodeStrict decodes b into v, refusing fields v has no place for, so a
// misspelt field in a sample fails the test instead of being dropped.
func decodeStrict(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %T: %v", v, err)
	}
}

func TestSampleStreamBatch(t *testing.T) {
	var ev events.DynamoDBEvent
	decodeStrict(t, readEvent(t, "dynamodb-stream-batch.json"), &ev)

	type image struct {
		version, revenue int64
	}
	want := []struct {
		kind     string
		old, new *image
	}{
		{"INSERT", nil, &image{1, 0}},
		{"MODIFY", &image{1, 0}, &image{2, 3500000}},
		{"REMOVE", &image{2, 3500000}, nil},
	}
	if len(ev.Records) != len(want) {
		t.Fatalf("%d records, want %d", len(ev.Records), len(want))
	}
	lastSeq := ""
	for i, r := range ev.Records {
		w := want[i]
		if r.EventSource != "aws:dynamodb" || r.Change.StreamViewType != "NEW_AND_OLD_IMAGES" || r.AWSRegion == "" ||
			!strings.HasPrefix(r.EventSourceArn, "arn:aws:dynamodb:"+r.AWSRegion+":") || r.Change.ApproximateCreationDateTime.IsZero() {
			t.Errorf("record %d: envelope %+v does not look like Lambda's", i, r)
		}
		c, err := lambdaevent.ChangeFromRecord(r)
		if err != nil {
			t.Fatalf("record %d: ChangeFromRecord: %v", i, err)
		}
		if c.Kind != w.kind || c.Type != customer.ItemType || c.Key.PK != "T#ws_demo#C#cus_sample1" || c.Key.SK != "A" {
			t.Errorf("record %d: %s %s %v, want %s customer T#ws_demo#C#cus_sample1|A", i, c.Kind, c.Type, c.Key, w.kind)
		}
		// Sequence numbers grow along a shard; as decimal strings of equal
		// length they compare like numbers.
		if c.SequenceNumber <= lastSeq {
			t.Errorf("record %d: sequence number %s not after %s", i, c.SequenceNumber, lastSeq)
		}
		lastSeq = c.SequenceNumber

		for _, side := range []struct {
			name string
			item *image
			got  bool
		}{{"old", w.old, c.Old != nil}, {"new", w.new, c.New != nil}} {
			if side.got != (side.item != nil) {
				t.Fatalf("record %d: %s image present = %v, want %v", i, side.name, side.got, side.item != nil)
			}
		}
		if w.old != nil {
			checkSampleImage(t, fmt.Sprintf("record %d old image", i), c, *c.Old, w.old.version, w.old.revenue)
		}
		if w.new != nil {
			checkSampleImage(t, fmt.Sprintf("record %d new image", i), c, *c.New, w.new.version, w.new.revenue)
		}
	}
}

// checkSampleImage decodes a customer image as the stream function does and
// checks it against the sample's story and the real key layout.
func checkSampleImage(t *testing.T, what string, c lambdaevent.StreamChange, it store.Item, version, revenue int64) {
	t.Helper()
	im, err := customer.DecodeImage(it)
	if err != nil {
		t.Fatalf("%s: DecodeImage: %v", what, err)
	}
	cu := im.Customer
	if it.Version != version || cu.Version != version || cu.Revenue != revenue {
		t.Errorf("%s: version %d (doc %d), revenue %d; want version %d, revenue %d", what, it.Version, cu.Version, cu.Revenue, version, revenue)
	}
	if im.Tenant != "ws_demo" || cu.ID != "cus_sample1" || cu.Code != "KH000001" || cu.Name != "Nguyễn Văn A" ||
		cu.Phone != "+84912345678" || cu.Fields["customer_type"] != "Thường" || im.Depth() != 0 {
		t.Errorf("%s: customer %+v of %q", what, cu, im.Tenant)
	}
	if cu.CreatedAt.IsZero() || cu.UpdatedAt.Before(cu.CreatedAt) || cu.PinnedAt != nil || cu.LastCareAt != nil {
		t.Errorf("%s: times created %v updated %v pinned %v last care %v", what, cu.CreatedAt, cu.UpdatedAt, cu.PinnedAt, cu.LastCareAt)
	}
	// The list keys are "<created, fixed width UTC>#<id>", in a shard of
	// "all customers" and of no warehouse; an unowned customer has no
	// owner key.
	sk := cu.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000000Z") + "#" + cu.ID
	wantIndex := [4]struct {
		pks []string
		sk  string
	}{
		{customer.AllPKs("ws_demo"), sk},
		{[]string{""}, ""},
		{customer.WarehousePKs("ws_demo", ""), sk},
		{[]string{""}, ""},
	}
	for i, ik := range it.Index {
		if !slices.Contains(wantIndex[i].pks, ik.PK) || ik.SK != wantIndex[i].sk {
			t.Errorf("%s: GSI%d key %q/%q, want one of %q/%q", what, i+1, ik.PK, ik.SK, wantIndex[i].pks, wantIndex[i].sk)
		}
	}
	if it.Key != c.Key {
		t.Errorf("%s: key %v, want %v", what, it.Key, c.Key)
	}
}

func TestSampleSQSJobsMessage(t *testing.T) {
	var ev events.SQSEvent
	decodeStrict(t, readEvent(t, "sqs-jobs-message.json"), &ev)
	if len(ev.Records) != 1 {
		t.Fatalf("%d records, want 1", len(ev.Records))
	}
	m := ev.Records[0]
	if m.MessageId == "" || m.ReceiptHandle == "" || m.EventSource != "aws:sqs" || m.AWSRegion == "" ||
		!strings.HasPrefix(m.EventSourceARN, "arn:aws:sqs:"+m.AWSRegion+":") || m.Attributes["ApproximateReceiveCount"] != "1" {
		t.Errorf("message envelope %+v does not look like Lambda's", m)
	}
	sum := md5.Sum([]byte(m.Body))
	if got := hex.EncodeToString(sum[:]); got != m.Md5OfBody {
		t.Errorf("md5OfBody = %s, but the body's MD5 is %s", m.Md5OfBody, got)
	}
	var job struct {
		Kind   string `json:"kind"`
		Tenant string `json:"tenant"`
		Run    string `json:"run"`
		Shard  int    `json:"shard"`
	}
	decodeStrict(t, []byte(m.Body), &job)
	if job.Kind != "daily_rules" || job.Tenant != "ws_demo" || job.Run != "run_sample" || job.Shard != 3 {
		t.Errorf("job = %+v", job)
	}
	// Sent in its workspace's message group, which Lambda passes on.
	if g := m.Attributes["MessageGroupId"]; g != job.Tenant {
		t.Errorf("MessageGroupId = %q, want the job's workspace %q", g, job.Tenant)
	}
}

func TestSampleScheduleTick(t *testing.T) {
	// EventBridge Scheduler hands the schedule's Input to the function as
	// is: the event is that JSON, with no envelope.
	b := readEvent(t, "schedule-tick.json")
	if string(b) != `{"kind":"tick"}` {
		t.Errorf("schedule-tick.json = %q, want exactly {\"kind\":\"tick\"}", b)
	}
	var tick struct {
		Kind string `json:"kind"`
	}
	decodeStrict(t, b, &tick)
	if tick.Kind != "tick" {
		t.Errorf("kind = %q, want tick", tick.Kind)
	}
}
