package localrun_test

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"
)

// heapPeak samples the heap in use (live and unswept objects, and the
// spans' free room: runtime.MemStats.HeapInuse) every few milliseconds
// until stopped, and keeps the highest.
type heapPeak struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func watchHeap() *heapPeak {
	h := &heapPeak{stop: make(chan struct{}), done: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	go func() {
		defer close(h.done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			if n := samples[0].Value.Uint64() + samples[1].Value.Uint64(); n > h.peak.Load() {
				h.peak.Store(n)
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// MB stops the sampling and returns the peak in MiB.
func (h *heapPeak) MB() float64 {
	close(h.stop)
	<-h.done
	return float64(h.peak.Load()) / (1 << 20)
}

// BenchmarkImport100k imports 100,000 rows in a user's own layout (the
// rows of TestImportOwnLayout: bad rows, duplicates within the file and
// of customers, every kind of value) through the job over SQLite: the
// file posted, then the jobs queue drained, chunk after chunk. It reports
// the rate in rows/s and the heap's peak, and fails over 300 MB.
func BenchmarkImport100k(b *testing.B) {
	const n = 100_000
	s := start(b, false)
	admin, _ := s.workspace("Công ty Đo")
	admin.create("/v1/fields", map[string]any{"key": "hang_the", "label": "Hạng thẻ", "type": "select", "options": []string{"Vàng", "Bạc", "Kim cương"}})
	admin.create("/v1/fields", map[string]any{"key": "doanh_so", "label": "Doanh số", "type": "money"})
	existing := make([]string, 100)
	for k := range existing {
		existing[k] = fmt.Sprintf("0987%06d", k)
		admin.createCustomer(map[string]any{"name": fmt.Sprintf("Khách Cũ %d", k), "phone": existing[k]})
	}
	header, rows := ownLayout(n, existing)
	cells := make([][]any, n)
	for i, r := range rows {
		cells[i] = r.cells
	}
	file := xlsxFile(b, header, cells)
	rows, cells = nil, nil
	var elapsed time.Duration
	var peak float64
	b.ResetTimer()
	for i := range b.N {
		if i > 0 { // the same rows again would all be duplicates
			b.StopTimer()
			admin, _ = s.workspace(fmt.Sprintf("Công ty Đo %d", i))
			admin.create("/v1/fields", map[string]any{"key": "hang_the", "label": "Hạng thẻ", "type": "select", "options": []string{"Vàng", "Bạc", "Kim cương"}})
			admin.create("/v1/fields", map[string]any{"key": "doanh_so", "label": "Doanh số", "type": "money"})
			b.StartTimer()
		}
		runtime.GC()
		heap := watchHeap()
		start := time.Now()
		id := admin.startImport("100k.xlsx", file, nil)
		if _, err := s.app.Jobs.Drain(context.Background(), s.app.Ticker.HandleJob); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		peak = max(peak, heap.MB())
		if j := admin.importJob(id); j.Status != "done" || j.Processed != n || j.Imported != n-6000 {
			b.Fatalf("import %s: %d processed, %d imported", j.Status, j.Processed, j.Imported)
		}
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(peak, "peak-heap-MB")
	if peak > 300 {
		b.Fatalf("the heap peaked at %.0f MB importing %d rows, over 300 MB", peak, n)
	}
}
