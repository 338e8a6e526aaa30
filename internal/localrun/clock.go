package localrun

import (
	"sync"
	"time"
)

// Clock is the runner's settable clock. Until it is set it is the wall
// clock; once set (POST /dev/clock) it stays at the time set, or runs on
// from it when asked to.
type Clock struct {
	mu      sync.Mutex
	set     bool
	at      time.Time
	running bool
	since   time.Time
}

// Now implements domain.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case !c.set:
		return time.Now().UTC()
	case c.running:
		return c.at.Add(time.Since(c.since)).UTC()
	}
	return c.at
}

// Set puts the clock at t, frozen there or running on.
func (c *Clock) Set(t time.Time, running bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set, c.at, c.running, c.since = true, t.UTC(), running, time.Now()
}

// Reset gives the clock back to the wall clock.
func (c *Clock) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set = false
}
