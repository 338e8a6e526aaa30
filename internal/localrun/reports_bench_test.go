package localrun_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"tend/internal/localrun"
	"tend/internal/store"
)

// readCounter counts the items the services read from the store.
type readCounter struct {
	store.Store
	items atomic.Int64
}

func (c *readCounter) Get(ctx context.Context, key store.Key) (store.Item, error) {
	it, err := c.Store.Get(ctx, key)
	if err == nil {
		c.items.Add(1)
	}
	return it, err
}

func (c *readCounter) GetMany(ctx context.Context, keys []store.Key) ([]store.Item, error) {
	its, err := c.Store.GetMany(ctx, keys)
	c.items.Add(int64(len(its)))
	return its, err
}

func (c *readCounter) Query(ctx context.Context, q store.Query) (store.Page, error) {
	p, err := c.Store.Query(ctx, q)
	c.items.Add(int64(len(p.Items)))
	return p, err
}

// BenchmarkReportOwners reads the report per staff member over its
// default 30 days, in workspaces of more and more customers spread over
// those days (three staff, two warehouses, each customer cared for and
// moved a step). It reports the items a request reads: they grow with the
// days and the counters' dimensions a day holds, not with the customers.
func BenchmarkReportOwners(b *testing.B) {
	for _, n := range []int{300, 3000} {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			var reads *readCounter
			s := startWith(b, b.TempDir(), func(cfg *localrun.Config) {
				inner := cfg.WrapStore
				cfg.WrapStore = func(st store.Store) store.Store {
					reads = &readCounter{Store: inner(st)}
					return reads
				}
			})
			first := time.Date(2026, 10, 27, 2, 0, 0, 0, time.UTC)
			s.setClock(first)
			admin, _ := s.workspace("Nhiều khách")
			var staff []*client
			for _, name := range []string{"An", "Bình", "Chi"} {
				staff = append(staff, admin.user("Nhân viên "+name, "staff"))
			}
			whs := []string{admin.create("/v1/warehouses", map[string]any{"name": "Kho 1"}), admin.create("/v1/warehouses", map[string]any{"name": "Kho 2"})}
			var pl struct {
				ID    string `json:"id"`
				Steps []struct{ ID string }
			}
			admin.do("POST", "/v1/pipelines", map[string]any{"name": "Bán hàng", "steps": []map[string]string{{"name": "Mới"}, {"name": "Chốt"}}}).ok(201).into(&pl)
			for i := range n {
				if i%(n/30) == 0 {
					s.setClock(first.Add(time.Duration(i/(n/30)) * 24 * time.Hour))
				}
				owner := staff[i%len(staff)]
				cu := owner.createCustomer(map[string]any{"name": fmt.Sprintf("Khách %05d", i), "warehouse_id": whs[i%len(whs)],
					"source": "Zalo", "pipelines": map[string]string{pl.ID: pl.Steps[0].ID}})
				owner.do("POST", "/v1/customers/"+cu.ID+"/notes", map[string]any{"body": "Đã gọi"}).ok(201)
				owner.do("POST", "/v1/customers/"+cu.ID+"/step", map[string]any{"pipeline_id": pl.ID, "step_id": pl.Steps[1].ID}).ok(200)
			}
			s.anon().do("POST", "/dev/drain", nil).ok(200)
			var got ownersReport
			admin.do("GET", "/v1/reports/owners", nil).ok(200).into(&got)
			if got.Totals.Owned != int64(n) || got.Totals.Cared != int64(n) {
				b.Fatalf("owners' totals %+v, want %d customers owned and cared for", got.Totals, n)
			}
			var items int64
			requests := 0
			for b.Loop() {
				before := reads.items.Load()
				admin.do("GET", "/v1/reports/owners", nil).ok(200)
				items += reads.items.Load() - before
				requests++
			}
			b.ReportMetric(float64(items)/float64(requests), "items/op")
		})
	}
}
