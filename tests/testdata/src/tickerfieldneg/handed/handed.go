// Package handed gives its ticker fields to other code, which may stop them.
package handed

import "time"

// Job hands its ticker to a helper.
type Job struct {
	tick *time.Ticker
}

// NewJob starts a Job and lets a helper own its ticker.
func NewJob() *Job {
	j := &Job{tick: time.NewTicker(time.Second)}
	stopLater(j.tick)
	return j
}

func stopLater(t *time.Ticker) {
	go func() {
		time.Sleep(time.Minute)
		t.Stop()
	}()
}

// Clock returns its ticker to the caller.
type Clock struct {
	ticker *time.Ticker
}

// Start starts the clock.
func (c *Clock) Start() {
	c.ticker = time.NewTicker(time.Second)
}

// Ticker hands the ticker out.
func (c *Clock) Ticker() *time.Ticker {
	return c.ticker
}

// Sender sends its ticker away on a channel.
type Sender struct {
	t *time.Ticker
}

// Send starts a ticker and gives it away.
func (s *Sender) Send(out chan<- *time.Ticker) {
	s.t = time.NewTicker(time.Second)
	out <- s.t
}
