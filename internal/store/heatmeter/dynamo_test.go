package heatmeter_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"tend/internal/awstest"
	"tend/internal/dynamo"
	"tend/internal/store"
	"tend/internal/store/heatmeter"
	"tend/internal/tendtest"
)

// The meter charges the same units over the dynamo adapter (on moto) as
// over SQLite for one scripted sequence of every kind of operation: it
// sees only the port, and both adapters give back the same items.
func TestSameUnitsOverDynamo(t *testing.T) {
	clock := tendtest.NewClock(tendtest.DefaultTime)
	client := dynamodb.NewFromConfig(awstest.Config(t, "TEND_DYNAMO_ENDPOINT"))
	table := awstest.Table(t, client, "tend-heat-")
	ddb, err := dynamo.New(client, table, clock)
	if err != nil {
		t.Fatal(err)
	}
	overDynamo := script(t, heatmeter.New(ddb))
	overSQLite := script(t, heatmeter.New(tendtest.Store(t, clock)))
	if !reflect.DeepEqual(overDynamo, overSQLite) {
		t.Errorf("over dynamo:\n%v\nover sqlite:\n%v", overDynamo, overSQLite)
	}
	if len(overSQLite) < 6 {
		t.Errorf("the script charged only %v", overSQLite)
	}
}

// script runs the same operations on m and returns its charges. The
// documents are compact JSON with sorted keys, which the dynamo adapter
// gives back byte for byte.
func script(t *testing.T, m *heatmeter.Store) map[heatmeter.Part]heatmeter.Units {
	t.Helper()
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a, b := sized(pkA, 3000, ownPK), sized(pkB, 1500, ownPK)
	must(m.Put(ctx, a, store.NotExist))
	must(m.Put(ctx, b, store.NotExist))
	moved := sized(pkA, 500, own2)
	moved.Version = 2
	must(m.Put(ctx, moved, store.IfVersion(1)))
	if err := m.Put(ctx, b, store.NotExist); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("put over b: %v", err)
	}
	_, err := m.Get(ctx, b.Key)
	must(err)
	_, err = m.GetMany(ctx, []store.Key{a.Key, b.Key, {PK: pkB, SK: "Z"}})
	must(err)
	_, err = m.Query(ctx, store.Query{PK: pkB})
	must(err)
	_, err = m.Query(ctx, store.Query{Index: store.GSI2, PK: ownPK})
	must(err)
	_, err = m.Incr(ctx, store.Key{PK: "T#ws_1#CTR", SK: "code"}, 1)
	must(err)
	must(m.Transact(ctx, []store.TxOp{
		store.TxPut(sized("T#ws_1#C#cus_3", 2100, own2), store.NotExist),
		store.TxDelete(b.Key, store.Exists),
		store.TxCheck(moved.Key, store.IfVersion(2)),
		store.TxAdd(store.Key{PK: "T#ws_1#CTR", SK: "code"}, 1),
	}))
	must(m.Delete(ctx, moved.Key, store.None))
	return m.Charges()
}
