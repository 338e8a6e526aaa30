package campaignexport_test

import (
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"tend/internal/campaignexport"
)

// generated yields n members made up on the fly, so the rows themselves
// take no memory: what the benchmark measures is the renderer's.
type generated struct {
	i, n   int
	row    campaignexport.Row
	joined time.Time
}

func (g *generated) Next() (*campaignexport.Row, error) {
	if g.i == g.n {
		return nil, io.EOF
	}
	g.i++
	g.joined = time.Date(2026, 11, 1+g.i%28, 3, 0, 0, 0, time.UTC)
	g.row = campaignexport.Row{
		Code: fmt.Sprintf("KH%06d", g.i), Name: fmt.Sprintf("Nguyễn Thị Ánh Tuyết %d", g.i), Phone: fmt.Sprintf("09%08d", g.i),
		Email: fmt.Sprintf("khach%d@example.vn", g.i), Owner: "Phạm Quỳnh Hương", Status: "Tham gia", JoinedAt: &g.joined,
	}
	return &g.row, nil
}

// peakHeap samples the live heap every millisecond until stopped.
type peakHeap struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

func watchHeap() *peakHeap {
	runtime.GC()
	p := &peakHeap{stop: make(chan struct{})}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			p.peak = max(p.peak, sample[0].Value.Uint64())
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func (p *peakHeap) megabytes() float64 {
	close(p.stop)
	p.done.Wait()
	return float64(p.peak) / (1 << 20)
}

// BenchmarkWrite50k renders 50,000 members in each format and reports the
// rows per second and the peak of the live heap (peak-MB).
func BenchmarkWrite50k(b *testing.B) {
	const n = 50_000
	for _, format := range []string{"xlsx", "html", "pdf"} {
		b.Run(format, func(b *testing.B) {
			var peak float64
			for b.Loop() {
				heap := watchHeap()
				if err := campaignexport.Write(io.Discard, format, header(), &generated{n: n}, hcm); err != nil {
					b.Fatal(err)
				}
				peak = max(peak, heap.megabytes())
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(peak, "peak-MB")
		})
	}
}
