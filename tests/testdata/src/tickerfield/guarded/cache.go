// Package guarded has a Close that may be called on a nil cache, or twice: its leading guards
// must still run first once the fix adds the Stop (ristretto v0.1.1's Cache.Close).
package guarded

import "time"

// Cache sweeps expired entries on a ticker.
type Cache struct {
	cleanup  *time.Ticker
	isClosed bool
	stop     chan struct{}
}

// New makes a cache.
func New() *Cache {
	return &Cache{cleanup: time.NewTicker(time.Second), stop: make(chan struct{})} // want `unstopped-ticker: the ticker in field .Cache.cleanup. is never stopped`
}

// Close releases the cache; a nil cache is closed already.
func (c *Cache) Close() {
	// A nil cache is closed already.
	if c == nil || c.isClosed {
		return
	} // nothing to do
	if c.stop == nil {
		return
	}
	close(c.stop)
	c.isClosed = true
}
