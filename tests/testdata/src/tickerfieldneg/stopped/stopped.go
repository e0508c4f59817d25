// Package stopped stops every ticker field somewhere in the package.
package stopped

import "time"

// Flusher is stopped in close.go.
type Flusher struct {
	flush *time.Ticker
}

// NewFlusher starts a Flusher.
func NewFlusher() *Flusher {
	return &Flusher{flush: time.NewTicker(time.Second)}
}

// Beacon is stopped by a method that is neither Close nor Stop.
type Beacon struct {
	beat *time.Ticker
}

// Start starts the beacon.
func (b *Beacon) Start() {
	b.beat = time.NewTicker(time.Second)
}

// Halt stops the beacon.
func (b *Beacon) Halt() {
	if b.beat != nil {
		b.beat.Stop()
	}
}

// Deferred is stopped through a deferred method value in its run loop.
type Deferred struct {
	every *time.Ticker
}

// Run loops until done, then stops the ticker.
func (d *Deferred) Run(done <-chan struct{}) {
	d.every = time.NewTicker(time.Second)
	stop := d.every.Stop
	defer stop()
	for {
		select {
		case <-d.every.C:
		case <-done:
			return
		}
	}
}
