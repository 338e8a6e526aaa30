package custindex_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"tend/internal/awstest"
	"tend/internal/custindex"
	"tend/internal/domain"
	"tend/internal/dynamo"
	"tend/internal/store"
	"tend/internal/tendtest"
)

// The same index items answer the same searches and sorted pages over the
// dynamo adapter (on moto) as over SQLite: the key ranges, the end of a
// sort value (\x01), the largest code point bounding a prefix, reverse
// reads and cursors mean the same to both.
func TestSameAnswersOverDynamo(t *testing.T) {
	clock := tendtest.NewClock(tendtest.DefaultTime)
	client := dynamodb.NewFromConfig(awstest.Config(t, "TEND_DYNAMO_ENDPOINT"))
	table := awstest.Table(t, client, "tend-custindex-")
	ddb, err := dynamo.New(client, table, clock)
	if err != nil {
		t.Fatal(err)
	}
	overDynamo := answers(t, ddb)
	overSQLite := answers(t, tendtest.Store(t, clock))
	if !reflect.DeepEqual(overDynamo, overSQLite) {
		t.Errorf("over dynamo:\n%q\nover sqlite:\n%q", overDynamo, overSQLite)
	}
	if len(overSQLite) < 40 {
		t.Errorf("only %d pages: %q", len(overSQLite), overSQLite)
	}
}

// answers writes the index items of a few customers to st and pages
// through searches and sorts, three ids a page.
func answers(t *testing.T, st store.Store) []string {
	t.Helper()
	ctx := t.Context()
	names := []string{"Nguyễn Văn An", "nguyen an", "Nguyễn Anh", "Lê Bình", "", "An", "Zoë", "Trần Thị Bé", "Ánh"}
	for i, name := range names {
		at := tendtest.DefaultTime.Add(time.Duration(i%4) * time.Hour)
		c := &domain.Customer{ID: fmt.Sprintf("cus_%02d", i), Name: name, Code: fmt.Sprintf("KH%06d", i), Phone: fmt.Sprintf("+8491234%04d", i*7),
			Email: fmt.Sprintf("khach%d@example.vn", i), Revenue: int64(i%3-1) * 1000, UpdatedAt: at}
		if i%2 == 0 {
			c.LastCareAt = &at
		}
		if err := st.Transact(ctx, custindex.Ops("ws_dyn", c.ID, nil, custindex.Entries(c))); err != nil {
			t.Fatal(err)
		}
	}
	var out []string
	page := func(what string, read func(cursor string) (custindex.Hits, error)) {
		cursor := ""
		for range 20 {
			hits, err := read(cursor)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			out = append(out, fmt.Sprint(what, hits.IDs))
			if cursor = hits.Cursor; cursor == "" {
				return
			}
		}
		t.Fatalf("%s: no end", what)
	}
	for _, q := range []string{"an", "nguyen an", "0912340007", "0021", "khach1", "kh00000", "zoe"} {
		page("search "+q, func(c string) (custindex.Hits, error) { return custindex.Search(ctx, st, "ws_dyn", q, c, 3) })
	}
	for _, f := range custindex.SortFields {
		for _, desc := range []bool{false, true} {
			page(fmt.Sprint("sort ", f, desc), func(c string) (custindex.Hits, error) { return custindex.Sorted(ctx, st, "ws_dyn", f, desc, c, 3) })
		}
	}
	return out
}
