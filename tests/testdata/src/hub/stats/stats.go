// Package stats flushes counters on a ticker.
package stats

import "time"

// Stats flushes its counters every interval.
type Stats struct {
	flush *time.Ticker
	n     int
}

// New starts a Stats.
func New(d time.Duration) *Stats {
	return &Stats{flush: time.NewTicker(d)} // want `unstopped-ticker: the ticker in field .Stats.flush. is never stopped`
}
