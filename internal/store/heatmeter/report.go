package heatmeter

import (
	"fmt"
	"io"
	"math"
	"slices"
	"text/tabwriter"
)

// Row is one key pattern's heat over a workload.
type Row struct {
	Pattern string
	// Keys is how many concrete partition keys of the pattern were touched.
	Keys int
	// ReadPerWork and WritePerWork are the pattern's units (over all its
	// keys) per unit of work.
	ReadPerWork, WritePerWork float64
	// HotKey is the pattern's hottest concrete key: the one whose
	// per-partition limit is reached first.
	HotKey string
	// HotShare is the hottest key's part of the pattern's load (its units,
	// each as a share of its per-partition limit).
	HotShare float64
	// Ceiling is the units of work per second at which HotKey reaches
	// 1,000 WCU/s or 3,000 RCU/s.
	Ceiling float64
}

// load is how much of one second of a partition's limits u takes.
func load(u Units) float64 { return u.Write/PartitionWCU + u.Read/PartitionRCU }

// ceiling is the units of work per second a key charged u over work units
// of work can take.
func ceiling(u Units, work float64) float64 {
	c := math.Inf(1)
	if u.Write > 0 {
		c = min(c, PartitionWCU/(u.Write/work))
	}
	if u.Read > 0 {
		c = min(c, PartitionRCU/(u.Read/work))
	}
	return c
}

// Report groups charges by key pattern over work units of work, the
// lowest ceiling first.
func Report(charges map[Part]Units, work int) []Row {
	type group struct {
		total  Units
		keys   int
		hot    Part
		hotU   Units
		hotCap float64
	}
	w := float64(work)
	groups := map[string]*group{}
	for p, u := range charges {
		name := PartPattern(p)
		g := groups[name]
		if g == nil {
			g = &group{hotCap: math.Inf(1)}
			groups[name] = g
		}
		g.total.Read += u.Read
		g.total.Write += u.Write
		g.keys++
		if c := ceiling(u, w); c < g.hotCap || (c == g.hotCap && p.String() < g.hot.String()) {
			g.hot, g.hotU, g.hotCap = p, u, c
		}
	}
	rows := make([]Row, 0, len(groups))
	for name, g := range groups {
		share := 1.0
		if l := load(g.total); l > 0 {
			share = load(g.hotU) / l
		}
		rows = append(rows, Row{
			Pattern: name, Keys: g.keys,
			ReadPerWork: g.total.Read / w, WritePerWork: g.total.Write / w,
			HotKey: g.hot.String(), HotShare: share, Ceiling: g.hotCap,
		})
	}
	slices.SortFunc(rows, func(a, b Row) int {
		if a.Ceiling != b.Ceiling {
			if a.Ceiling < b.Ceiling {
				return -1
			}
			return 1
		}
		if a.Pattern < b.Pattern {
			return -1
		}
		return 1
	})
	return rows
}

// Ceiling is a workload's ceiling: the lowest of its rows' (the hottest
// key of all), infinite for no rows.
func Ceiling(rows []Row) float64 {
	c := math.Inf(1)
	for _, r := range rows {
		c = min(c, r.Ceiling)
	}
	return c
}

// Print writes rows as a table under a title.
func Print(w io.Writer, title string, work int, rows []Row) error {
	if _, err := fmt.Fprintf(w, "\n== %s (%d units of work)\n", title, work); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "pattern\tkeys\tRCU/work\tWCU/work\thottest share\tceiling/s\thottest key")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.0f%%\t%.0f\t%s\n",
			r.Pattern, r.Keys, r.ReadPerWork, r.WritePerWork, 100*r.HotShare, r.Ceiling, r.HotKey)
	}
	return tw.Flush()
}
