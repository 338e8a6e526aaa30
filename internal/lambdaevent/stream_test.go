package lambdaevent_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/dynamo"
	"tend/internal/lambdaevent"
	"tend/internal/store"
)

// toEvent converts an SDK attribute value to the aws-lambda-go type, the
// inverse of lambdaevent.AttributeFromEvent.
func toEvent(t *testing.T, av types.AttributeValue) events.DynamoDBAttributeValue {
	t.Helper()
	switch av := av.(type) {
	case *types.AttributeValueMemberS:
		return events.NewStringAttribute(av.Value)
	case *types.AttributeValueMemberN:
		return events.NewNumberAttribute(av.Value)
	case *types.AttributeValueMemberB:
		return events.NewBinaryAttribute(av.Value)
	case *types.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(av.Value)
	case *types.AttributeValueMemberNULL:
		return events.NewNullAttribute()
	case *types.AttributeValueMemberM:
		m := make(map[string]events.DynamoDBAttributeValue, len(av.Value))
		for k, e := range av.Value {
			m[k] = toEvent(t, e)
		}
		return events.NewMapAttribute(m)
	case *types.AttributeValueMemberL:
		l := make([]events.DynamoDBAttributeValue, len(av.Value))
		for i, e := range av.Value {
			l[i] = toEvent(t, e)
		}
		return events.NewListAttribute(l)
	case *types.AttributeValueMemberSS:
		return events.NewStringSetAttribute(av.Value)
	case *types.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(av.Value)
	case *types.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(av.Value)
	}
	t.Fatalf("toEvent: unexpected attribute value %T", av)
	return events.DynamoDBAttributeValue{}
}

func toImage(t *testing.T, attrs map[string]types.AttributeValue) map[string]events.DynamoDBAttributeValue {
	t.Helper()
	img := make(map[string]events.DynamoDBAttributeValue, len(attrs))
	for k, v := range attrs {
		img[k] = toEvent(t, v)
	}
	return img
}

func TestAttributeFromEvent(t *testing.T) {
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	n := func(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
	tests := []struct {
		name string
		in   events.DynamoDBAttributeValue
		want types.AttributeValue
	}{
		{"S", events.NewStringAttribute("Nguyễn"), s("Nguyễn")},
		{"empty S", events.NewStringAttribute(""), s("")},
		{"N", events.NewNumberAttribute("-12.50"), n("-12.50")},
		{"big N", events.NewNumberAttribute("9007199254740993"), n("9007199254740993")},
		{"B", events.NewBinaryAttribute([]byte{0, 1, 0xff}), &types.AttributeValueMemberB{Value: []byte{0, 1, 0xff}}},
		{"BOOL", events.NewBooleanAttribute(true), &types.AttributeValueMemberBOOL{Value: true}},
		{"NULL", events.NewNullAttribute(), &types.AttributeValueMemberNULL{Value: true}},
		{"SS", events.NewStringSetAttribute([]string{"a", "b"}), &types.AttributeValueMemberSS{Value: []string{"a", "b"}}},
		{"NS", events.NewNumberSetAttribute([]string{"1", "2.5"}), &types.AttributeValueMemberNS{Value: []string{"1", "2.5"}}},
		{"BS", events.NewBinarySetAttribute([][]byte{{1}, {2, 3}}), &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2, 3}}}},
		{"empty L", events.NewListAttribute(nil), &types.AttributeValueMemberL{Value: []types.AttributeValue{}}},
		{"empty M", events.NewMapAttribute(nil), &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}},
		{
			"nested",
			events.NewMapAttribute(map[string]events.DynamoDBAttributeValue{
				"tags": events.NewListAttribute([]events.DynamoDBAttributeValue{
					events.NewStringAttribute("vip"),
					events.NewMapAttribute(map[string]events.DynamoDBAttributeValue{"n": events.NewNumberAttribute("1")}),
					events.NewNullAttribute(),
				}),
				"ok": events.NewBooleanAttribute(false),
			}),
			&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				"tags": &types.AttributeValueMemberL{Value: []types.AttributeValue{
					s("vip"),
					&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"n": n("1")}},
					&types.AttributeValueMemberNULL{Value: true},
				}},
				"ok": &types.AttributeValueMemberBOOL{Value: false},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lambdaevent.AttributeFromEvent(tt.in)
			if err != nil {
				t.Fatalf("AttributeFromEvent: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// TestAttributeFromEventWire decodes attribute values as Lambda delivers
// them, in JSON.
func TestAttributeFromEventWire(t *testing.T) {
	tests := []struct {
		json string
		want types.AttributeValue
	}{
		{`{"S":"a"}`, &types.AttributeValueMemberS{Value: "a"}},
		{`{"N":"3500000"}`, &types.AttributeValueMemberN{Value: "3500000"}},
		{`{"B":"aGk="}`, &types.AttributeValueMemberB{Value: []byte("hi")}},
		{`{"B":""}`, &types.AttributeValueMemberB{Value: []byte{}}},
		{`{"BOOL":false}`, &types.AttributeValueMemberBOOL{Value: false}},
		{`{"NULL":true}`, &types.AttributeValueMemberNULL{Value: true}},
		{`{"SS":["x","y"]}`, &types.AttributeValueMemberSS{Value: []string{"x", "y"}}},
		{`{"NS":["1","-2"]}`, &types.AttributeValueMemberNS{Value: []string{"1", "-2"}}},
		{`{"BS":["AQ==","Ag=="]}`, &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2}}}},
		{`{"L":[]}`, &types.AttributeValueMemberL{Value: []types.AttributeValue{}}},
		{`{"M":{}}`, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}},
		{`{"L":[{"S":"a"},{"M":{"b":{"N":"2"}}}]}`, &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberS{Value: "a"},
			&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"b": &types.AttributeValueMemberN{Value: "2"}}},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var av events.DynamoDBAttributeValue
			if err := json.Unmarshal([]byte(tt.json), &av); err != nil {
				t.Fatalf("decode %s: %v", tt.json, err)
			}
			got, err := lambdaevent.AttributeFromEvent(av)
			if err != nil {
				t.Fatalf("AttributeFromEvent: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestAttributeFromEventRefusesEmptyValue(t *testing.T) {
	// The zero value has no type behind it; its accessors would panic.
	var zero events.DynamoDBAttributeValue
	nested := events.NewMapAttribute(map[string]events.DynamoDBAttributeValue{
		"a": events.NewListAttribute([]events.DynamoDBAttributeValue{zero}),
	})
	for name, av := range map[string]events.DynamoDBAttributeValue{"zero": zero, "nested": nested} {
		t.Run(name, func(t *testing.T) {
			if got, err := lambdaevent.AttributeFromEvent(av); err == nil {
				t.Fatalf("AttributeFromEvent = %#v, want an error", got)
			}
		})
	}
}

// customerItem is a stored item shaped like a customer, with a nested doc.
func customerItem(version int64, revenue int64) store.Item {
	return store.Item{
		Key:  store.Key{PK: "T#ws_1#C#cus_1", SK: "A"},
		Type: "customer",
		Index: [4]store.IndexKey{
			{PK: "T#ws_1#CS#07", SK: "2026-03-01T09:00:00.000000000Z#cus_1"},
			{PK: "T#ws_1#OWN#usr_1", SK: "2026-03-01T09:00:00.000000000Z#cus_1"},
			{},
			{PK: "T#ws_1#PIN", SK: "2026-03-01T09:00:00.000000000Z#cus_1"},
		},
		Version:   version,
		ExpiresAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
		N:         42,
		Doc: fmt.Appendf(nil, `{"id":"cus_1","name":"Trần Thị B","revenue":%d,"ratio":1.5,"big":9007199254740993,
			"exp":1e3,"neg":-7,"ok":true,"off":false,"none":null,"empty":"","tags":["a","b"],"list":[],
			"fields":{"customer_type":"VIP","score":[1,{"deep":{"deeper":[null,"x"]}}],"blank":{}},
			"html":"<b>&</b>"}`, revenue),
	}
}

// sameDoc compares two JSON documents by meaning (key order aside), keeping
// numbers as written.
func sameDoc(t *testing.T, got, want []byte) bool {
	t.Helper()
	parse := func(b []byte) any {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("doc %s: %v", b, err)
		}
		return v
	}
	return reflect.DeepEqual(parse(got), parse(want))
}

func TestItemFromImageRoundTrip(t *testing.T) {
	want := customerItem(3, 3500000)
	attrs, err := dynamo.AttributesFromItem(want)
	if err != nil {
		t.Fatalf("AttributesFromItem: %v", err)
	}
	got, err := lambdaevent.ItemFromImage(toImage(t, attrs))
	if err != nil {
		t.Fatalf("ItemFromImage: %v", err)
	}
	if !sameDoc(t, got.Doc, want.Doc) {
		t.Errorf("doc:\n got %s\nwant %s", got.Doc, want.Doc)
	}
	got.Doc, want.Doc = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("item:\n got %+v\nwant %+v", got, want)
	}
}

func TestItemFromImageErrors(t *testing.T) {
	good, err := dynamo.AttributesFromItem(customerItem(1, 0))
	if err != nil {
		t.Fatalf("AttributesFromItem: %v", err)
	}
	tests := []struct {
		name   string
		change func(img map[string]events.DynamoDBAttributeValue)
		want   string
	}{
		{"no PK", func(img map[string]events.DynamoDBAttributeValue) { delete(img, "PK") }, "PK"},
		{"V not a number", func(img map[string]events.DynamoDBAttributeValue) { img["V"] = events.NewStringAttribute("1") }, "V"},
		{"D a binary set", func(img map[string]events.DynamoDBAttributeValue) {
			img["D"] = events.NewBinarySetAttribute([][]byte{{1}})
		}, "D"},
		{"zero value", func(img map[string]events.DynamoDBAttributeValue) { img["T"] = events.DynamoDBAttributeValue{} }, "T"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := toImage(t, good)
			tt.change(img)
			_, err := lambdaevent.ItemFromImage(img)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ItemFromImage error = %v, want one naming %s", err, tt.want)
			}
		})
	}
}

// record builds a stream record with the given images (nil: absent).
func record(t *testing.T, name string, oldItem, newItem *store.Item) events.DynamoDBEventRecord {
	t.Helper()
	r := events.DynamoDBEventRecord{
		EventID: "ev1", EventName: name, EventSource: "aws:dynamodb",
		Change: events.DynamoDBStreamRecord{
			Keys: map[string]events.DynamoDBAttributeValue{
				"PK": events.NewStringAttribute("T#ws_1#C#cus_1"), "SK": events.NewStringAttribute("A"),
			},
			SequenceNumber: "100", StreamViewType: "NEW_AND_OLD_IMAGES",
		},
	}
	image := func(it *store.Item) map[string]events.DynamoDBAttributeValue {
		if it == nil {
			return nil
		}
		attrs, err := dynamo.AttributesFromItem(*it)
		if err != nil {
			t.Fatalf("AttributesFromItem: %v", err)
		}
		return toImage(t, attrs)
	}
	r.Change.OldImage, r.Change.NewImage = image(oldItem), image(newItem)
	return r
}

func TestChangeFromRecord(t *testing.T) {
	v1, v2 := customerItem(1, 0), customerItem(2, 3500000)
	retyped := v1
	retyped.Type = "draft"
	tests := []struct {
		name     string
		rec      events.DynamoDBEventRecord
		old, new *store.Item
		typ      string
	}{
		{"insert", record(t, "INSERT", nil, &v1), nil, &v1, "customer"},
		// An INSERT carries no meaningful old image; one there is ignored.
		{"insert with an old image", record(t, "INSERT", &v2, &v1), nil, &v1, "customer"},
		{"modify", record(t, "MODIFY", &v1, &v2), &v1, &v2, "customer"},
		{"type from the new image", record(t, "MODIFY", &retyped, &v2), &retyped, &v2, "customer"},
		{"remove", record(t, "REMOVE", &retyped, nil), &retyped, nil, "draft"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lambdaevent.ChangeFromRecord(tt.rec)
			if err != nil {
				t.Fatalf("ChangeFromRecord: %v", err)
			}
			if got.EventID != "ev1" || got.Kind != tt.rec.EventName || got.SequenceNumber != "100" || got.Type != tt.typ {
				t.Errorf("change = %q %q %q %q, want ev1 %q 100 %q", got.EventID, got.Kind, got.SequenceNumber, got.Type, tt.rec.EventName, tt.typ)
			}
			if want := (store.Key{PK: "T#ws_1#C#cus_1", SK: "A"}); got.Key != want {
				t.Errorf("Key = %v, want %v", got.Key, want)
			}
			checkImage(t, "Old", got.Old, tt.old)
			checkImage(t, "New", got.New, tt.new)
		})
	}
}

func checkImage(t *testing.T, which string, got, want *store.Item) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("%s = %+v, want nil", which, got)
	case want != nil && got == nil:
		t.Errorf("%s = nil, want version %d", which, want.Version)
	case want != nil:
		if !sameDoc(t, got.Doc, want.Doc) || got.Version != want.Version || got.Type != want.Type || got.Index != want.Index {
			t.Errorf("%s = %+v\nwant %+v", which, got, want)
		}
	}
}

func TestChangeFromRecordErrors(t *testing.T) {
	v1, v2 := customerItem(1, 0), customerItem(2, 1)
	other := v1
	other.SK = "B"
	tests := []struct {
		name string
		rec  func() events.DynamoDBEventRecord
		want string
	}{
		{"unknown event name", func() events.DynamoDBEventRecord { return record(t, "UPSERT", nil, &v1) }, "UPSERT"},
		{"insert without a new image", func() events.DynamoDBEventRecord { return record(t, "INSERT", &v1, nil) }, "new image"},
		{"modify without an old image", func() events.DynamoDBEventRecord { return record(t, "MODIFY", nil, &v2) }, "old image"},
		{"modify without a new image", func() events.DynamoDBEventRecord { return record(t, "MODIFY", &v1, nil) }, "new image"},
		{"remove without an old image", func() events.DynamoDBEventRecord { return record(t, "REMOVE", nil, nil) }, "old image"},
		{"no keys", func() events.DynamoDBEventRecord {
			r := record(t, "INSERT", nil, &v1)
			r.Change.Keys = nil
			return r
		}, "keys"},
		{"numeric key", func() events.DynamoDBEventRecord {
			r := record(t, "INSERT", nil, &v1)
			r.Change.Keys["SK"] = events.NewNumberAttribute("1")
			return r
		}, "SK"},
		{"empty key", func() events.DynamoDBEventRecord {
			r := record(t, "INSERT", nil, &v1)
			r.Change.Keys["PK"] = events.NewStringAttribute("")
			return r
		}, "empty key"},
		{"image of another item", func() events.DynamoDBEventRecord { return record(t, "MODIFY", &v1, &other) }, "does not match"},
		{"bad image", func() events.DynamoDBEventRecord {
			r := record(t, "INSERT", nil, &v1)
			r.Change.NewImage["V"] = events.NewNumberAttribute("1.5")
			return r
		}, "V"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lambdaevent.ChangeFromRecord(tt.rec())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ChangeFromRecord = %+v, %v; want an error containing %q", got, err, tt.want)
			}
			if !strings.Contains(err.Error(), "ev1") {
				t.Errorf("error %q does not name the record", err)
			}
		})
	}
}
