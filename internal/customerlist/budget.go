package customerlist

import "time"

// Stopwatch starts timing one request and returns how long it has run so
// far. It measures real, monotonic time: the injected domain.Clock is the
// business time (tests set it, and it may stand still), not a measure of
// work done.
type Stopwatch func() (elapsed func() time.Duration)

// Budget is how long a list, count or lookup request keeps reading before
// it answers what it has (a partial page, with a cursor to go on from).
const Budget = 2 * time.Second

func monotonic() func() time.Duration {
	start := time.Now() // carries the monotonic reading time.Since uses
	return func() time.Duration { return time.Since(start) }
}

// SetBudget changes how long a request may read and how that is measured
// (nil: real time): tests force partial pages with a stopwatch of their
// own. Set it before the service answers requests.
func (s *Service) SetBudget(d time.Duration, sw Stopwatch) {
	if sw == nil {
		sw = monotonic
	}
	s.budget, s.stopwatch = d, sw
}

// startBudget starts timing a request; the func reports when its budget
// has run out.
func (s *Service) startBudget() func() bool {
	elapsed := s.stopwatch()
	return func() bool { return elapsed() >= s.budget }
}
