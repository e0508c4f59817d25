// Package watcher has neither Close nor Stop: only the ignore fix is offered.
package watcher

import "time"

// Watcher watches on a ticker.
type Watcher struct {
	tick *time.Ticker
}

// New starts a Watcher.
func New() *Watcher {
	w := &Watcher{}
	w.tick = time.NewTicker(time.Minute) // want `unstopped-ticker: the ticker in field .Watcher.tick. is never stopped`
	return w
}

// Shutdown is neither Close nor Stop.
func (w *Watcher) Shutdown() {
	w.tick.Reset(time.Hour)
}
