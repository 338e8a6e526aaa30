package dynamo_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/dynamo"
	"tend/internal/store"
)

type (
	S    = types.AttributeValueMemberS
	N    = types.AttributeValueMemberN
	BOOL = types.AttributeValueMemberBOOL
	NULL = types.AttributeValueMemberNULL
	M    = types.AttributeValueMemberM
	L    = types.AttributeValueMemberL
)

type attrs = map[string]types.AttributeValue

func TestDocToAttribute(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want types.AttributeValue
	}{
		{"object", `{"name":"An","age":30}`, &M{Value: attrs{"name": &S{Value: "An"}, "age": &N{Value: "30"}}}},
		{"empty object", `{}`, &M{Value: attrs{}}},
		{"array", `[1,"a",true,null]`, &L{Value: []types.AttributeValue{&N{Value: "1"}, &S{Value: "a"}, &BOOL{Value: true}, &NULL{Value: true}}}},
		{"empty array", `[]`, &L{Value: []types.AttributeValue{}}},
		{"big integer keeps every digit", `9007199254740993`, &N{Value: "9007199254740993"}},
		{"number text kept as written", `[1.50,-0,1E+2,2.5e-3]`, &L{Value: []types.AttributeValue{&N{Value: "1.50"}, &N{Value: "-0"}, &N{Value: "1E+2"}, &N{Value: "2.5e-3"}}}},
		{"string", `"Nguyễn Văn A"`, &S{Value: "Nguyễn Văn A"}},
		{"empty string", `""`, &S{Value: ""}},
		{"escapes", `"a\"b\\c\u00e9\n<&>"`, &S{Value: "a\"b\\cé\n<&>"}},
		{"false", `false`, &BOOL{Value: false}},
		{"null", `null`, &NULL{Value: true}},
		{"whitespace around", " \n {\"a\" : [ ] } \t", &M{Value: attrs{"a": &L{Value: []types.AttributeValue{}}}}},
		{"nested", `{"a":{"b":[{"c":null}]}}`, &M{Value: attrs{"a": &M{Value: attrs{"b": &L{Value: []types.AttributeValue{&M{Value: attrs{"c": &NULL{Value: true}}}}}}}}}},
		{"duplicate keys: the last wins, as in encoding/json", `{"a":1,"a":2}`, &M{Value: attrs{"a": &N{Value: "2"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dynamo.DocToAttribute([]byte(tc.doc))
			if err != nil {
				t.Fatalf("DocToAttribute(%s): %v", tc.doc, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("DocToAttribute(%s) = %#v, want %#v", tc.doc, got, tc.want)
			}
		})
	}
}

func TestDocToAttributeRefusesNonJSON(t *testing.T) {
	for _, doc := range []string{``, ` `, `{`, `{"a":}`, `{} {}`, `1 2`, `[1,]`, `NaN`, `'a'`, `{"a":1}x`, "\"\x00\""} {
		if _, err := dynamo.DocToAttribute([]byte(doc)); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("DocToAttribute(%q): err = %v, want ErrInvalid", doc, err)
		}
	}
}

func TestAttributeToDoc(t *testing.T) {
	tests := []struct {
		name string
		av   types.AttributeValue
		want string
	}{
		{"object with sorted keys", &M{Value: attrs{"b": &N{Value: "1"}, "a": &S{Value: "x"}}}, `{"a":"x","b":1}`},
		{"number text as stored", &L{Value: []types.AttributeValue{&N{Value: "9007199254740993"}, &N{Value: "1.5"}, &N{Value: "1E+2"}}}, `[9007199254740993,1.5,1E+2]`},
		{"no HTML escaping", &S{Value: "<a&b>"}, `"<a&b>"`},
		{"null", &NULL{Value: true}, `null`},
		{"bool", &BOOL{Value: true}, `true`},
		{"empty list", &L{}, `[]`},
		{"empty map", &M{}, `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dynamo.AttributeToDoc(tc.av)
			if err != nil || string(got) != tc.want {
				t.Fatalf("AttributeToDoc = %s, %v; want %s", got, err, tc.want)
			}
		})
	}
}

func TestAttributeToDocRefusesNonJSONValues(t *testing.T) {
	for _, av := range []types.AttributeValue{
		&types.AttributeValueMemberB{Value: []byte("x")},
		&types.AttributeValueMemberSS{Value: []string{"a"}},
		&types.AttributeValueMemberNS{Value: []string{"1"}},
		&M{Value: attrs{"a": &L{Value: []types.AttributeValue{&types.AttributeValueMemberBS{}}}}},
		&N{Value: "NaN"},
		&N{Value: "1 "},
		&N{Value: ""},
		&M{Value: attrs{"a": nil}},
		nil,
	} {
		if got, err := dynamo.AttributeToDoc(av); err == nil {
			t.Errorf("AttributeToDoc(%#v) = %s, want an error", av, got)
		}
	}
}

func TestItemAttributesRoundTrip(t *testing.T) {
	it := store.Item{
		Key:       store.Key{PK: "T#1#C#a", SK: "A"},
		Type:      "customer",
		Index:     [4]store.IndexKey{{PK: "g1", SK: "s1"}, {}, {}, {PK: "g4", SK: "s4"}},
		Version:   7,
		ExpiresAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		N:         -3,
		Doc:       []byte(`{"big":9007199254740993,"name":"An"}`),
	}
	av, err := dynamo.AttributesFromItem(it)
	if err != nil {
		t.Fatalf("AttributesFromItem: %v", err)
	}
	for _, absent := range []string{"GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK"} {
		if _, ok := av[absent]; ok {
			t.Errorf("sparse index attribute %s written", absent)
		}
	}
	got, err := dynamo.ItemFromAttributes(av)
	if err != nil {
		t.Fatalf("ItemFromAttributes: %v", err)
	}
	if !reflect.DeepEqual(got, it) {
		t.Fatalf("round trip = %+v, want %+v", got, it)
	}

	// The zero parts are left out, and come back as zero values.
	bare := store.Item{Key: store.Key{PK: "p", SK: "s"}}
	av, err = dynamo.AttributesFromItem(bare)
	if err != nil {
		t.Fatalf("AttributesFromItem: %v", err)
	}
	if want := (attrs{"PK": &S{Value: "p"}, "SK": &S{Value: "s"}, "V": &N{Value: "0"}}); !reflect.DeepEqual(av, want) {
		t.Fatalf("bare item attributes = %#v, want %#v", av, want)
	}
	if got, err := dynamo.ItemFromAttributes(av); err != nil || !reflect.DeepEqual(got, bare) {
		t.Fatalf("bare round trip = %+v, %v", got, err)
	}
}

// ExpiresAt is stored in whole seconds.
func TestExpiryTruncatedToSeconds(t *testing.T) {
	it := store.Item{Key: store.Key{PK: "p", SK: "s"}, ExpiresAt: time.Unix(1772359200, 999_999_999)}
	av, err := dynamo.AttributesFromItem(it)
	if err != nil {
		t.Fatalf("AttributesFromItem: %v", err)
	}
	if ttl := av["TTL"].(*N).Value; ttl != "1772359200" {
		t.Fatalf("TTL = %s, want 1772359200", ttl)
	}
}

func TestItemFromAttributesRefusesMalformed(t *testing.T) {
	key := func(extra attrs) attrs {
		m := attrs{"PK": &S{Value: "p"}, "SK": &S{Value: "s"}}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for name, av := range map[string]attrs{
		"no PK":           {"SK": &S{Value: "s"}},
		"no SK":           {"PK": &S{Value: "p"}},
		"numeric PK":      {"PK": &N{Value: "1"}, "SK": &S{Value: "s"}},
		"numeric type":    key(attrs{"T": &N{Value: "1"}}),
		"string version":  key(attrs{"V": &S{Value: "1"}}),
		"decimal count":   key(attrs{"N": &N{Value: "1.5"}}),
		"huge TTL":        key(attrs{"TTL": &N{Value: "1e30"}}),
		"binary doc":      key(attrs{"D": &types.AttributeValueMemberB{Value: []byte("{}")}}),
		"numeric GSI key": key(attrs{"GSI1PK": &N{Value: "1"}}),
	} {
		if it, err := dynamo.ItemFromAttributes(av); err == nil {
			t.Errorf("%s: ItemFromAttributes = %+v, want an error", name, it)
		}
	}
}

// FuzzDocRoundTrip: JSON → attribute → JSON keeps the meaning of any valid
// JSON document, numbers to the last digit; anything else is refused.
func FuzzDocRoundTrip(f *testing.F) {
	for _, seed := range []string{
		`{}`, `[]`, `null`, `true`, `0`, `-0`, `""`,
		`{"name":"Nguyễn Văn A","revenue":3500000,"ratio":0.25,"big":9007199254740993}`,
		`{"tags":["vip","hà nội"],"nested":{"ok":true,"none":null,"empty":""},"list":[]}`,
		`[1.50,1E+2,-2.5e-3,123456789012345678901234567890]`,
		`{"a":1,"a":2}`,
		`"\u0000\ud83d\ude00<&>\\"`,
		`{"":{"":[[[]]]}}`,
		"\"\xff\"",
		`{"a":`, `1 2`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		av, err := dynamo.DocToAttribute(doc)
		if !json.Valid(doc) {
			if !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("DocToAttribute(%q) of invalid JSON: err = %v, want ErrInvalid", doc, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("DocToAttribute(%q): %v", doc, err)
		}
		back, err := dynamo.AttributeToDoc(av)
		if err != nil {
			t.Fatalf("AttributeToDoc(DocToAttribute(%q)): %v", doc, err)
		}
		if want, got := decodeExact(t, doc), decodeExact(t, back); !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip of %q gave %q", doc, back)
		}
	})
}

// decodeExact decodes JSON keeping numbers as their text, so that a
// comparison catches any digit lost.
func decodeExact(t *testing.T, doc []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", doc, err)
	}
	return v
}
