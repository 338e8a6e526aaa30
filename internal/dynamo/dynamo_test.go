package dynamo_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/awstest"
	"tend/internal/dynamo"
	"tend/internal/store"
	"tend/internal/store/storetest"
)

// newClient returns a client of the DynamoDB at TEND_DYNAMO_ENDPOINT
// (moto_server in development and CI). Without one the test is skipped,
// except in CI where that would hide the adapter from the run.
func newClient(t *testing.T) *dynamodb.Client {
	t.Helper()
	return dynamodb.NewFromConfig(awstest.Config(t, "TEND_DYNAMO_ENDPOINT"))
}

// newTable creates a table with a unique name, deleted when t ends.
func newTable(t *testing.T, client *dynamodb.Client) string {
	t.Helper()
	return awstest.Table(t, client, "tend-test-")
}

func TestConformance(t *testing.T) {
	client := newClient(t)
	storetest.Run(t, func(t *testing.T, clock store.Clock) store.Store {
		return mustNew(t, client, newTable(t, client), clock)
	})
}

// newStore is a store over a fresh table, with a settable clock.
func newStore(t *testing.T) (*dynamo.Store, *dynamodb.Client, string, *storetest.Clock) {
	t.Helper()
	client := newClient(t)
	table := newTable(t, client)
	clock := &storetest.Clock{}
	clock.Set(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	return mustNew(t, client, table, clock), client, table, clock
}

func mustNew(t *testing.T, client dynamo.Client, table string, clock store.Clock) *dynamo.Store {
	t.Helper()
	s, err := dynamo.New(client, table, clock)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStoredLayout pins the attribute layout the SAM template and the
// stream decoder rely on.
func TestStoredLayout(t *testing.T) {
	s, client, table, clock := newStore(t)
	ctx := t.Context()
	it := store.Item{
		Key:       store.Key{PK: "T#1#C#a", SK: "A"},
		Type:      "customer",
		Index:     [4]store.IndexKey{{}, {PK: "OWNER#u1", SK: "2026"}, {}, {}},
		Version:   3,
		ExpiresAt: clock.Now().Add(90*time.Minute + 500*time.Millisecond),
		Doc:       []byte(`{"name":"An","n":12,"tags":["a"],"ok":true,"none":null}`),
	}
	if err := s.Put(ctx, it, store.None); err != nil {
		t.Fatalf("Put: %v", err)
	}
	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(table),
		Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: it.PK},
			"SK": &types.AttributeValueMemberS{Value: it.SK},
		},
	})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	wantTTL := clock.Now().Add(90 * time.Minute).Unix()
	want := map[string]types.AttributeValue{
		"PK":     &types.AttributeValueMemberS{Value: "T#1#C#a"},
		"SK":     &types.AttributeValueMemberS{Value: "A"},
		"GSI2PK": &types.AttributeValueMemberS{Value: "OWNER#u1"},
		"GSI2SK": &types.AttributeValueMemberS{Value: "2026"},
		"T":      &types.AttributeValueMemberS{Value: "customer"},
		"V":      &types.AttributeValueMemberN{Value: "3"},
		"TTL":    &types.AttributeValueMemberN{Value: itoa(wantTTL)},
		"D": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"name": &types.AttributeValueMemberS{Value: "An"},
			"n":    &types.AttributeValueMemberN{Value: "12"},
			"tags": &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "a"}}},
			"ok":   &types.AttributeValueMemberBOOL{Value: true},
			"none": &types.AttributeValueMemberNULL{Value: true},
		}},
	}
	if !sameAttributes(out.Item, want) {
		t.Fatalf("stored attributes:\n%s\nwant:\n%s", dump(out.Item), dump(want))
	}
}

// TestExpiredCounterStartsAgain: a counter whose item has expired counts as
// absent, so Incr and TxAdd start it again from 0.
func TestExpiredCounterStartsAgain(t *testing.T) {
	s, _, _, clock := newStore(t)
	ctx := t.Context()
	for _, viaTx := range []bool{false, true} {
		k := store.Key{PK: "ctr", SK: "via-incr"}
		if viaTx {
			k.SK = "via-tx"
		}
		old := store.Item{Key: k, Type: "idem", N: 41, ExpiresAt: clock.Now().Add(time.Minute), Doc: []byte(`{"a":1}`)}
		if err := s.Put(ctx, old, store.None); err != nil {
			t.Fatalf("Put: %v", err)
		}
		if n, err := s.Incr(ctx, k, 1); err != nil || n != 42 {
			t.Fatalf("Incr of a live counter = %d, %v; want 42", n, err)
		}
		clock.Add(time.Minute)
		if viaTx {
			if err := s.Transact(ctx, []store.TxOp{store.TxAdd(k, 5)}); err != nil {
				t.Fatalf("Transact: %v", err)
			}
		} else if n, err := s.Incr(ctx, k, 5); err != nil || n != 5 {
			t.Fatalf("Incr of an expired counter = %d, %v; want 5", n, err)
		}
		got, err := s.Get(ctx, k)
		if err != nil || got.N != 5 || !got.ExpiresAt.IsZero() || got.Doc != nil || got.Type != "" {
			t.Fatalf("counter after expiry = %+v, %v; want a fresh item with N=5", got, err)
		}
	}
}

// TestVersionZeroOfCounter: an item made by Incr has no V attribute; it
// reads as version 0, and conditions treat it so.
func TestVersionZeroOfCounter(t *testing.T) {
	s, _, _, _ := newStore(t)
	ctx := t.Context()
	k := store.Key{PK: "ctr", SK: "c"}
	if _, err := s.Incr(ctx, k, 1); err != nil {
		t.Fatalf("Incr: %v", err)
	}
	if err := s.Put(ctx, store.Item{Key: k, Version: 1, N: 1}, store.IfVersion(1)); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("IfVersion(1) on a counter at version 0: err = %v, want ErrConditionFailed", err)
	}
	if err := s.Transact(ctx, []store.TxOp{store.TxCheck(k, store.IfVersion(0))}); err != nil {
		t.Fatalf("TxCheck IfVersion(0) on a counter: %v", err)
	}
	if err := s.Put(ctx, store.Item{Key: k, Version: 1, N: 1}, store.IfVersion(0)); err != nil {
		t.Fatalf("IfVersion(0) on a counter: %v", err)
	}
	missing := store.Key{PK: "ctr", SK: "missing"}
	if err := s.Put(ctx, store.Item{Key: missing, Version: 1}, store.IfVersion(0)); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("IfVersion(0) on a missing item: err = %v, want ErrConditionFailed", err)
	}
}

func TestCursorOfAnotherQueryIsRefused(t *testing.T) {
	s, _, _, _ := newStore(t)
	ctx := t.Context()
	for _, sk := range []string{"1", "2", "3"} {
		it := store.Item{Key: store.Key{PK: "a", SK: sk}, Version: 1, Index: [4]store.IndexKey{{PK: "a", SK: sk}}}
		if err := s.Put(ctx, it, store.None); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	page, err := s.Query(ctx, store.Query{PK: "a", Limit: 1})
	if err != nil || page.Cursor == "" {
		t.Fatalf("Query = %+v, %v; want a cursor", page, err)
	}
	for _, q := range []store.Query{
		{PK: "b", Cursor: page.Cursor},
		{PK: "a", Index: store.GSI1, Cursor: page.Cursor},
		{PK: "a", Cursor: page.Cursor + "x"},
	} {
		if _, err := s.Query(ctx, q); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Query %+v: err = %v, want ErrInvalid", q, err)
		}
	}
	if _, err := s.Scan(ctx, store.Scan{Segments: 1, Cursor: page.Cursor}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Scan with a query cursor: err = %v, want ErrInvalid", err)
	}
	scanned, err := s.Scan(ctx, store.Scan{Segment: 0, Segments: 1, Limit: 1})
	if err != nil || scanned.Cursor == "" {
		t.Fatalf("Scan = %+v, %v; want a cursor", scanned, err)
	}
	if _, err := s.Scan(ctx, store.Scan{Segment: 1, Segments: 2, Cursor: scanned.Cursor}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Scan of another segment: err = %v, want ErrInvalid", err)
	}
	if _, err := s.Scan(ctx, store.Scan{Segment: 0, Segments: 1, Cursor: scanned.Cursor}); err != nil {
		t.Errorf("Scan with its own cursor: %v", err)
	}
}

// TestSortKeyEdges: conditions DynamoDB would refuse as written (empty key
// values, BETWEEN bounds out of order) keep their plain meaning.
func TestSortKeyEdges(t *testing.T) {
	s, _, _, _ := newStore(t)
	ctx := t.Context()
	for _, sk := range []string{"a", "b", "c"} {
		if err := s.Put(ctx, store.Item{Key: store.Key{PK: "p", SK: sk}}, store.None); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	tests := []struct {
		q    store.Query
		want int
	}{
		{store.Query{PK: "p", SK: store.SKBeginsWith, A: ""}, 3},
		{store.Query{PK: "p", SK: store.SKGt, A: ""}, 3},
		{store.Query{PK: "p", SK: store.SKGe, A: ""}, 3},
		{store.Query{PK: "p", SK: store.SKEq, A: ""}, 0},
		{store.Query{PK: "p", SK: store.SKLt, A: ""}, 0},
		{store.Query{PK: "p", SK: store.SKLe, A: ""}, 0},
		{store.Query{PK: "p", SK: store.SKBetween, A: "", B: "b"}, 2},
		{store.Query{PK: "p", SK: store.SKBetween, A: "c", B: "a"}, 0},
		{store.Query{PK: "p", SK: store.SKBetween, A: "b", B: "b"}, 1},
	}
	for _, tc := range tests {
		page, err := s.Query(ctx, tc.q)
		if err != nil || len(page.Items) != tc.want {
			t.Errorf("Query %+v = %d items, %v; want %d", tc.q, len(page.Items), err, tc.want)
		}
	}
	if _, err := s.Query(ctx, store.Query{PK: "p", SK: store.SKOp(99), A: "a"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("unknown sort-key condition: err = %v, want ErrInvalid", err)
	}
}

func TestRefusedWrites(t *testing.T) {
	s, _, _, _ := newStore(t)
	ctx := t.Context()
	noIndexSK := store.Item{Key: store.Key{PK: "p", SK: "x"}, Index: [4]store.IndexKey{{PK: "g"}}}
	if err := s.Put(ctx, noIndexSK, store.None); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("index key without a sort key: err = %v, want ErrInvalid", err)
	}
	notJSON := store.Item{Key: store.Key{PK: "p", SK: "x"}, Doc: []byte(`{"a":`)}
	if err := s.Put(ctx, notJSON, store.None); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("doc that is not JSON: err = %v, want ErrInvalid", err)
	}
	if err := s.Transact(ctx, []store.TxOp{store.TxPut(notJSON, store.None)}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("doc that is not JSON in a transaction: err = %v, want ErrInvalid", err)
	}
	if err := s.Put(ctx, store.Item{Key: store.Key{PK: "p", SK: "x"}}, store.Cond{Kind: 42}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("unknown condition: err = %v, want ErrInvalid", err)
	}
	if _, err := s.GetMany(ctx, []store.Key{{PK: "p"}}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("GetMany with an empty sort key: err = %v, want ErrInvalid", err)
	}
}

func TestGetManyDuplicateKeys(t *testing.T) {
	s, _, _, _ := newStore(t)
	ctx := t.Context()
	k := store.Key{PK: "p", SK: "x"}
	if err := s.Put(ctx, store.Item{Key: k}, store.None); err != nil {
		t.Fatalf("Put: %v", err)
	}
	items, err := s.GetMany(ctx, []store.Key{k, k})
	if err != nil || len(items) != 1 {
		t.Fatalf("GetMany of one key twice = %v, %v; want the item once", items, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func sameAttributes(got, want map[string]types.AttributeValue) bool {
	return reflect.DeepEqual(got, want)
}

// dump renders attributes in DynamoDB's JSON notation, for failure messages.
func dump(attrs map[string]types.AttributeValue) string {
	var render func(av types.AttributeValue) any
	render = func(av types.AttributeValue) any {
		switch av := av.(type) {
		case *types.AttributeValueMemberS:
			return map[string]any{"S": av.Value}
		case *types.AttributeValueMemberN:
			return map[string]any{"N": av.Value}
		case *types.AttributeValueMemberBOOL:
			return map[string]any{"BOOL": av.Value}
		case *types.AttributeValueMemberNULL:
			return map[string]any{"NULL": av.Value}
		case *types.AttributeValueMemberL:
			l := make([]any, len(av.Value))
			for i, e := range av.Value {
				l[i] = render(e)
			}
			return map[string]any{"L": l}
		case *types.AttributeValueMemberM:
			m := map[string]any{}
			for k, e := range av.Value {
				m[k] = render(e)
			}
			return map[string]any{"M": m}
		}
		return fmt.Sprintf("%T", av)
	}
	m := map[string]any{}
	for k, av := range attrs {
		m[k] = render(av)
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return string(b)
}
