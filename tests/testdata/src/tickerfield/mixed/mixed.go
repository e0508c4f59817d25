// Package mixed sets the field both in a literal and in a method, so the fix is nil-guarded.
package mixed

import "time"

// Cache expires entries on a ticker.
type Cache struct {
	expire *time.Ticker
	items  map[string]int
}

// New makes a Cache with its ticker in place.
func New() *Cache {
	return &Cache{expire: time.NewTicker(time.Minute), items: map[string]int{}} // want `unstopped-ticker: the ticker in field .Cache.expire. is never stopped`
}

// Reset starts over with a new ticker.
func (c *Cache) Reset(d time.Duration) {
	c.expire = time.NewTicker(d) // want `unstopped-ticker: the ticker in field .Cache.expire. is never stopped`
}
