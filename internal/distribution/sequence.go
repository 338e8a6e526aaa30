package distribution

// Sequence returns one cycle of the smooth weighted round robin over the
// given weights (nginx's algorithm): the indexes of the staff, in the order
// they receive customers. Over a cycle each index appears as often as its
// weight, and at every point of it each one is less than one assignment
// ahead of or behind its exact share: weights 3, 4, 5 interleave as
// C B A C B C A B C B A C, never as A A A B B B B C C C C C.
func Sequence(weights []int) []int {
	total := 0
	for _, w := range weights {
		total += w
	}
	current := make([]int, len(weights))
	seq := make([]int, 0, total)
	for range total {
		best := -1
		for i, w := range weights {
			if w <= 0 {
				continue
			}
			current[i] += w
			if best < 0 || current[i] > current[best] {
				best = i
			}
		}
		current[best] -= total
		seq = append(seq, best)
	}
	return seq
}
