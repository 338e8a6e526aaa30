package heatmeter_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"tend/internal/store"
	"tend/internal/store/heatmeter"
)

// A pattern spread over keys takes its ceiling from its hottest key, not
// from its total.
func TestReport(t *testing.T) {
	got := heatmeter.Report(map[heatmeter.Part]heatmeter.Units{
		{PK: "T#ws_1#C#cus_1"}:                      {Write: 30},
		{PK: "T#ws_1#C#cus_2"}:                      {Write: 10},
		{PK: "T#ws_1"}:                              {Read: 60},
		{Index: store.GSI2, PK: "T#ws_1#OWN#usr_1"}: {Read: 5, Write: 5},
	}, 10)
	want := []heatmeter.Row{
		// 30 WCU over 10: 3 per unit of work, 1000/3 a second.
		{Pattern: "T#{tenant}#C#{customer}", Keys: 2, WritePerWork: 4, HotKey: "T#ws_1#C#cus_1", HotShare: 0.75, Ceiling: 1000.0 / 3},
		// 60 RCU over 10: 6 per unit of work, 3000/6.
		{Pattern: "T#{tenant}", Keys: 1, ReadPerWork: 6, HotKey: "T#ws_1", HotShare: 1, Ceiling: 500},
		// 0.5 WCU per unit of work: 2000 a second, before the reads' 6000.
		{Pattern: "GSI2 T#{tenant}#OWN#{user}", Keys: 1, ReadPerWork: 0.5, WritePerWork: 0.5, HotKey: "GSI2 T#ws_1#OWN#usr_1", HotShare: 1, Ceiling: 2000},
	}
	if len(got) != len(want) {
		t.Fatalf("Report = %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Pattern != w.Pattern || g.Keys != w.Keys || g.HotKey != w.HotKey ||
			!near(g.ReadPerWork, w.ReadPerWork) || !near(g.WritePerWork, w.WritePerWork) ||
			!near(g.HotShare, w.HotShare) || !near(g.Ceiling, w.Ceiling) {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
		}
	}
	if c := heatmeter.Ceiling(got); !near(c, 1000.0/3) {
		t.Errorf("Ceiling = %v, want 333.3", c)
	}
	var out bytes.Buffer
	if err := heatmeter.Print(&out, "w", 10, got); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "T#{tenant}#C#{customer}     2     0.00      4.00      75%            333        T#ws_1#C#cus_1") {
		t.Errorf("Print:\n%s", out.String())
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
