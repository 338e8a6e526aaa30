package customer_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/tendtest"
)

// A run over every customer works in customer.Shards jobs, each reading
// its shards of "all customers" page by page: every customer is read by
// its job (customer.ShardOf) exactly once, those still keyed as before
// the split (in the job's first shard) too, and a cursor saved before the
// split (a plain cursor of that first shard) goes on where it was.
func TestShardPageReadsEachCustomerOnce(t *testing.T) {
	ctx := t.Context()
	clock := tendtest.NewClock(time.Date(2026, 5, 4, 2, 0, 0, 0, time.UTC))
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Phân Mảnh", Clock: clock})
	tenant := w.AdminUser.TenantID
	// Ids are random: customers are created until job 3 has a few of its
	// own, at least 120 in all.
	byJob := map[int][]string{}
	created := 0
	for i := 0; i < 120 || len(byJob[3]) < 3; i++ {
		if i == 2000 {
			t.Fatalf("2000 customers and job 3 has %d", len(byJob[3]))
		}
		clock.Set(clock.Now().Add(time.Second))
		in, err := customer.ParseInput(fmt.Appendf(nil, `{"name":"Khách %03d"}`, i))
		if err != nil {
			t.Fatal(err)
		}
		cu, err := w.Customers.CreateCustomer(ctx, w.Admin(), in)
		if err != nil {
			t.Fatal(err)
		}
		byJob[customer.ShardOf(cu.ID)] = append(byJob[customer.ShardOf(cu.ID)], cu.ID)
		created++
	}
	// Job 3's customers as stored when "all" had customer.Shards shards:
	// all in shard 3.
	for _, id := range byJob[3] {
		it, err := w.DB.Get(ctx, store.Key{PK: customer.Partition(tenant, id), SK: "A"})
		if err != nil {
			t.Fatal(err)
		}
		it.Index[0].PK = customer.AllPK(tenant, 3)
		if err := w.DB.Put(ctx, it, store.IfVersion(it.Version)); err != nil {
			t.Fatal(err)
		}
	}
	read := func(job int, cursor string) []string {
		var ids []string
		for range 100 {
			page, err := customer.ShardPage(ctx, w.DB, tenant, job, 2, cursor)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				c, err := store.Decode[domain.Customer](it)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			if cursor = page.Cursor; cursor == "" {
				return ids
			}
		}
		t.Fatalf("job %d never ended", job)
		return nil
	}
	total := 0
	for job := range customer.Shards {
		got := read(job, "")
		total += len(got)
		if want := byJob[job]; !sameSet(got, want) {
			t.Errorf("job %d read %v, want %v, each once", job, got, want)
		}
	}
	if total != created {
		t.Errorf("the jobs read %d customers, want %d", total, created)
	}
	// A cursor of shard 3 alone, as a job saved it before the split.
	first, err := w.DB.Query(ctx, store.Query{Index: store.GSI1, PK: customer.AllPK(tenant, 3), Limit: 1, DocsOnly: true})
	if err != nil || first.Cursor == "" || len(first.Items) != 1 {
		t.Fatalf("first page of shard 3: %+v, %v", first, err)
	}
	c, err := store.Decode[domain.Customer](first.Items[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := append([]string{c.ID}, read(3, first.Cursor)...); !sameSet(got, byJob[3]) {
		t.Errorf("job 3 going on from a cursor of before: %v, want %v", got, byJob[3])
	}
}

func sameSet(got, want []string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}
