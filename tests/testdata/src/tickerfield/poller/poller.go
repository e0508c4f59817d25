// Package poller sets its ticker in a method, and has Stop but no Close.
package poller

import "time"

// Poller polls on a ticker it starts lazily.
type Poller struct {
	every time.Duration
	t     *time.Ticker
	done  chan struct{}
}

// Start begins polling.
func (p *Poller) Start() {
	p.t = time.NewTicker(p.every) // want `unstopped-ticker: the ticker in field .Poller.t. is never stopped`
	go func() {
		for range p.t.C {
		}
	}()
}

// Stop ends polling.
func (p *Poller) Stop() {
	close(p.done)
}
