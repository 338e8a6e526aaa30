//go:build capacity

package capacity_test

import (
	"os"
	"testing"

	"tend/internal/capacity"
)

// TestCapacity runs the workloads over the metered local runner and
// prints their tables and ceilings (make capacity). It measures: it fails
// only when a workload cannot run, never on the figures.
func TestCapacity(t *testing.T) {
	workloads := []struct {
		run func(*capacity.System, int) (capacity.Result, error)
		n   int
	}{
		{capacity.AssignmentsPerRule, 300},
		{capacity.LeadsPerWorkspace, 400},
		{capacity.CreatesPerWorkspace, 300},
	}
	var results []capacity.Result
	for _, w := range workloads {
		s, err := capacity.Start(t.Context(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		r, err := w.run(s, w.n)
		s.Close()
		if err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		if err := capacity.Print(os.Stdout, r); err != nil {
			t.Fatal(err)
		}
		results = append(results, r)
	}
	if err := capacity.PrintCeilings(os.Stdout, results); err != nil {
		t.Fatal(err)
	}
}
