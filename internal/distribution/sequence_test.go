package distribution_test

import (
	"fmt"
	"math"
	"testing"

	"tend/internal/distribution"
)

// Every prefix of the repeated sequence is within one assignment of each
// member's exact share, and each cycle gives exactly the weights.
func TestSequenceIsSmoothAndExact(t *testing.T) {
	for _, weights := range [][]int{{3, 4, 5}, {1, 1, 1}, {1}, {5, 1}, {2, 3, 7, 11}, {100, 1, 50}} {
		t.Run(fmt.Sprint(weights), func(t *testing.T) {
			seq := distribution.Sequence(weights)
			total := 0
			for _, w := range weights {
				total += w
			}
			if len(seq) != total {
				t.Fatalf("cycle of %d, want %d", len(seq), total)
			}
			got := make([]int, len(weights))
			for n := 1; n <= 3*total; n++ {
				got[seq[(n-1)%len(seq)]]++
				for i, w := range weights {
					ideal := float64(n) * float64(w) / float64(total)
					if math.Abs(float64(got[i])-ideal) >= 1 {
						t.Fatalf("after %d: member %d has %d, ideal %.2f", n, i, got[i], ideal)
					}
				}
			}
			for i, w := range weights {
				if got[i] != 3*w {
					t.Fatalf("member %d got %d in three cycles, want %d", i, got[i], 3*w)
				}
			}
		})
	}
}
